"""Generic repository over the synced tables: validated inserts and updates, tombstones, reads.

Every write goes through plain SQL on the synced tables, so the capture triggers record it; nothing
here writes the outbox itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from uuid6 import uuid7

from gridpad.store import validation
from gridpad.store.db import Store
from gridpad.store.errors import NotFoundError, ValidationFailed
from sync.rules.values import check_id
from sync.schema import DELETED
from sync.schema import table as schema_table

Record = dict[str, Any]


def new_id() -> str:
    """A UUIDv7: unique without coordination and roughly time-ordered (kind to B-tree inserts)."""
    return str(uuid7())


def _checked(table: str, fields: Mapping[str, Any], *, partial: bool, validate: bool) -> Record:
    schema_table(table)  # unknown table: KeyError naming the synced tables
    if validate:
        record, errors = validation.check(table, dict(fields), partial=partial)
        if errors:
            raise ValidationFailed(errors)
        return record
    unknown = validation.unknown_fields(table, fields)
    if unknown:
        raise ValidationFailed(unknown)
    return dict(fields)


def _refuse_references(store: Store, table: str, row: Mapping[str, Any], touched: Iterable[str]) -> None:
    errors = validation.reference_errors(store, table, row, touched)
    if errors:
        raise ValidationFailed(errors)


def _check_id(row_id: str) -> None:
    """The server's id rule: a row it would refuse must not reach the outbox."""
    bad = check_id(row_id)
    if bad:
        raise ValidationFailed([bad])


def insert(store: Store, table: str, fields: Mapping[str, Any], *, id: str | None = None,
           validate: bool = True) -> str:
    """Insert one row and return its id (a new UUIDv7 unless ``id`` is given)."""
    record = _checked(table, {k: v for k, v in fields.items() if k != "id"}, partial=False, validate=validate)
    row_id = id or str(fields.get("id") or new_id())
    if validate:
        _check_id(row_id)
    cols = ["id", *record]
    with store.transaction():
        if validate:
            _refuse_references(store, table, record, record)
        store._conn.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [row_id, *record.values()],
        )
    return row_id


def update(store: Store, table: str, id: str, fields: Mapping[str, Any], *, validate: bool = True) -> None:
    """Change some fields of one row; only those that really change reach the outbox."""
    changes = {k: v for k, v in fields.items() if k != "id"}
    with store.transaction():
        if validate:
            current = get(store, table, id)
            if current is None:
                raise NotFoundError(f"no {table} row with id {id}")
            record, errors = validation.check_update(table, current, changes)
            if errors:
                raise ValidationFailed(errors)
            _refuse_references(store, table, {**current, **record}, record)
        else:
            record = _checked(table, changes, partial=True, validate=False)
        if not record:
            return
        sets = ", ".join(f"{c} = ?" for c in record)
        cur = store._conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*record.values(), id])
        if cur.rowcount == 0:
            raise NotFoundError(f"no {table} row with id {id}")


def mark_deleted(store: Store, table: str, id: str) -> None:
    """Tombstone a row (``_deleted = 1``); it stays so the delete can sync and merge."""
    schema_table(table)
    with store.transaction():
        cur = store._conn.execute(f"UPDATE {table} SET {DELETED} = 1 WHERE id = ?", (id,))
        if cur.rowcount == 0:
            raise NotFoundError(f"no {table} row with id {id}")


def get(store: Store, table: str, id: str) -> Record | None:
    schema_table(table)
    cur = store._conn.execute(f"SELECT * FROM {table} WHERE id = ?", (id,))
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def exists(store: Store, table: str, equals: Mapping[str, Any]) -> bool:
    """Whether any row, tombstoned ones included, has these column values."""
    columns = set(schema_table(table).column_names)
    unknown = [c for c in equals if c not in columns]
    if unknown:
        raise KeyError(f"{table} has no column {unknown[0]!r}")
    where = " AND ".join(f"{c} = ?" for c in equals) or "1"
    found = store._conn.execute(f"SELECT 1 FROM {table} WHERE {where} LIMIT 1", list(equals.values()))
    return found.fetchone() is not None


def get_many(store: Store, table: str, ids: Sequence[str]) -> dict[str, Record]:
    """Rows by id, tombstoned ones too (``_deleted`` tells), in chunks under SQLite's variable limit."""
    schema_table(table)
    out: dict[str, Record] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        cur = store._conn.execute(f"SELECT * FROM {table} WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        names = [d[0] for d in cur.description]
        for values in cur:
            row = dict(zip(names, values, strict=True))
            out[row["id"]] = row
    return out


def rows(store: Store, table: str, *, include_deleted: bool = False,
         grid_id: str | None = None) -> Iterator[Record]:
    """Every row of ``table`` (live ones unless ``include_deleted``; one grid's when ``grid_id``),
    ordered by id: the export order."""
    schema_table(table)
    where = [] if include_deleted else [f"{DELETED} = 0"]
    params: list[str] = []
    if grid_id is not None:
        where.append("grid_id = ?")
        params.append(grid_id)
    sql = f"SELECT * FROM {table}{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY id"
    cur = store._conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    for row in cur:
        yield dict(zip(names, row, strict=True))


def insert_many(store: Store, table: str, records: Iterable[Mapping[str, Any]], *, validate: bool = False,
                batch_size: int = 5000) -> list[str]:
    """Bulk insert (imports, demo data) in one transaction; the triggers capture every row.

    Returns the ids in input order. With ``validate=True`` the first bad record raises
    :class:`ValidationFailed` and nothing is written; unknown columns are refused either way.
    """
    columns = schema_table(table).column_names
    known = {"id", DELETED, "_server_seq", *columns}
    ids: list[str] = []
    with store.transaction():
        batch: list[tuple[str, Mapping[str, Any]]] = []
        for rec in records:
            if validate:
                row: Mapping[str, Any] = _checked(table, {k: v for k, v in rec.items() if k != "id"},
                                                  partial=False, validate=True)
            elif rec.keys() - known:
                raise ValidationFailed(validation.unknown_fields(table, rec))
            else:
                row = rec
            row_id = str(rec.get("id") or new_id())
            if validate:
                _check_id(row_id)
            ids.append(row_id)
            batch.append((row_id, row))
            if len(batch) >= batch_size:
                _write_batch(store, table, columns, batch)
                batch = []
        if batch:
            _write_batch(store, table, columns, batch)
    return ids


def _write_batch(store: Store, table: str, columns: tuple[str, ...],
                 batch: list[tuple[str, Mapping[str, Any]]]) -> None:
    present = set().union(*(r.keys() for _, r in batch))
    cols = [c for c in (*columns, DELETED, "_server_seq") if c in present]
    sql = f"INSERT INTO {table} (id, {', '.join(cols)}) VALUES ({', '.join('?' * (len(cols) + 1))})"
    store._conn.executemany(sql, [[row_id, *(r.get(c) for c in cols)] for row_id, r in batch])
