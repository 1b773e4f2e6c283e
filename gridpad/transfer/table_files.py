"""Reading back the CSV files of ``gridpad export --format csv``: one file per table.

The header (``编号 id, 标准地址 address, …``) names the table's columns, so the file says which
table it holds; each row is an upsert of that record, as a jsonl export line is. What the export
did for spreadsheets is undone exactly: a text cell it prefixed with ``'`` because it starts like a
formula gets its text back (:func:`gridpad.transfer.formula_guard.unguard`), 是/否 become
booleans, JSON columns their value and numbers their type; an empty cell is no value. So an export
imports as it is, and importing it again changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from gridpad.transfer.apply import Edit
from gridpad.transfer.formula_guard import unguard
from gridpad.transfer.sheets import SheetError, decode_csv
from sync.schema import TABLES, Column

_ID_HEADER = "编号 id"
#: Tables in an order where every reference points at a row already read.
ORDER = ("grid", "organisation", "person", "building", "unit", "tenancy", "photo")
_YES = {"是": True, "否": False, "true": True, "false": False, "1": True, "0": False}


def table_of(header: Sequence[str]) -> str | None:
    """The table whose export header this is (``None``: not an export file)."""
    if not header or str(header[0]).lstrip("\ufeff").strip() != _ID_HEADER:
        return None
    columns = [str(cell).strip().rsplit(" ", 1)[-1] for cell in header[1:]]
    for name, table in TABLES.items():
        if list(table.column_names) == columns:
            return name
    return None


def is_export_file(path: Path) -> bool:
    """A CSV whose first line is an export header (a folder of them counts too)."""
    if path.is_dir():
        return any(is_export_file(p) for p in path.glob("*.csv"))
    if path.suffix.lower() != ".csv" or not path.is_file():
        return False
    with path.open("rb") as f:
        first = f.readline(64_000)
    try:
        header = next(csv.reader([decode_csv(first)]), [])
    except SheetError:
        return False
    return table_of(header) is not None


def files_in_order(path: Path) -> list[Path]:
    """``path`` itself, or a folder's export files with referenced tables first."""
    if not path.is_dir():
        return [path]
    found = [p for p in path.glob("*.csv") if is_export_file(p)]
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(found, key=lambda p: (rank.get(p.stem, len(ORDER)), p.name))


def _value(column: Column, text: str) -> Any:
    if text == "":
        return None
    if column.type == "bool":
        return _YES.get(text.strip().lower(), text)
    if column.type == "int":
        try:
            return int(text)
        except ValueError:
            return text  # validation names the column and the rule
    if column.type == "real":
        try:
            return float(text)
        except ValueError:
            return text
    if column.type == "json":
        try:
            return json.loads(unguard(text))
        except ValueError:
            return text
    return unguard(text)


def read_edits(path: Path) -> tuple[str, Iterator[Edit]]:
    """The table a file holds and its rows as upserts (line numbers as in the file)."""
    content = decode_csv(path.read_bytes())
    reader = csv.reader(io.StringIO(content, newline=""))
    header = next(reader, [])
    name = table_of(header)
    if name is None:
        raise SheetError(f"{path.name}: not a table file of a GridPad export (first column 编号 id)")
    table = TABLES[name]

    def edits() -> Iterator[Edit]:
        for cells in reader:
            if not any(cells):
                continue
            row_id, values = cells[0], cells[1:]
            fields = {c.name: _value(c, v) for c, v in zip(table.columns, values, strict=False)}
            yield Edit(reader.line_num, name, row_id, "upsert", fields)

    return name, edits()
