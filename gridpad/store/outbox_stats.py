"""Outbox counts per synced table, for the sync screen's "waiting to sync, by kind"."""

from __future__ import annotations

from gridpad.store.db import Store


def count_by_table(store: Store) -> dict[str, int]:
    """``{"person": 3, "tenancy": 2}``: pending outbox rows per table (tables with none omitted)."""
    rows = store._conn.execute("SELECT tbl, count(*) FROM outbox GROUP BY tbl ORDER BY tbl").fetchall()
    return {str(tbl): int(n) for tbl, n in rows}
