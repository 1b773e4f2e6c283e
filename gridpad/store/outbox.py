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


class UnreadableChangeError(ValueError):
    """An outbox record whose fields are not JSON (e.g. ``Inf`` written by SQLite's json_object for
    a value stored before non-finite numbers were refused at entry). ``str()`` is one line."""

    def __init__(self, change_id: int, table: str, row_id: str) -> None:
        super().__init__(f"change {change_id} ({table} {row_id[:64]}) cannot be read: its stored "
                         "fields are not valid JSON (e.g. a number that is not finite)")
        self.change_id = change_id


def load_fields(text: str | None) -> dict[str, Any] | None:
    """The fields of one outbox record, or ``None`` when they cannot be read as a JSON object."""
    try:
        value = json.loads(text or "{}", parse_constant=_refuse)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _refuse(name: str) -> Any:
    raise ValueError(name)


def pending(store: Store, limit: int = 500) -> list[OutboxChange]:
    """The oldest ``limit`` changes not yet acknowledged by the server, oldest first.

    Raises :class:`UnreadableChangeError` for a record whose fields cannot be read (never a traceback)."""
    rows = store._conn.execute(
        "SELECT change_id, tbl, row_id, op, fields, base_seq, hlc FROM outbox ORDER BY change_id LIMIT ?",
        (limit,),
    ).fetchall()
    out = []
    for r in rows:
        fields = load_fields(r[4])
        if fields is None:
            raise UnreadableChangeError(r[0], r[1], r[2])
        out.append(OutboxChange(r[0], r[1], r[2], r[3], fields, r[5], r[6]))
    return out


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

