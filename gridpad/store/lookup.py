"""Read-only lookups the import, export and apply commands match against.

Plain SELECTs over the synced tables (``sync.schema.TABLES``); writes go through the
repositories so they are validated and captured.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

from sync.schema import TABLES

Row = dict[str, Any]


def _table(name: str) -> str:
    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}")
    return f'"{name}"'


def grid_ids(db: Database) -> list[str]:
    """Ids (= codes) of the grids held here, live ones only, sorted."""
    sql = 'SELECT id FROM "grid" WHERE _deleted = 0 ORDER BY id'
    return [r[0] for r in db.execute(sql).fetchall()]


def row_by_id(db: Database, table: str, row_id: str) -> Row | None:
    """One row by id, tombstoned or not (``_deleted`` tells which)."""
    cur = db.execute(f"SELECT * FROM {_table(table)} WHERE id = ?", [row_id])
    names = [d[0] for d in cur.description]
    found = cur.fetchone()
    return dict(zip(names, found, strict=True)) if found is not None else None


def rows_by_ids(db: Database, table: str, ids: list[str]) -> dict[str, Row]:
    """Rows by id (tombstoned too), fetched in chunks under SQLite's variable limit."""
    out: dict[str, Row] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        cur = db.execute(f"SELECT * FROM {_table(table)} WHERE id IN ({marks})", chunk)
        names = [d[0] for d in cur.description]
        for values in cur.fetchall():
            row = dict(zip(names, values, strict=True))
            out[row["id"]] = row
    return out


def live_rows_in_grid(db: Database, table: str, grid_id: str) -> Iterator[Row]:
    """Every live (not tombstoned) row of a table in one grid, ordered by id."""
    cur = db.execute(
        f"SELECT * FROM {_table(table)} WHERE grid_id = ? AND _deleted = 0 ORDER BY id", [grid_id])
    names = [d[0] for d in cur.description]
    for values in cur:
        yield dict(zip(names, values, strict=True))


def live_rows(db: Database, table: str) -> Iterator[Row]:
    """Every live row of a table, ordered by id (the export order)."""
    cur = db.execute(f"SELECT * FROM {_table(table)} WHERE _deleted = 0 ORDER BY id")
    names = [d[0] for d in cur.description]
    for values in cur:
        yield dict(zip(names, values, strict=True))


def outbox_count(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM outbox").fetchone()[0])
