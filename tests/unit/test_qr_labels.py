"""Label sheets and single plates: every printed code reads back, the Chinese address is real text."""

from __future__ import annotations

import uuid
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gridpad.qr.decode import Backend, decode
from sync import doorplate as dp
from sync import labels
from sync.labels import Plate, render_sheet

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
ADDRESSES = [
    "东莞市南城街道金龙新邨七巷16号",
    "东莞市东城街道主山社区八巷3号",
    "东莞市虎门镇白沙社区工业路128号",
    "东莞市长安镇乌沙社区兴发南路一巷22号",
    "东莞市塘厦镇林村社区",
    "东莞市松山湖高新技术产业开发区大学路1号宿舍楼B栋东侧配电房旁边的出租屋",
    "东莞市莞城街道西正路5号",
]


def _plates(n: int) -> list[Plate]:
    return [Plate(dp.make_payload(str(uuid.uuid4()), KEY, "K1"), ADDRESSES[i % len(ADDRESSES)], f"{i + 1}栋")
            for i in range(n)]


def _pages(path: Path) -> list[tuple[str, list[str]]]:
    """(text, decoded codes) of each page, rendered at 200 dpi."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        out = []
        for page in pdf:
            text = page.get_textpage().get_text_range()
            out.append((text, decode(page.render(scale=200 / 72).to_pil())))
        return out
    finally:
        pdf.close()


def test_pdf_sheets_hold_six_plates_a_page_and_every_code_reads_back(tmp_path: Path) -> None:
    plates = _plates(7)
    out = tmp_path / "plates.pdf"
    assert render_sheet(plates, out) == [out]
    pages = _pages(out)
    assert len(pages) == 2
    assert sorted(pages[0][1]) == sorted(p.payload for p in plates[:6])
    assert pages[1][1] == [plates[6].payload]
    text = "".join(t for t, _ in pages).replace("\n", "").replace("\r", "")
    for plate in plates:
        assert plate.address in text  # real, extractable Chinese text (a ToUnicode-mapped font)
        assert plate.title in text


def test_pdf_falls_back_to_the_builtin_chinese_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(labels, "FONT_CANDIDATES", ())
    monkeypatch.delenv("GRIDPAD_CJK_FONT", raising=False)
    assert labels.find_cjk_font() is None
    assert labels.register_cjk_font() == labels.FALLBACK_CID_FONT
    out = tmp_path / "cid.pdf"
    plates = _plates(1)
    render_sheet(plates, out)
    assert b"STSong-Light" in out.read_bytes()
    [(text, codes)] = _pages(out)
    assert codes == [plates[0].payload]
    assert plates[0].address in text.replace("\r", "").replace("\n", "")


def test_codes_use_error_correction_level_h() -> None:
    payload = _plates(1)[0].payload
    side = len(labels.qr_matrix(payload)) - 2 * labels.QUIET_ZONE
    assert side == 53  # version 9: our ~137-character payload at level H (Q would give 49)


@pytest.mark.parametrize("backend", ["zxing", "zbar"])
def test_single_png_plate_reads_back(tmp_path: Path, backend: Backend) -> None:
    [plate] = _plates(1)
    out = tmp_path / "plate.png"
    assert render_sheet([plate], out) == [out]
    assert decode(out, backend) == [plate.payload]


def test_several_png_plates_become_numbered_files(tmp_path: Path) -> None:
    plates = _plates(3)
    paths = render_sheet(plates, tmp_path / "p.png")
    assert [p.name for p in paths] == ["p-001.png", "p-002.png", "p-003.png"]
    assert [decode(p) for p in paths] == [[p.payload] for p in plates]


def test_png_without_any_chinese_font_is_a_clear_error(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(labels, "FONT_CANDIDATES", ())
    monkeypatch.delenv("GRIDPAD_CJK_FONT", raising=False)
    with pytest.raises(RuntimeError, match="GRIDPAD_CJK_FONT"):
        render_sheet(_plates(1), tmp_path / "p.png")


def test_bad_output_and_empty_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.pdf or \.png"):
        render_sheet(_plates(1), tmp_path / "plates.svg")
    with pytest.raises(ValueError, match="no plates"):
        render_sheet([], tmp_path / "plates.pdf")
