"""Change capture: SQL triggers that write one ``outbox`` row per changed synced row.

Pure SQL (no Python functions), so an edit from any connection — the app, ``sqlite3`` on the
command line, another process — is recorded in the same transaction as the edit itself.

* INSERT: every column (``grid_id`` included) and ``_deleted``; ``base_seq`` 0.
* UPDATE: only the synced columns that changed (``_deleted`` counts; ``_server_seq`` does not);
  no outbox row at all when nothing synced changed. Setting ``_deleted`` 0 → 1 is op ``delete``.
* DELETE: ``{"_deleted": 1}``.

Every captured change takes the next hybrid logical clock value from ``hlc_state``:
``max(previous + 1, now_ms << 16)`` — the ``physical_ms << 16 | counter`` layout of ``sync.hlc`` —
and the next ``change_id`` from ``hlc_state.change_seq`` (increasing, never reused, like
AUTOINCREMENT but without rewriting ``sqlite_sequence`` on every change).

Server-owned tables (``grid``) get no triggers: a device never edits them, and the server refuses
a pushed change to one (a grid row made locally, e.g. by an import before enrolment, stays local).

Capture is off while ``capture_state.suppressed = 1`` (pulled data being applied). The same
triggers mark the search index's documents dirty, also while capture is suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import sqlite_utils

from sync.schema import DELETED, EDITABLE_TABLES, TABLES

if TYPE_CHECKING:
    from gridpad.store.db import Store

#: Bump when the generated trigger SQL changes, so existing files get the new triggers.
TRIGGER_VERSION = "capture-9"

_NOW_MS = "CAST(round((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER)"
_BUMP_HLC = (f"UPDATE hlc_state SET value = max(value + 1, {_NOW_MS} * 65536), "
             "change_seq = change_seq + 1;")
_SUPPRESSED = "(SELECT suppressed FROM capture_state) = 0"
#: ``capture_state.suppressed`` while :func:`bulk_inserts` runs: insert triggers stand aside
#: (1 = applying pulled rows: no outbox rows, search marks still written).
BULK = 2
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


def _search_marks(table: str, ref: str, only_if_changed: bool) -> str:
    """Statements marking the search documents that depend on this row as dirty (always, even
    while capture is suppressed: pulled rows must be findable too).

    NOT EXISTS rather than INSERT OR IGNORE: an outer statement's conflict clause (an UPSERT, or
    INSERT OR ABORT) overrides the trigger's own, so OR IGNORE would fail on an already-dirty row."""
    out = []
    for dep_table, cols, kind, id_col in _SEARCH_DEPS:
        if dep_table != table:
            continue
        changed = ""
        if only_if_changed:
            changed = " AND (" + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in (*cols, DELETED)) + ")"
        # A row's own id never changes (it is the key); a parent reference (tenancy.person_id) may.
        refs = ["NEW", "OLD"] if ref == "both" and id_col != "id" else ["NEW" if ref == "both" else ref]
        for r in refs:
            out.append(
                f"INSERT INTO search_dirty(tbl, row_id) SELECT '{kind}', {r}.{id_col} "
                f"WHERE {r}.{id_col} IS NOT NULL{changed} AND NOT EXISTS "
                f"(SELECT 1 FROM search_dirty WHERE tbl = '{kind}' AND row_id = {r}.{id_col});")
    return "\n  ".join(out)


def trigger_sql(table: str) -> list[str]:
    """One trigger per operation (each trigger call costs about as much as a small insert): the
    outbox row while capture is on, then the search marks."""
    cols = [*TABLES[table].column_names, DELETED]
    on = f" WHERE {_SUPPRESSED}"
    bump = _BUMP_HLC.rstrip(";") + on + ";"
    insert_outbox = ("INSERT INTO outbox(change_id, tbl, row_id, op, fields, base_seq, hlc) "
                     "SELECT h.change_seq, ")
    hlc = "h.value"
    on = f" FROM hlc_state h{on}"
    any_change = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in cols)
    return [
        f"""CREATE TRIGGER _capture_{table}_ins AFTER INSERT ON {table}
WHEN (SELECT suppressed FROM capture_state) < {BULK}
BEGIN
  {bump}
  {insert_outbox}'{table}', NEW.id, 'insert', {_json_of(cols, "NEW")}, 0, {hlc}{on};
  {_search_marks(table, "NEW", False)}
END""",
        f"""CREATE TRIGGER _capture_{table}_upd AFTER UPDATE ON {table}
WHEN {any_change}
BEGIN
  {bump}
  {insert_outbox}'{table}', NEW.id,
    CASE WHEN NEW._deleted = 1 AND OLD._deleted IS NOT 1 THEN 'delete' ELSE 'update' END,
    {_changed_only(cols)}, OLD._server_seq, {hlc}{on};
  {_search_marks(table, "both", True)}
END""",
        f"""CREATE TRIGGER _capture_{table}_del AFTER DELETE ON {table}
BEGIN
  {bump}
  {insert_outbox}'{table}', OLD.id, 'delete', json_object('_deleted', 1), OLD._server_seq, {hlc}{on};
  {_search_marks(table, "OLD", False)}
END""",
    ]


def install_triggers(db: sqlite_utils.Database) -> None:
    """(Re)create every capture and search trigger from the current schema."""
    drop_triggers(db)
    for table in EDITABLE_TABLES:
        for sql in trigger_sql(table):
            db.execute(sql)


def drop_triggers(db: sqlite_utils.Database) -> None:
    for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND (name LIKE '\\_capture\\_%' ESCAPE '\\' "
        "OR name LIKE '\\_search\\_%' ESCAPE '\\')"
    ).fetchall():
        db.execute(f"DROP TRIGGER {name}")


@contextmanager
def bulk_inserts(store: Store, table: str) -> Iterator[None]:
    """Capture the rows inserted into ``table`` in this block set-based, after the block: one outbox
    row each, in insertion order, and their search marks, in the same transaction — the same rows
    the insert trigger would write, at a fraction of the cost (the trigger stands aside while
    ``capture_state.suppressed = 2``). Only INSERTs into ``table`` belong in the block."""
    with store.transaction():
        conn = store.conn
        if table not in EDITABLE_TABLES or conn.execute("SELECT suppressed FROM capture_state").fetchone()[0]:
            yield  # server-owned table, or applying pulled rows: the triggers do what is needed
            return
        before = int(conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0])
        conn.execute(f"UPDATE capture_state SET suppressed = {BULK}")
        try:
            yield
        finally:
            if conn.in_transaction:
                conn.execute("UPDATE capture_state SET suppressed = 0")
        # New rows got rowids before+1, before+2, … (we hold the write lock; rowid = max + 1).
        count = int(conn.execute(f"SELECT count(*) FROM {table} WHERE rowid > ?", (before,)).fetchone()[0])
        if count == 0:
            return
        hlc0, change0 = conn.execute(
            f"SELECT max(value + 1, {_NOW_MS} * 65536), change_seq + 1 FROM hlc_state").fetchone()
        cols = [*TABLES[table].column_names, DELETED]
        conn.execute(
            f"""INSERT INTO outbox(change_id, tbl, row_id, op, fields, base_seq, hlc)
                SELECT :c0 + r.rowid - :before - 1, '{table}', r.id, 'insert', {_json_of(cols, "r")}, 0,
                       :h0 + r.rowid - :before - 1
                FROM {table} r WHERE r.rowid > :before ORDER BY r.rowid""",
            {"c0": change0, "h0": hlc0, "before": before})
        conn.execute("UPDATE hlc_state SET value = ?, change_seq = ?",
                     (hlc0 + count - 1, change0 + count - 1))
        for dep_table, _cols, kind, id_col in _SEARCH_DEPS:
            if dep_table == table:
                conn.execute(
                    f"INSERT OR IGNORE INTO search_dirty(tbl, row_id) SELECT '{kind}', r.{id_col} "
                    f"FROM {table} r WHERE r.rowid > ? AND r.{id_col} IS NOT NULL", (before,))


@contextmanager
def applying_remote(store: Store) -> Iterator[None]:
    """Suppress capture for writes in this block (pulled rows), inside the caller's transaction."""
    with store.transaction():
        store.conn.execute("UPDATE capture_state SET suppressed = 1")
        try:
            yield
        finally:
            if store.conn.in_transaction:
                store.conn.execute("UPDATE capture_state SET suppressed = 0")


def observe_remote_hlc(store: Store, hlc: int) -> None:
    """Never hand out a clock value at or below one seen from the server or another device."""
    with store.transaction():
        store.conn.execute("UPDATE hlc_state SET value = max(value, ?)", (int(hlc),))


def current_hlc(store: Store) -> int:
    return int(store.conn.execute("SELECT value FROM hlc_state").fetchone()[0])
