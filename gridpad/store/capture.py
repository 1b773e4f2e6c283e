"""Change capture: SQL triggers that write one ``outbox`` row per changed synced row.

Pure SQL (no Python functions), so an edit from any connection — the app, ``sqlite3`` on the
command line, another process — is recorded in the same transaction as the edit itself.

* INSERT: every column (``grid_id`` included) and ``_deleted``; ``base_seq`` 0.
* UPDATE: only the synced columns that changed (``_deleted`` counts; ``_server_seq`` does not);
  no outbox row at all when nothing synced changed. Setting ``_deleted`` 0 → 1 is op ``delete``.
* DELETE: ``{"_deleted": 1}``.

Every captured change takes the next hybrid logical clock value, ``max(previous + 1, now_ms << 16)``
— the ``physical_ms << 16 | counter`` layout of ``sync.hlc`` — and the next ``change_id``, both
following the last outbox row, or ``hlc_state`` (``value``, ``change_seq``) once the outbox has been
acked empty (a trigger on outbox deletes keeps that floor; ``observe_remote_hlc`` raises it). So
ids only grow and are never reused, like AUTOINCREMENT, and a captured edit writes one page (the
outbox's) besides its own rather than three.

Server-owned tables (``grid``) get no triggers: a device never edits them, and the server refuses
a pushed change to one (a grid row made locally, e.g. by an import before enrolment, stays local).

Capture is off while ``capture_state.suppressed = 1`` (pulled data being applied). The search
index learns of changes from the outbox rows it has not seen yet, and from ``search_dirty`` marks
the same triggers write where there is no outbox row (pulled rows, deletes).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import sqlite_utils

from sync.hlc import COUNTER_BITS, MAX_AHEAD_MS
from sync.schema import DELETED, EDITABLE_TABLES, TABLES

if TYPE_CHECKING:
    from gridpad.store.db import Store

#: Bump when the generated trigger SQL changes, so existing files get the new triggers.
TRIGGER_VERSION = "capture-12"

_NOW_MS = "CAST(round((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER)"
#: The next change id and clock follow the last outbox row, or the floor ``hlc_state`` keeps
#: once the outbox is acked empty.
_NEXT_CHANGE_ID = ("(SELECT max(coalesce((SELECT max(change_id) FROM outbox), 0), change_seq) + 1 "
                   "FROM hlc_state)")
_NEXT_HLC = (f"(SELECT max({_NOW_MS} * 65536, coalesce((SELECT hlc FROM outbox ORDER BY change_id DESC "
             "LIMIT 1), 0) + 1, value + 1) FROM hlc_state)")
_LAST = ("FROM hlc_state h LEFT JOIN "
         "(SELECT change_id, hlc FROM outbox ORDER BY change_id DESC LIMIT 1) o")
_SUPPRESSED = "(SELECT suppressed FROM capture_state) = 0"
#: Applying pulled rows: no outbox rows, but search marks.
_REMOTE = "(SELECT suppressed FROM capture_state) = 1"
#: SQLite's default limit is 127 arguments per function call; stay well under it.
_CHUNK = 30

#: Which search documents depend on which table's columns: (table, columns, doc kind, id expr).
_SEARCH_DEPS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("person", ("name", "id_number", "phone"), "person", "id"),
    ("unit", ("room_no", "building_id"), "unit", "id"),
    ("building", ("name", "address"), "building", "id"),
    ("tenancy", ("person_id", "move_out_at"), "person", "person_id"),
)


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def _json_of(cols: Sequence[str], ref: str) -> str:
    """``json_object`` of ``cols`` taken from ``ref`` (NEW/OLD), nested json_set past the arg limit."""
    groups = list(_chunks(cols))
    expr = "json_object(" + ", ".join(f"'{c}', {ref}.{c}" for c in groups[0]) + ")"
    for group in groups[1:]:
        expr = f"json_set({expr}, " + ", ".join(f"'$.{c}', {ref}.{c}" for c in group) + ")"
    return expr


def _changed_only(cols: Sequence[str]) -> str:
    """All NEW values, minus (json_remove) those equal to OLD; '$._' is a no-op path."""
    expr = _json_of(cols, "NEW")
    for group in _chunks(cols):
        paths = ", ".join(f"CASE WHEN OLD.{c} IS NEW.{c} THEN '$.{c}' ELSE '$._' END" for c in group)
        expr = f"json_remove({expr}, {paths})"
    return expr


def _mark(kind: str, ref: str, cond: str) -> str:
    """Mark one search document dirty. NOT EXISTS rather than INSERT OR IGNORE: an outer
    statement's conflict clause (an UPSERT, INSERT OR ABORT) overrides the trigger's own, so
    OR IGNORE would fail on an already-dirty row."""
    return (f"INSERT INTO search_dirty(tbl, row_id) SELECT '{kind}', {ref} "
            f"WHERE {ref} IS NOT NULL AND ({cond}) AND NOT EXISTS "
            f"(SELECT 1 FROM search_dirty WHERE tbl = '{kind}' AND row_id = {ref});")


def _search_sql(table: str) -> list[str]:
    """Search marks where no outbox row tells the index: pulled rows (``suppressed = 1``), deletes
    (the row is gone, so a tenancy's person could not be looked up) and a tenancy moved to another
    person (the old one changes too). A captured change needs no mark: its outbox row is one (see
    ``search.refresh_index`` and ``_search_outbox_ack``), which keeps an edit to one extra page."""
    out: list[str] = []
    for dep_table, cols, kind, id_col in _SEARCH_DEPS:
        if dep_table != table:
            continue
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in (*cols, DELETED))
        update_marks = [_mark(kind, f"NEW.{id_col}", changed)]
        moved = ""
        if id_col != "id":  # a parent reference (tenancy.person_id) may change
            update_marks.append(_mark(kind, f"OLD.{id_col}", f"OLD.{id_col} IS NOT NEW.{id_col}"))
            moved = f" OR OLD.{id_col} IS NOT NEW.{id_col}"
        marks = "\n  ".join(update_marks)
        out += [
            f"""CREATE TRIGGER _search_{table}_ins AFTER INSERT ON {table}
WHEN {_REMOTE}
BEGIN
  {_mark(kind, f"NEW.{id_col}", "1")}
END""",
            f"""CREATE TRIGGER _search_{table}_upd AFTER UPDATE ON {table}
WHEN {_REMOTE}{moved}
BEGIN
  {marks}
END""",
            f"""CREATE TRIGGER _search_{table}_del AFTER DELETE ON {table}
BEGIN
  {_mark(kind, f"OLD.{id_col}", "1")}
END""",
        ]
    return out


def _outbox_ack_trigger() -> str:
    """Acked outbox rows the search index has not seen yet become dirty marks."""
    direct = ", ".join(f"'{t}'" for t, _c, kind, col in _SEARCH_DEPS if col == "id" and t in TABLES)
    via = "\n  ".join(
        f"INSERT INTO search_dirty(tbl, row_id) SELECT '{kind}', x.{col} FROM {t} x "
        f"WHERE OLD.tbl = '{t}' AND x.id = OLD.row_id AND x.{col} IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM search_dirty WHERE tbl = '{kind}' AND row_id = x.{col});"
        for t, _c, kind, col in _SEARCH_DEPS if col != "id" and t in TABLES)
    return f"""CREATE TRIGGER _search_outbox_ack AFTER DELETE ON outbox
WHEN OLD.change_id > (SELECT outbox_seen FROM search_state)
BEGIN
  INSERT INTO search_dirty(tbl, row_id) SELECT OLD.tbl, OLD.row_id WHERE OLD.tbl IN ({direct})
    AND NOT EXISTS (SELECT 1 FROM search_dirty WHERE tbl = OLD.tbl AND row_id = OLD.row_id);
  {via}
END"""


def trigger_sql(table: str) -> list[str]:
    """Capture triggers (only while ``suppressed = 0``), then the search-mark triggers.

    ``INSERT … VALUES`` with scalar subqueries for the next id and clock: an ``INSERT … SELECT``
    reading the outbox would make SQLite stage each row in a temporary table."""
    cols = [*TABLES[table].column_names, DELETED]
    any_change = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in cols)
    insert = "INSERT INTO outbox(change_id, tbl, row_id, op, fields, base_seq, hlc) VALUES"
    return [
        f"""CREATE TRIGGER _capture_{table}_ins AFTER INSERT ON {table}
WHEN {_SUPPRESSED}
BEGIN
  {insert} ({_NEXT_CHANGE_ID}, '{table}', NEW.id, 'insert', {_json_of(cols, "NEW")}, 0, {_NEXT_HLC});
END""",
        f"""CREATE TRIGGER _capture_{table}_upd AFTER UPDATE ON {table}
WHEN {_SUPPRESSED} AND ({any_change})
BEGIN
  {insert} ({_NEXT_CHANGE_ID}, '{table}', NEW.id,
    CASE WHEN NEW._deleted = 1 AND OLD._deleted IS NOT 1 THEN 'delete' ELSE 'update' END,
    {_changed_only(cols)}, OLD._server_seq, {_NEXT_HLC});
END""",
        f"""CREATE TRIGGER _capture_{table}_del AFTER DELETE ON {table}
WHEN {_SUPPRESSED}
BEGIN
  {insert} ({_NEXT_CHANGE_ID}, '{table}', OLD.id, 'delete', json_object('_deleted', 1), OLD._server_seq,
    {_NEXT_HLC});
END""",
        *_search_sql(table),
    ]


def install_triggers(db: sqlite_utils.Database) -> None:
    """(Re)create every capture and search trigger from the current schema."""
    drop_triggers(db)
    for table in EDITABLE_TABLES:
        for sql in trigger_sql(table):
            db.execute(sql)
    if "change_seq" not in db["hlc_state"].columns_dict:  # added by migration 0004
        return
    db.execute("""CREATE TRIGGER _capture_outbox_floor AFTER DELETE ON outbox
BEGIN
  UPDATE hlc_state SET value = max(value, OLD.hlc), change_seq = max(change_seq, OLD.change_id);
END""")
    if db["search_state"].exists():  # made by migration 0005; earlier steps run without it
        db.execute(_outbox_ack_trigger())


def drop_triggers(db: sqlite_utils.Database) -> None:
    for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND (name LIKE '\\_capture\\_%' ESCAPE '\\' "
        "OR name LIKE '\\_search\\_%' ESCAPE '\\')"
    ).fetchall():
        db.execute(f"DROP TRIGGER {name}")


@contextmanager
def applying_remote(store: Store) -> Iterator[None]:
    """Suppress capture for writes in this block (pulled rows), inside the caller's transaction."""
    with store.transaction():
        store._conn.execute("UPDATE capture_state SET suppressed = 1")
        try:
            yield
        finally:
            if store._conn.in_transaction:
                store._conn.execute("UPDATE capture_state SET suppressed = 0")


def observe_remote_hlc(store: Store, hlc: int) -> None:
    """Never hand out a clock value at or below one seen from the server or another device."""
    with store.transaction():
        store._conn.execute("UPDATE hlc_state SET value = max(value, ?)", (int(hlc),))


def current_hlc(store: Store) -> int:
    return int(store._conn.execute(f"SELECT max(h.value, coalesce(o.hlc, 0)) {_LAST}").fetchone()[0])


def restamp_unsent(store: Store, server_ms: int) -> int:
    """Bring the clock of unsent changes back to the server's time ``server_ms`` after the device's
    clock ran ahead (docs/clocks.md); returns how many were re-stamped.

    Only changes the server would refuse as ``clock_ahead`` are touched: it never accepted one (it
    refuses every change further ahead of its clock than ``MAX_AHEAD_MS``, and its clock only moves
    on), so no copy of them exists anywhere to disagree with. The device's clock never goes back,
    so they are the newest rows of the outbox; they keep their order, stamped just after the last
    change kept and not before ``server_ms``. The clock state comes back with them."""
    cutoff = (server_ms + MAX_AHEAD_MS + 1) << COUNTER_BITS  # hlc.too_far_ahead from here on
    with store.transaction():
        conn = store._conn
        ahead = [r[0] for r in conn.execute(
            "SELECT change_id FROM outbox WHERE hlc >= ? ORDER BY change_id", (cutoff,))]
        kept = conn.execute("SELECT max(hlc) FROM outbox WHERE hlc < ?", (cutoff,)).fetchone()[0]
        start = max(server_ms << COUNTER_BITS, int(kept or 0))
        conn.executemany("UPDATE outbox SET hlc = ? WHERE change_id = ?",
                         [(start + k, cid) for k, cid in enumerate(ahead, 1)])
        conn.execute("UPDATE hlc_state SET value = min(value, ?)", (start + len(ahead),))
    return len(ahead)


def rekey_unsent(store: Store, first: int, next_id: int) -> int:
    """Give the unsent changes from ``first`` on new ids from ``next_id`` (the server holds other
    changes under ids up to ``next_id - 1``: this database was put back from an older copy; see
    docs/clocks.md). Order and gaps are kept; returns how many were re-keyed."""
    offset = next_id - first
    if offset <= 0:
        return 0
    with store.transaction():
        conn = store._conn
        # Through negative ids: shifting in place could collide with a row not yet moved.
        moved = conn.execute("UPDATE outbox SET change_id = -change_id WHERE change_id >= ?",
                             (first,)).rowcount
        conn.execute("UPDATE outbox SET change_id = ? - change_id WHERE change_id < 0", (offset,))
        # Changes set aside keep their reason under their new id (gridpad.store.held_changes).
        conn.execute("UPDATE outbox_held SET change_id = -change_id WHERE change_id >= ?", (first,))
        conn.execute("UPDATE outbox_held SET change_id = ? - change_id WHERE change_id < 0", (offset,))
        conn.execute("UPDATE hlc_state SET change_seq = max(change_seq, ?)", (next_id - 1,))
    return int(moved)
