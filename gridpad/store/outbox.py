"""Reading and acknowledging captured changes (the triggers in :mod:`gridpad.store.capture` write them)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gridpad.store import held_changes
from gridpad.store.db import Store


@dataclass(frozen=True)
class OutboxChange:
    change_id: int
    table: str
    row_id: str
    op: str
    fields: dict[str, Any]
    base_seq: int
    hlc: int


def pending(store: Store, limit: int = 500) -> list[OutboxChange]:
    """The oldest ``limit`` changes not yet acknowledged by the server, oldest first."""
    rows = store._conn.execute(
        "SELECT change_id, tbl, row_id, op, fields, base_seq, hlc FROM outbox ORDER BY change_id LIMIT ?",
        (limit,),
    ).fetchall()
    return [OutboxChange(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6]) for r in rows]


def ack(store: Store, change_ids: Iterable[int]) -> int:
    """Delete changes the server has receipted; returns how many were removed."""
    ids = [int(c) for c in change_ids]
    removed = 0
    with store.transaction():
        held_changes.forget_sent(store, ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            removed += store._conn.execute(f"DELETE FROM outbox WHERE change_id IN ({marks})", chunk).rowcount
    return removed


def count(store: Store) -> int:
    return int(store._conn.execute("SELECT count(*) FROM outbox").fetchone()[0])

