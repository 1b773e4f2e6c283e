"""Door-plate labels: A4 sheets (PDF) for the print shop and single plates (PNG).

Shared by ``gridpad plates`` and ``gridpad-server admin plates``; no app imports.

Every code is made at error-correction level H: plates hang outdoors for years, in sun, rain and
dust, get scratched, sprayed with 办证 adverts and half covered by stickers. Level H still reads
with about 30 % of the code's codewords destroyed (Q: 25 %, M: 15 %). It costs one QR version
(53×53 modules instead of 49×49 at Q for our payload), which the plate's size absorbs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

A4_W_MM, A4_H_MM = 210.0, 297.0
COLUMNS, ROWS = 2, 3  # six plates a sheet: a ~70 mm code reads from about 1.5 m away
MARGIN_MM = 12.0
QUIET_ZONE = 4  # modules of white around the code, as the QR standard requires
FONT_NAME = "GridPadCJK"
FALLBACK_CID_FONT = "STSong-Light"  # reportlab's built-in Chinese font: needs no file at all

_HERE = Path(__file__).resolve().parent
#: Where a CJK TrueType font is looked for, first hit wins. ``GRIDPAD_CJK_FONT`` overrides.
FONT_CANDIDATES = (
    _HERE.parent / "resources" / "fonts" / "wqy-microhei.ttc",  # bundled (Apache-2.0)
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),  # Debian/Ubuntu fonts-wqy-microhei
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("C:/Windows/Fonts/msyh.ttc"),
    Path("C:/Windows/Fonts/simhei.ttf"),
    Path("/System/Library/Fonts/PingFang.ttc"),
)


@dataclass(frozen=True)
class Plate:
    payload: str  # the signed text (sync.doorplate.make_payload)
    address: str  # the standard address, printed under the code
    title: str = ""  # e.g. the building's name (锦厦花园3栋); printed above the code


def find_cjk_font() -> Path | None:
    override = os.environ.get("GRIDPAD_CJK_FONT")
    candidates = ((Path(override),) if override else ()) + FONT_CANDIDATES
    return next((p for p in candidates if p.is_file()), None)


def qr_matrix(payload: str) -> list[list[bool]]:
    """The code's modules (True = dark), quiet zone included."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_H, border=QUIET_ZONE)
    code.add_data(payload)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def render_sheet(plates: Sequence[Plate], out: Path) -> list[Path]:
    """Write ``out``: ``.pdf`` → A4 sheets; ``.png`` → one image per plate (``name-001.png``… when
    there are several). Returns the files written."""
    out = Path(out)
    if not plates:
        raise ValueError("no plates to print")
    suffix = out.suffix.lower()
    if suffix == ".pdf":
        _pdf(plates, out)
        return [out]
    if suffix == ".png":
        if len(plates) == 1:
            render_png(plates[0]).save(out)
            return [out]
        paths = [out.with_name(f"{out.stem}-{i:03d}.png") for i in range(1, len(plates) + 1)]
        for plate, path in zip(plates, paths, strict=True):
            render_png(plate).save(path)
        return paths
    raise ValueError(f"--out {out.name}: must end in .pdf or .png")


# --- PNG ----------------------------------------------------------------------------------------

def _wrap(text: str, fits: Callable[[str], bool], max_lines: int) -> list[str]:
    """Break ``text`` (Chinese: any character may break) into lines that ``fits(line)``."""
    lines: list[str] = []
    line = ""
    for ch in text:
        if fits(line + ch) or not line:
            line += ch
        else:
            lines.append(line)
            line = ch
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], "".join(lines[max_lines - 1:])]
    return lines


def render_png(plate: Plate, module_px: int = 10) -> Image.Image:
    """One plate: title, code, address; white background, black print."""
    matrix = qr_matrix(plate.payload)
    size = len(matrix) * module_px
    font_path = find_cjk_font()
    if font_path is None:
        raise RuntimeError("no Chinese font found for the address: install fonts-wqy-microhei "
                           "or set GRIDPAD_CJK_FONT to a .ttf/.ttc file")
    big = ImageFont.truetype(str(font_path), size=max(12, size // 12), index=0)
    small = ImageFont.truetype(str(font_path), size=max(10, size // 16), index=0)
    width = size
    lines = _wrap(plate.address, lambda t: big.getlength(t) <= width - 2 * QUIET_ZONE * module_px, 3)
    line_h = int(big.size * 1.3)
    title_h = int(small.size * 1.6) if plate.title else 0
    img = Image.new("L", (width, title_h + size + line_h * len(lines) + QUIET_ZONE * module_px), 255)
    draw = ImageDraw.Draw(img)
    if plate.title:
        draw.text((width / 2, title_h * 0.8), plate.title, font=small, fill=0, anchor="ms")
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                x0, y0 = x * module_px, title_h + y * module_px
                draw.rectangle((x0, y0, x0 + module_px - 1, y0 + module_px - 1), fill=0)
    for i, line in enumerate(lines):
        draw.text((width / 2, title_h + size + i * line_h), line, font=big, fill=0, anchor="mt")
    return img


# --- PDF ----------------------------------------------------------------------------------------

def register_cjk_font() -> str:
    """Register a Chinese font with reportlab and return its name: the TrueType font found by
    :func:`find_cjk_font` (embedded, renders everywhere), else the built-in CID font STSong-Light
    (not embedded: viewers substitute a local Chinese font)."""
    registered = pdfmetrics.getRegisteredFontNames()
    path = find_cjk_font()
    if path is not None and FONT_NAME in registered:
        return FONT_NAME
    if path is not None:
        try:
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
            return FONT_NAME
        except Exception:  # noqa: BLE001 - a font reportlab cannot read (e.g. CFF outlines): use the CID font
            pass
    if FALLBACK_CID_FONT not in registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    return FALLBACK_CID_FONT


def _pdf(plates: Sequence[Plate], out: Path, font: str | None = None) -> None:
    font = font or register_cjk_font()
    canvas = Canvas(str(out), pagesize=(A4_W_MM * mm, A4_H_MM * mm))
    canvas.setTitle("GridPad 门牌二维码")
    cell_w = (A4_W_MM - 2 * MARGIN_MM) / COLUMNS * mm
    cell_h = (A4_H_MM - 2 * MARGIN_MM) / ROWS * mm
    per_page = COLUMNS * ROWS
    for start in range(0, len(plates), per_page):
        page = plates[start:start + per_page]
        _cut_marks(canvas, cell_w, cell_h)
        for i, plate in enumerate(page):
            col, row = i % COLUMNS, i // COLUMNS
            x0 = MARGIN_MM * mm + col * cell_w
            y_top = (A4_H_MM - MARGIN_MM) * mm - row * cell_h
            _pdf_plate(canvas, plate, x0, y_top, cell_w, cell_h, font)
        canvas.showPage()
    canvas.save()


def _cut_marks(canvas: Canvas, cell_w: float, cell_h: float) -> None:
    """Short crop marks at every cell corner, in the gutters, so the plates can be cut apart."""
    mark = 4 * mm
    canvas.setLineWidth(0.3)
    canvas.setStrokeGray(0.4)
    for c in range(COLUMNS + 1):
        for r in range(ROWS + 1):
            x = MARGIN_MM * mm + c * cell_w
            y = (A4_H_MM - MARGIN_MM) * mm - r * cell_h
            canvas.line(x - mark / 2, y, x + mark / 2, y)
            canvas.line(x, y - mark / 2, x, y + mark / 2)


def _fits(font: str, size: float, width: float) -> Callable[[str], bool]:
    return lambda text: bool(stringWidth(text, font, size) <= width)


def _address_lines(address: str, font: str, width: float) -> tuple[float, list[str]]:
    """The largest size (12 pt down to 7 pt) at which the address fits two lines."""
    for tenths in range(120, 65, -5):
        size = tenths / 10
        lines = _wrap(address, _fits(font, size, width), 2)
        if all(stringWidth(t, font, size) <= width for t in lines):
            break
    return size, lines


def _pdf_plate(canvas: Canvas, plate: Plate, x0: float, y_top: float, cell_w: float, cell_h: float,
               font: str) -> None:
    pad = cell_w * 0.08
    title_size, addr_room = 10.0, 12.0 * 1.3 * 2
    text_w = cell_w - 2 * pad
    matrix = qr_matrix(plate.payload)
    # The code takes what is left once the title and two address lines have their room.
    code_size = min(text_w, cell_h - 2 * pad - title_size * 1.6 - addr_room)
    module = code_size / len(matrix)
    cx = x0 + cell_w / 2
    y = y_top - pad
    if plate.title:
        canvas.setFont(font, title_size)
        canvas.setFillGray(0.2)
        canvas.drawCentredString(cx, y - title_size, plate.title)
    y -= title_size * 1.6
    left = cx - code_size / 2
    canvas.setFillGray(0)
    for r, row in enumerate(matrix):
        x = 0
        while x < len(row):  # one rectangle per run of dark modules keeps the PDF small
            if not row[x]:
                x += 1
                continue
            run = x
            while run < len(row) and row[run]:
                run += 1
            canvas.rect(left + x * module, y - (r + 1) * module, (run - x) * module, module, stroke=0, fill=1)
            x = run
    y -= code_size
    size, lines = _address_lines(plate.address, font, text_w)
    canvas.setFont(font, size)
    for i, line in enumerate(lines):
        canvas.drawCentredString(cx, y - size * (1.1 + 1.3 * i), line)
