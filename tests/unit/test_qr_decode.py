"""One decoder, two backends: both read the same images the same way, Chinese included."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import qrcode
from PIL import Image, ImageDraw, ImageFilter

from gridpad.qr.decode import BACKENDS, Backend, decode

# 东莞 and 南城街道 are turned into Shift-JIS mojibake by zbar unless its binary mode is set.
TEXTS = ["东莞", "南城街道", "东莞市南城街道金龙新邨七巷16号", "héllo wörld ¥", "GP1.ABCDEF.K1.XYZ",
         "https://qr.alipay.com/fkx12345"]


def _qr(text: str, size: int = 300, border: int = 4) -> Image.Image:
    img = qrcode.make(text, border=border).get_image().convert("L")
    return img.resize((size, size), Image.Resampling.NEAREST)


def _in_frame(code: Image.Image) -> Image.Image:
    """A plate on a grey wall in a 1280×720 frame, slightly blurred, with Chinese text nearby."""
    frame = Image.new("L", (1280, 720), 150)
    frame.paste(code, (500, 180))
    ImageDraw.Draw(frame).rectangle((100, 100, 300, 140), fill=40)
    return frame.filter(ImageFilter.GaussianBlur(1.2))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("text", TEXTS)
def test_reads_text_exactly(backend: Backend, text: str) -> None:
    assert decode(_in_frame(_qr(text)), backend) == [text]


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_input_kind(backend: Backend, tmp_path: Path) -> None:
    text = "南城街道"
    img = _in_frame(_qr(text))
    rgb = np.asarray(img.convert("RGB"))
    path = tmp_path / "plate.png"
    img.save(path)
    assert decode(path, backend) == [text]
    assert decode(str(path), backend) == [text]
    assert decode(img.convert("RGB"), backend) == [text]
    assert decode(np.asarray(img), backend) == [text]
    assert decode(rgb, backend) == [text]
    assert decode(np.ascontiguousarray(rgb[:, :, ::-1]), backend, channels="bgr") == [text]
    bgra = np.dstack([rgb[:, :, ::-1], np.full(rgb.shape[:2], 255, np.uint8)])
    assert decode(bgra, backend, channels="bgr") == [text]
    padded = np.zeros((720, 1288), np.uint8)  # QImage rows are padded to 4 bytes
    padded[:, :1280] = np.asarray(img)
    assert decode(padded[:, :1280], backend) == [text]


@pytest.mark.parametrize("backend", BACKENDS)
def test_transparent_png_counts_as_white_paper(backend: Backend) -> None:
    code = _qr("东莞").convert("LA")
    alpha = np.asarray(code)[:, :, 0] < 128  # only the dark modules are opaque
    rgba = Image.new("RGBA", code.size, (0, 0, 0, 0))
    rgba.putalpha(Image.fromarray((alpha * 255).astype(np.uint8)))
    assert decode(rgba, backend) == ["东莞"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_codes_in_one_frame(backend: Backend) -> None:
    frame = Image.new("L", (1280, 720), 255)
    frame.paste(_qr("东莞", 250), (100, 200))
    frame.paste(_qr("wxp://f2f0abc", 250), (800, 200))
    assert sorted(decode(frame, backend)) == sorted(["东莞", "wxp://f2f0abc"])


@pytest.mark.parametrize("backend", BACKENDS)
def test_nothing_found(backend: Backend) -> None:
    noise = np.random.default_rng(1).integers(0, 256, (720, 1280), dtype=np.uint8)
    assert decode(noise, backend) == []


def test_bad_arguments() -> None:
    # Each call passes what the signature forbids on purpose: the ignores say so to mypy.
    with pytest.raises(ValueError, match="backend"):
        decode(np.zeros((10, 10), np.uint8), "opencv")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="uint8"):
        decode(np.zeros((10, 10), np.float32))
    with pytest.raises(ValueError, match="shape"):
        decode(np.zeros((10, 10, 2), np.uint8))
    with pytest.raises(ValueError, match="channels"):
        decode(np.zeros((10, 10), np.uint8), channels="grb")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="path, a PIL image or a numpy array"):
        decode(b"GP1")  # type: ignore[arg-type]


def test_light_on_dark_codes_only_when_asked() -> None:
    from PIL import ImageOps

    frame = ImageOps.invert(_in_frame(_qr("东莞")))
    assert decode(frame) == []
    assert decode(frame, inverted=True) == ["东莞"]


def test_thorough_falls_back_to_the_inverted_pass() -> None:
    from PIL import ImageOps

    frame = ImageOps.invert(_in_frame(_qr("南城街道")))
    assert decode(frame, thorough=True) == ["南城街道"]
    assert decode(_in_frame(_qr("东莞")), thorough=True) == ["东莞"]
