"""Column values between their SQLite form and the form in export files.

SQLite holds booleans as 0/1 and json columns as text; an export file holds ``true``/``false``
and the JSON value itself, so a person can read it and a program can use it. Comparisons decide
whether a write is needed at all: an import or apply that changes nothing writes nothing, so it
makes no outbox entry.
"""

from __future__ import annotations

import json
from typing import Any

from sync.schema import Column, Table


def to_file(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.type == "bool":
        return bool(value)
    if column.type == "json" and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def to_store(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.type == "bool" and isinstance(value, bool):
        return int(value)
    if column.type == "json" and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def file_fields(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """The schema columns of a stored row, in export form (bookkeeping columns left out)."""
    return {c.name: to_file(c, row.get(c.name)) for c in table.columns}


def same(column: Column, stored: Any, new: Any) -> bool:
    """Whether a stored value already equals a new one (``35`` equals ``35.0``; JSON by value)."""
    if stored is None or new is None:
        return stored is None and new is None
    if column.type == "json":
        return bool(to_file(column, stored) == to_file(column, new))
    if column.type == "bool":
        return bool(stored) == bool(new)
    if column.type in ("int", "real") and not isinstance(new, str) and not isinstance(stored, str):
        return float(stored) == float(new)
    return bool(stored == new)


def changed_fields(table: Table, stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``new`` (store form) that differs from the stored row."""
    out: dict[str, Any] = {}
    for name, value in new.items():
        if not same(table.column(name), stored.get(name), value):
            out[name] = value
    return out
