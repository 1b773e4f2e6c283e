"""Find and read QR codes in an image: the one decoder the app, the CLI and the benchmarks use.

``decode(image)`` returns the text of every QR code found, in the order the backend found them.

Backends:

- ``"zxing"`` (default): zxing-cpp. Reads more real photos and is several times faster.
- ``"zbar"``: libzbar through pyzbar's ctypes bindings. zbar normally guesses the text encoding
  of byte-mode QR data and turns UTF-8 Chinese into Shift-JIS mojibake; we set zbar's binary
  mode (``ZBAR_CFG_BINARY``, zbar ≥ 0.23) so it hands back the raw bytes and decode them here.

Accepted images:

- a file path (``str`` or ``os.PathLike``);
- a PIL image (any mode);
- a numpy ``uint8`` array: ``H×W`` grey, or ``H×W×3`` / ``H×W×4`` colour. Colour channel order
  is given by ``channels``: ``"rgb"`` (PIL, numpy, QImage ``Format_RGB888``/``Format_RGBA8888``)
  or ``"bgr"`` (OpenCV; QImage ``Format_RGB32``/``Format_ARGB32`` on little-endian machines are
  ``BGRA`` in memory). Row padding is fine (a padded array is copied once).

Every text comes back with control and other invisible characters written out by name
(``<ESC>``, ``<U+9B>``, :mod:`gridpad.core.visible_text`), whichever backend read it: a decoded code
is shown on a terminal or a screen, and a QR code is anyone's to print.

Image files over :data:`MAX_PIXELS` are refused with :class:`ImageTooLargeError` (a JPEG is decoded
at a reduced scale instead, which costs no more memory than a smaller photo).

From a QImage (the UI side; this package never imports Qt), the cheapest exact path is grey::

    img = qimage.convertToFormat(QImage.Format.Format_Grayscale8)
    arr = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes())
    arr = arr.reshape(img.height(), img.bytesPerLine())[:, : img.width()]
    texts = decode(arr)
"""

from __future__ import annotations

import ctypes
import os
import warnings
from typing import Literal

import numpy as np
import zxingcpp
from PIL import Image

from gridpad.core.visible_text import escape_invisible

Backend = Literal["zxing", "zbar"]
BACKENDS: tuple[Backend, ...] = ("zxing", "zbar")
Channels = Literal["rgb", "bgr"]
ImageLike = str | os.PathLike[str] | Image.Image | np.ndarray

_QR = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)

#: The largest image file decoded as it is: a 64-megapixel photo already holds a door plate many
#: times over, and decoding costs about 4 bytes a pixel. (Pillow only warns from 89 megapixels.)
MAX_PIXELS = 64_000_000


class ImageTooLargeError(ValueError):
    """An image file with more pixels than :data:`MAX_PIXELS` (and not a JPEG we can scale down)."""

    def __init__(self, size: tuple[int, int] | None) -> None:
        what = f"{size[0]}×{size[1]} pixels" if size else "far too many pixels"
        super().__init__(f"image too large to read ({what}; the limit is {MAX_PIXELS // 1_000_000} "
                         "megapixels): scale it down first")
        self.size = size


def decode(image: ImageLike, backend: Backend = "zxing", *, channels: Channels = "rgb",
           inverted: bool = False, thorough: bool = False) -> list[str]:
    """The text of every QR code in ``image`` (empty list: none found).

    ``inverted``: also look for light-on-dark codes (zxing only). Off by default: door plates are
    printed dark on light, and the extra pass nearly doubles the time per 1280×720 frame (about
    7 → 4 ms in bench/bench_qr.py) without reading a single more real photo.

    ``thorough`` (zxing only): when zxing-cpp finds nothing, try the light-on-dark pass and then
    zbar. For one-off images (a file the user opened, ``gridpad scan``): it reads a few more hard
    frames (bench: 77 vs 73 of 80 synthetic, the same 81/81 real photos) but a frame with no code
    costs ~50 ms instead of ~1 ms, so camera frames leave it off.
    """
    if channels not in ("rgb", "bgr"):
        raise ValueError(f"channels {channels!r}: must be 'rgb' or 'bgr'")
    if isinstance(image, str | os.PathLike):
        with _open_file(image) as opened:
            image = _pil_for_decoding(opened)
    elif isinstance(image, Image.Image):
        image = _pil_for_decoding(image)
    elif isinstance(image, np.ndarray):
        _check_array(image)
    else:
        raise TypeError(f"cannot decode a {type(image).__name__}: give a path, a PIL image or a numpy array")
    if backend == "zxing":
        grey = _grey(image, channels)
        found = _zxing(grey, inverted)
        if not found and thorough:
            found = (not inverted and _zxing(grey, True)) or _zbar(grey)
        return found
    if backend == "zbar":
        return _zbar(_grey(image, channels))
    raise ValueError(f"backend {backend!r}: must be one of {', '.join(BACKENDS)}")


def _open_file(path: str | os.PathLike[str]) -> Image.Image:
    """The image file, within :data:`MAX_PIXELS` (a large JPEG is decoded at 1/2, 1/4 or 1/8 scale)."""
    with warnings.catch_warnings():
        # We judge the size ourselves, below; the user is told in plain words, not by a warning.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            opened = Image.open(path)
        except Image.DecompressionBombError:
            raise ImageTooLargeError(None) from None
    width, height = opened.size
    if width * height <= MAX_PIXELS:
        return opened
    if opened.format == "JPEG":
        scale = 2
        while scale < 8 and (width // scale) * (height // scale) > MAX_PIXELS:
            scale *= 2
        opened.draft(opened.mode, (width // scale, height // scale))
        if opened.size[0] * opened.size[1] <= MAX_PIXELS:
            return opened
    opened.close()
    raise ImageTooLargeError((width, height))


def _pil_for_decoding(image: Image.Image) -> np.ndarray:
    if image.mode not in ("L", "RGB"):
        # Transparent areas (a PNG plate) are white paper, not black.
        if "A" in image.getbands() or "transparency" in image.info:
            rgba = image.convert("RGBA")
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            image = Image.alpha_composite(white, rgba)
        image = image.convert("RGB")
    return np.asarray(image)


def _check_array(arr: np.ndarray) -> None:
    if arr.dtype != np.uint8:
        raise ValueError(f"image array: must be uint8, got {arr.dtype}")
    if not (arr.ndim == 2 or (arr.ndim == 3 and arr.shape[2] in (3, 4))):
        raise ValueError(f"image array: must be H×W, H×W×3 or H×W×4, got shape {arr.shape}")


def _zxing(grey: np.ndarray, inverted: bool) -> list[str]:
    grey = np.ascontiguousarray(grey)  # zxing-cpp's ImageView wants one block (a copy only if padded)
    view = zxingcpp.ImageView(grey, grey.shape[1], grey.shape[0], zxingcpp.ImageFormat.Lum)
    # Plain text, escaped here: the same function as for zbar, so both backends read alike.
    return [escape_invisible(r.text) for r in zxingcpp.read_barcodes(
        view, formats=_QR, try_invert=inverted, text_mode=zxingcpp.TextMode.Plain)]


def _grey(arr: np.ndarray, channels: Channels) -> np.ndarray:
    """8-bit luminance. Pillow's converter: ~2 ms a 1280×720 frame, where zxing-cpp's own RGB
    path costs several ms more and a numpy weighted sum over 10."""
    if arr.ndim == 2:
        return arr
    mode = "RGB" if arr.shape[2] == 3 else "RGBA"
    raw = mode if channels == "rgb" else mode.replace("RGB", "BGR")
    data = np.ascontiguousarray(arr)
    img = Image.frombuffer(mode, (arr.shape[1], arr.shape[0]), data, "raw", raw, 0, 1)
    return np.asarray(img.convert("L"))


# --- zbar ---------------------------------------------------------------------------------------

_ZBAR_CFG_ENABLE = 0
_ZBAR_CFG_BINARY = 4  # zbar ≥ 0.23: return raw bytes instead of guessing a text encoding
_ZBAR_QRCODE = 64
_ZBAR_Y800 = int.from_bytes(b"Y800", "little")


def _zbar(grey: np.ndarray) -> list[str]:
    from pyzbar import wrapper as zb  # imported here: libzbar is optional at run time

    pixels = np.ascontiguousarray(grey)
    height, width = pixels.shape
    scanner = zb.zbar_image_scanner_create()
    try:
        zb.zbar_image_scanner_set_config(scanner, 0, _ZBAR_CFG_ENABLE, 0)  # all symbologies off
        zb.zbar_image_scanner_set_config(scanner, _ZBAR_QRCODE, _ZBAR_CFG_ENABLE, 1)
        if zb.zbar_image_scanner_set_config(scanner, _ZBAR_QRCODE, _ZBAR_CFG_BINARY, 1) != 0:
            raise RuntimeError("libzbar is older than 0.23 (no binary mode): UTF-8 would be garbled")
        image = zb.zbar_image_create()
        try:
            zb.zbar_image_set_format(image, _ZBAR_Y800)
            zb.zbar_image_set_size(image, width, height)
            zb.zbar_image_set_data(image, pixels.ctypes.data_as(ctypes.c_void_p), pixels.nbytes, None)
            if zb.zbar_scan_image(scanner, image) < 0:
                raise RuntimeError("zbar could not scan the image")
            texts = []
            symbol = zb.zbar_image_first_symbol(image)
            while symbol:
                size = zb.zbar_symbol_get_data_length(symbol)
                data = ctypes.string_at(zb.zbar_symbol_get_data(symbol), size)
                texts.append(escape_invisible(_text(data)))
                symbol = zb.zbar_symbol_next(symbol)
            return texts
        finally:
            zb.zbar_image_destroy(image)
    finally:
        zb.zbar_image_scanner_destroy(scanner)


def _text(data: bytes) -> str:
    """QR byte data as text: UTF-8 (what every current generator writes), then GB 18030 (older
    Chinese generators), then ISO 8859-1 (the QR standard's default)."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")
