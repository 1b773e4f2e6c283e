"""The bridge from store writes to the shared record rules in :mod:`sync.rules.records`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from sync.rules import records
from sync.rules.errors import FieldError
from sync.schema import BY_OWNER_TABLE, DELETED, referenced_table
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


def reference_errors(store: Store, table: str, row: Mapping[str, Any], touched: Iterable[str]
                     ) -> list[FieldError]:
    """The server's reference rule, before capture: a row may point only at rows of the grids this
    device holds (before enrolment it holds every grid it has rows of: nothing to refuse).
    Checked for the columns an edit ``touched``; a reference to a row this device does not hold
    is left to the server."""
    edited = set(touched)
    held = set(DeviceMeta(store).grids)
    errors: list[FieldError] = []
    if not held:
        return errors
    for col in schema_table(table).reference_columns:
        if col.name not in edited and not (col.references == BY_OWNER_TABLE and "owner_table" in edited):
            continue
        value, target = row.get(col.name), referenced_table(col, row)
        if not isinstance(value, str) or not value or target is None:
            continue
        found = store._conn.execute(f'SELECT grid_id FROM "{target}" WHERE id = ?', [value]).fetchone()
        if found is not None and found[0] not in held:
            errors.append(FieldError(col.name, "reference.out_of_scope",
                                     f"{col.name}: points at a {target} of a grid this device does not hold",
                                     {"table": target}))
    return errors
