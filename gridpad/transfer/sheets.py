"""Reading a registry spreadsheet (.xlsx with openpyxl, .csv with the csv module) into rows.

Rows keep their spreadsheet row number (1-based, as Excel shows it) so every message can point
at the row a person has to fix. CSV files saved by Excel on a Chinese Windows are GBK; others
are UTF-8 with or without a BOM.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gridpad.transfer.headers import find_header_row, map_headers

#: Rows searched for the header (title rows and notes may sit above it).
_HEADER_SCAN = 15
#: Bounds of one import (a community's registry is a few thousand rows of ~30 columns): a zip
#: bomb or a runaway sheet is refused with the reason instead of eating memory for minutes.
MAX_ROWS = 100_000
MAX_COLUMNS = 200
#: Uncompressed size of all an xlsx file's parts together.
MAX_XLSX_BYTES = 200 * 1024 * 1024


class SheetError(Exception):
    """The file cannot be read as a registry (message is one line for the user)."""


@dataclass(frozen=True)
class Sheet:
    header_row: int  # spreadsheet row number of the header
    headers: list[str]  # the header cells as written
    columns: dict[int, str]  # column index → import key
    rows: list[tuple[int, list[object]]]  # (spreadsheet row number, cells) of non-empty data rows


def read_sheet(path: Path) -> Sheet:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raw = _xlsx_rows(path)
    elif suffix in (".csv", ".txt"):
        raw = _csv_rows(path)
    else:
        raise SheetError(f"{path.name}: unsupported file type {suffix or '(none)'}; use .xlsx or .csv")
    head: list[list[object]] = []
    for cells in raw:
        head.append(cells)
        if len(head) >= _HEADER_SCAN:
            break
    index = find_header_row(head)
    if index is None:
        raise SheetError(f"{path.name}: no header row with 姓名 and at least one other known column "
                         f"in the first {_HEADER_SCAN} rows")
    header = head[index]
    rows: list[tuple[int, list[object]]] = []
    pending = head[index + 1:]
    number = index + 1
    for cells in _chain(pending, raw):
        number += 1
        if number > MAX_ROWS + index + 1:
            raise SheetError(f"{path.name}: more than {MAX_ROWS} rows; split it into smaller files")
        if len(cells) > MAX_COLUMNS:
            cells = _trim(cells, path.name, number)
        if any(not _blank(c) for c in cells):
            rows.append((number, cells))
    return Sheet(index + 1, ["" if c is None else str(c) for c in header], map_headers(header), rows)


def _chain(first: list[list[object]], rest: Iterator[list[object]]) -> Iterator[list[object]]:
    yield from first
    yield from rest


def _trim(cells: list[object], name: str, number: int) -> list[object]:
    """Trailing empty cells past MAX_COLUMNS are dropped (some tools pad rows); content there is refused."""
    if any(not _blank(c) for c in cells[MAX_COLUMNS:]):
        raise SheetError(f"{name}: row {number} has more than {MAX_COLUMNS} columns; "
                         "a registry has about 30 - remove the extra columns")
    return cells[:MAX_COLUMNS]


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _xlsx_rows(path: Path) -> Iterator[list[object]]:
    import zipfile

    import openpyxl  # imported here: csv imports should not pay for it

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise SheetError(f"{path.name}: cannot open as an Excel workbook (not a zip file)") from None
    if unpacked > MAX_XLSX_BYTES:
        raise SheetError(f"{path.name}: unpacks to more than {MAX_XLSX_BYTES // 2**20} MB; "
                         "split it into smaller files")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many unrelated types for a damaged file
        raise SheetError(f"{path.name}: cannot open as an Excel workbook ({type(exc).__name__})") from None
    ws = wb.active if wb.active is not None else wb.worksheets[0]
    # read_only sheets report a bad dimension for files written by some tools; reset it.
    ws.reset_dimensions()

    def rows() -> Iterator[list[object]]:
        try:
            # max_col: a sheet claiming 16k columns is not read cell by cell past the bound
            # (one more, so extra content is seen and refused rather than dropped unseen).
            for values in ws.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
                cells: list[object] = list(values)
                while cells and cells[-1] is None:  # max_col pads every row to its width
                    cells.pop()
                yield cells
        finally:
            wb.close()

    return rows()


def decode_csv(data: bytes) -> str:
    """UTF-8 (BOM or not) when it decodes cleanly, else GB18030 (a superset of Excel's GBK)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise SheetError("the CSV file is neither UTF-8 nor GBK text") from None


def _csv_rows(path: Path) -> Iterator[list[object]]:
    content = decode_csv(path.read_bytes())
    # Excel writes commas, or tabs for "Unicode text"; pick by the first line.
    first = content.split("\n", 1)[0]
    dialect = csv.excel_tab if first.count("\t") > first.count(",") else csv.excel
    reader = csv.reader(io.StringIO(content, newline=""), dialect)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise SheetError(f"{path.name}: line {reader.line_num}: a cell is longer than 128 KB "
                             "(no registry cell is) or its quotes are not closed") from None
        yield list(cells)
