"""The bridge from store writes to the shared record rules in :mod:`sync.rules.records`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync.rules import records
from sync.rules.errors import FieldError
from sync.schema import DELETED
from sync.schema import table as schema_table

#: Bookkeeping columns a caller may set directly (e.g. a tombstone from an import).
_BOOKKEEPING = frozenset({DELETED, "_server_seq"})


def unknown_fields(table: str, fields: Mapping[str, Any]) -> list[FieldError]:
    known = set(schema_table(table).column_names) | _BOOKKEEPING
    return [
        FieldError(name, "unknown_column", f"{name}: {table} has no such column")
        for name in fields if name not in known
    ]


def check(table: str, fields: dict[str, Any], *, partial: bool) -> tuple[dict[str, Any], list[FieldError]]:
    """Normalise then validate; returns the record to write and the errors (empty when valid)."""
    unknown = unknown_fields(table, fields)
    if unknown:
        return fields, unknown
    bookkeeping = {k: fields.pop(k) for k in list(fields) if k in _BOOKKEEPING}
    record = records.normalize_record(table, fields)
    errors = records.validate_record(table, record, partial=partial)
    record.update(bookkeeping)
    return record, errors


def check_update(table: str, current: Mapping[str, Any], changes: dict[str, Any]
                 ) -> tuple[dict[str, Any], list[FieldError]]:
    """Validate an edit against the whole row, so cross-field rules (move-out after move-in, gender
    against the ID number) see both sides; failures the row already had before are not blamed on it
    (:func:`sync.rules.records.errors_after_edit`, the server's rule too)."""
    unknown = unknown_fields(table, changes)
    if unknown:
        return changes, unknown
    bookkeeping = {k: changes.pop(k) for k in list(changes) if k in _BOOKKEEPING}
    columns = set(schema_table(table).column_names)
    before = {k: v for k, v in current.items() if k in columns}
    record = records.normalize_record(table, changes, before)
    merged = {**before, **{k: v for k, v in record.items() if k in columns}}
    errors = records.errors_after_edit(table, before, merged, record)
    record.update(bookkeeping)
    return record, errors
