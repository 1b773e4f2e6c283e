"""Changes the server refused, set aside so the rest of the outbox still goes.

A refused change stays in the outbox, marked in ``outbox_held`` with the server's reason (rule and
field only: never a value, which may be personal). Later changes to the same row, and to rows that
refer to it (a tenancy whose ``person_id`` is the held row's id), wait behind it: sent later, a
fixed change can never overwrite newer values. Everything else is sent.

``retry`` takes the fixed value from the row as it is now; ``discard`` drops the change but not the
local value, and records that the row holds a value the server does not have (``not_on_server``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from gridpad.store.db import Store
from sync.schema import TABLES


@dataclass(frozen=True)
class Refusal:
    """The server's reason for refusing one change (no value in it)."""
    change_id: int
    error: str           # the refusal's error code: invalid_change, out_of_scope, grid_change …
    rule: str
    field: str | None


@dataclass(frozen=True)
class HeldChange:
    change_id: int
    table: str
    row_id: str
    op: str
    fields: tuple[str, ...]   # the columns it changes (names only)
    error: str
    rule: str
    field: str | None
    held_at: str
    waiting: int              # later changes held back behind it


@dataclass(frozen=True)
class NotOnServer:
    """A row whose refused change was discarded: its local value is not on the server."""
    table: str
    row_id: str
    fields: tuple[str, ...]
    rule: str
    field: str | None
    discarded_at: str


class NoSuchHeldChangeError(LookupError):
    pass


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _references(table: str) -> tuple[str, ...]:
    """Columns holding another row's id (``person_id``, ``unit_id`` …; ``grid_id`` is no row here)."""
    spec = TABLES.get(table)
    return tuple(c for c in spec.column_names if c.endswith("_id") and c != "grid_id") if spec else ()


def hold(store: Store, refusals: Iterable[Refusal]) -> int:
    """Set aside the outbox rows refused; returns how many were newly set aside."""
    added = 0
    when = _now()
    with store.transaction():
        for r in refusals:
            row = store._conn.execute("SELECT tbl, row_id FROM outbox WHERE change_id = ?",
                                      (r.change_id,)).fetchone()
            if row is None:
                continue
            added += store._conn.execute(
                "INSERT OR IGNORE INTO outbox_held(change_id, tbl, row_id, error, rule, field, held_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (r.change_id, row[0], row[1], r.error[:64], r.rule[:64], r.field[:64] if r.field else None,
                 when),
            ).rowcount
    return added


def count(store: Store) -> int:
    return int(store._conn.execute("SELECT count(*) FROM outbox_held").fetchone()[0])


def _blocking(store: Store) -> dict[int, int]:
    """Every outbox change that must not be sent now -> the held change it waits behind (itself
    for a held one). Walks the outbox in order from the first held change: a change waits when its
    row, or a row it refers to, has a held or waiting change before it."""
    held = dict(store._conn.execute("SELECT change_id, change_id FROM outbox_held").fetchall())
    if not held:
        return {}
    out: dict[int, int] = {}
    rows: dict[str, int] = {}  # row id -> the held change it waits behind
    cur = store._conn.execute("SELECT change_id, tbl, row_id, fields FROM outbox WHERE change_id >= ? "
                              "ORDER BY change_id", (min(held),))
    for change_id, tbl, row_id, fields in cur:
        root = held.get(change_id) or rows.get(row_id)
        if root is None:
            refs = _references(tbl)
            if refs:
                values = json.loads(fields)
                root = next((rows[v] for k in refs if isinstance(v := values.get(k), str) and v in rows),
                            None)
        if root is not None:
            out[change_id] = root
            rows.setdefault(row_id, root)
    return out


def not_sendable(store: Store) -> set[int]:
    """Outbox change ids to leave out of a push: the held ones and those waiting behind them."""
    return set(_blocking(store))


def list_held(store: Store) -> list[HeldChange]:
    waiting: dict[int, int] = {}
    for change_id, root in _blocking(store).items():
        if change_id != root:
            waiting[root] = waiting.get(root, 0) + 1
    rows = store._conn.execute(
        "SELECT h.change_id, h.tbl, h.row_id, o.op, o.fields, h.error, h.rule, h.field, h.held_at "
        "FROM outbox_held h JOIN outbox o ON o.change_id = h.change_id ORDER BY h.change_id").fetchall()
    return [HeldChange(r[0], r[1], r[2], r[3], tuple(json.loads(r[4])), r[5], r[6], r[7], r[8],
                       waiting.get(r[0], 0)) for r in rows]


def list_not_on_server(store: Store) -> list[NotOnServer]:
    rows = store._conn.execute("SELECT tbl, row_id, fields, rule, field, discarded_at FROM not_on_server "
                               "ORDER BY discarded_at, tbl, row_id").fetchall()
    return [NotOnServer(r[0], r[1], tuple(json.loads(r[2])), r[3], r[4], r[5]) for r in rows]


def _held_row(store: Store, change_id: int) -> tuple[str, str, dict[str, Any], str, str | None]:
    row = store._conn.execute(
        "SELECT h.tbl, h.row_id, o.fields, h.rule, h.field FROM outbox_held h "
        "JOIN outbox o ON o.change_id = h.change_id WHERE h.change_id = ?", (change_id,)).fetchone()
    if row is None:
        raise NoSuchHeldChangeError(f"no change {change_id} is set aside")
    return row[0], row[1], json.loads(row[2]), row[3], row[4]


def retry(store: Store, change_id: int) -> HeldChange:
    """Send the change again at the next sync, with the values its row holds now (the fix made by a
    later edit); it keeps its place, so the changes waiting behind it still follow it."""
    with store.transaction():
        table, row_id, fields, _rule, _field = _held_row(store, change_id)
        if table in TABLES:
            cols = [c for c in fields if c in TABLES[table].column_names or c == "_deleted"]
            if cols:
                current = store._conn.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE id = ?",
                                              (row_id,)).fetchone()
                if current is not None:
                    fields.update(zip(cols, current, strict=True))
                    store._conn.execute("UPDATE outbox SET fields = ? WHERE change_id = ?",
                                        (json.dumps(fields, ensure_ascii=False), change_id))
        item = next(h for h in list_held(store) if h.change_id == change_id)
        store._conn.execute("DELETE FROM outbox_held WHERE change_id = ?", (change_id,))
    return item


def discard(store: Store, change_id: int) -> HeldChange:
    """Drop the change (never sent); the local row keeps its value, recorded as not on the server.
    The changes that waited behind it are sent at the next sync."""
    with store.transaction():
        table, row_id, fields, rule, field = _held_row(store, change_id)
        item = next(h for h in list_held(store) if h.change_id == change_id)
        store._conn.execute("DELETE FROM outbox_held WHERE change_id = ?", (change_id,))
        store._conn.execute("DELETE FROM outbox WHERE change_id = ?", (change_id,))
        old = store._conn.execute("SELECT fields FROM not_on_server WHERE tbl = ? AND row_id = ?",
                                  (table, row_id)).fetchone()
        names = sorted(set(json.loads(old[0]) if old else []) | set(fields))
        store._conn.execute(
            "INSERT INTO not_on_server(tbl, row_id, fields, rule, field, discarded_at) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(tbl, row_id) DO UPDATE SET fields = excluded.fields, rule = excluded.rule, "
            "field = excluded.field, discarded_at = excluded.discarded_at",
            (table, row_id, json.dumps(names), rule, field, _now()))
    return item


def forget_sent(store: Store, change_ids: list[int]) -> None:
    """Before acknowledging ``change_ids``: a row marked not on the server is on it again for the
    fields those changes carry (call inside the ack's transaction)."""
    if not store._conn.execute("SELECT 1 FROM not_on_server LIMIT 1").fetchone():
        return
    for i in range(0, len(change_ids), 500):
        chunk = change_ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        sent = store._conn.execute(
            f"SELECT o.tbl, o.row_id, o.fields, n.fields FROM outbox o JOIN not_on_server n "
            f"ON n.tbl = o.tbl AND n.row_id = o.row_id WHERE o.change_id IN ({marks}) ORDER BY o.change_id",
            chunk).fetchall()
        for tbl, row_id, carried, marked in sent:
            left = [f for f in json.loads(marked) if f not in json.loads(carried)]
            if left:
                store._conn.execute("UPDATE not_on_server SET fields = ? WHERE tbl = ? AND row_id = ?",
                                    (json.dumps(left), tbl, row_id))
            else:
                store._conn.execute("DELETE FROM not_on_server WHERE tbl = ? AND row_id = ?", (tbl, row_id))
