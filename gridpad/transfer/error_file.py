"""The rejected rows of an import, written so a person can fix them and import the file again.

The original header and cells are kept as they were, plus a last column 错误原因 (the reasons);
the importer ignores that column, so the fixed file re-imports as it is. CSV is UTF-8 with a BOM
(Excel opens it with the Chinese intact); a path ending in ``.xlsx`` gets a workbook.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from gridpad.transfer.formula_guard import guard
from gridpad.transfer.registry_import import Rejected

REASON_HEADER = "错误原因"


def default_path(source: Path) -> Path:
    return source.with_name(f"{source.stem}.errors.csv")


def _cell(value: object) -> object:
    """A cell as written back: dates as text, and a formula-like text guarded as the export does
    (a spreadsheet must not run it; the import undoes the guard)."""
    if isinstance(value, str):
        return guard(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def write_errors(path: Path, headers: Sequence[str], rejected: Sequence[Rejected]) -> None:
    width = max([len(headers), *(len(r.cells) for r in rejected)])
    head = [*headers, *([""] * (width - len(headers))), REASON_HEADER]
    body = [[*(_cell(c) for c in r.cells), *([""] * (width - len(r.cells))),
             "；".join(f"第{r.number}行 {reason}" for reason in r.reasons)] for r in rejected]
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("错误行")
        ws.append(head)
        for cells in body:
            ws.append(cells)
        wb.save(path)
        return
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        w.writerows(body)
