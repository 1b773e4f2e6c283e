"""Applying what the server sent: pulled row images, their cursor, table re-downloads, photo receipts.

The sync client (``gridpad.sync_client``) does the network; every SQL statement it needs lives here.
A page of rows and its cursor are applied in one transaction with change capture suppressed, so a
crash leaves either both or neither, and nothing pulled is ever pushed back as a local edit.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from gridpad.store import capture, outbox
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from sync.rules.values import ID_PATTERN
from sync.schema import DELETED, TABLES

log = logging.getLogger(__name__)

_PHOTO_RECEIPTS = "photo_receipt"


def _to_bool(value: Any) -> Any:
    return None if value is None else (1 if value else 0)


def _to_json_text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


#: Per table, converters for the columns whose wire value may differ from the stored one (the
#: protocol sends storage form; these make a stray ``true`` or JSON object harmless). Other
#: columns are stored as they come: a page holds thousands of rows, so this stays cheap.
_CONVERT: dict[str, dict[str, Callable[[Any], Any]]] = {
    t.name: {c.name: (_to_bool if c.type == "bool" else _to_json_text)
             for c in t.columns if c.type in ("bool", "json")} | {DELETED: _to_bool}
    for t in TABLES.values()
}
_KNOWN: dict[str, frozenset[str]] = {t.name: frozenset((*t.column_names, DELETED)) for t in TABLES.values()}


def _columns(tname: str, keys: tuple[str, ...], skip: frozenset[str]) -> tuple[str, ...]:
    known = _KNOWN[tname]
    return tuple(sorted(c for c in keys if c in known and c not in skip))


def pending_fields_by_row(store: Store, keys: Iterable[tuple[str, str]] | None = None
                          ) -> dict[tuple[str, str], set[str]]:
    """Fields with local edits not yet acknowledged, or discarded while refused (not on the
    server), by ``(table, row id)`` (all rows: ``keys`` None).

    One scan of the outbox instead of a query per pulled row (a page holds thousands)."""
    wanted = None if keys is None else set(keys)
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for tbl, row_id, fields in store._conn.execute("SELECT tbl, row_id, fields FROM outbox").fetchall():
        key = (tbl, row_id)
        if wanted is not None and key not in wanted:
            continue
        loaded = outbox.load_fields(fields)
        # Unreadable (see outbox.UnreadableChangeError): every field counts as edited, so a pull keeps them.
        out[key].update(loaded if loaded is not None else (*TABLES[tbl].column_names, DELETED)
                        if tbl in TABLES else ())
    # A discarded refused change (held_changes.discard): the local value stays, so a pull must not
    # overwrite it silently; it is listed as not on the server until sent again.
    discarded = store._conn.execute("SELECT tbl, row_id, fields FROM not_on_server").fetchall()
    for tbl, row_id, fields in discarded:
        if wanted is None or (tbl, row_id) in wanted:
            out[(tbl, row_id)].update(json.loads(fields))
    return dict(out)


def cursor(store: Store) -> int:
    return DeviceMeta(store).sync_cursor


def apply_rows(store: Store, rows: Sequence[Mapping[str, Any]], cursor: int | None,
               *, max_hlc: int | None = None) -> int:
    """Upsert pulled row images and store ``cursor`` in one transaction, capture suppressed.

    ``rows``: ``{"table", "id", "server_seq", "fields"}`` (``fields`` may hold ``_deleted``).
    Fields with pending local edits are kept as they are (the local edit is still to be pushed and
    merged by the server); the row's ``_server_seq`` still advances. Rows of tables this app does
    not know (a newer server) are skipped. Returns the number of rows written.
    """
    latest: dict[tuple[str, str], Mapping[str, Any]] = {}
    for row in rows:
        key = (str(row["table"]), str(row["id"]))
        if key[0] not in TABLES:
            continue
        if key not in latest or int(row["server_seq"]) >= int(latest[key]["server_seq"]):
            latest[key] = row
    with store.transaction(), capture.applying_remote(store):
        pending = pending_fields_by_row(store, latest) if latest else {}
        _drop_moved_away(store, latest, pending)
        held = _held(store, list(latest))
        inserts: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = defaultdict(list)
        updates: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = defaultdict(list)
        shapes: dict[tuple[str, tuple[str, ...], frozenset[str]], tuple[str, ...]] = {}
        skipped: list[str] = []
        for (tname, row_id), row in latest.items():
            fields = dict(row.get("fields") or {})
            if row.get("deleted") is not None and DELETED not in fields:
                fields[DELETED] = row["deleted"]
            skip = frozenset(pending.get((tname, row_id), ()))
            shape = (tname, tuple(fields), skip)
            cols = shapes.get(shape)
            if cols is None:
                cols = shapes[shape] = _columns(*shape)
            convert = _CONVERT[tname]
            values = [convert[c](fields[c]) if c in convert else fields[c] for c in cols]
            bad = next((c for c, v in zip(cols, values, strict=True) if not _storable(v)), None)
            if bad is not None or not _ID.match(row_id):
                # The server should never send such a row; one must not stop the pull. Named, not shown.
                skipped.append(f"{tname} {row_id[:64]!r}: {bad or 'id'} cannot be stored")
                continue
            seq = int(row["server_seq"])
            current = held.get((tname, row_id))
            if current is None:
                inserts[(tname, cols)].append((row_id, *values, seq))
            else:
                # Write only what differs: unchanged columns then fire no search trigger, and a
                # row that merely comes back with its new server_seq costs one small UPDATE.
                diff = [(c, v) for c, v in zip(cols, values, strict=True) if current.get(c) != v]
                updates[(tname, tuple(c for c, _v in diff))].append((*(v for _c, v in diff), seq, row_id))
        # Plain INSERT and UPDATE, not an UPSERT: an outer ON CONFLICT clause would override the
        # search triggers' own INSERT OR IGNORE and fail on a row already marked dirty.
        for (tname, cols), params in inserts.items():
            names = ", ".join(f'"{c}"' for c in (*cols, "_server_seq"))
            marks = ", ".join("?" for _ in range(len(cols) + 2))
            store._conn.executemany(f'INSERT INTO "{tname}" (id, {names}) VALUES ({marks})', params)
        for (tname, cols), params in updates.items():
            sets = ", ".join(f'"{c}" = ?' for c in (*cols, "_server_seq"))
            store._conn.executemany(f'UPDATE "{tname}" SET {sets} WHERE id = ?', params)
        if cursor is not None:
            DeviceMeta(store).sync_cursor = cursor
        hlcs = [int(r["hlc"]) for r in latest.values() if r.get("hlc")]
        if max_hlc is not None:
            hlcs.append(int(max_hlc))
        if hlcs:
            capture.observe_remote_hlc(store, max(hlcs))
    for reason in skipped:
        log.warning("pulled row skipped: %s", reason)
    return len(latest) - len(skipped)


_ID = re.compile(ID_PATTERN)
_INT_LIMIT = 2**63


def _storable(value: Any) -> bool:
    """Whether SQLite can hold ``value`` as the device would have written it."""
    if value is None or isinstance(value, str | float):
        return not isinstance(value, float) or math.isfinite(value)
    return isinstance(value, int) and -_INT_LIMIT <= value < _INT_LIMIT


def _drop_moved_away(store: Store, latest: dict[tuple[str, str], Mapping[str, Any]],
                     pending: Mapping[tuple[str, str], set[str]]) -> None:
    """Images of rows the central system moved to a grid this device does not hold (a person's
    transfer) leave ``latest``: the local copy goes, or, with edits still to push, only takes the
    new grid (those edits then wait as edits to a grid not held, never dropped unseen)."""
    grids = set(DeviceMeta(store).grids)
    if not grids:
        return
    gone = [key for key, row in latest.items()
            if "grid_id" in (row.get("fields") or {}) and row["fields"]["grid_id"] not in grids]
    for key in gone:
        image = latest.pop(key)
        tname, row_id = key
        if key in pending:
            store._conn.execute(f'UPDATE "{tname}" SET grid_id = ?, _server_seq = ? WHERE id = ?',
                                [image["fields"]["grid_id"], int(image["server_seq"]), row_id])
        else:
            store._conn.execute(f'DELETE FROM "{tname}" WHERE id = ?', [row_id])


# -- rows the server holds that break the shared rules ------------------------------------------
_RULE_BREACHES = "rule_breach"


def _ensure_breaches(store: Store) -> None:
    store._conn.execute(f"CREATE TABLE IF NOT EXISTS {_RULE_BREACHES} (tbl TEXT NOT NULL, "
                        "row_id TEXT NOT NULL, field TEXT NOT NULL, rule TEXT NOT NULL, "
                        "PRIMARY KEY (tbl, row_id, field, rule))")


def set_rule_breaches(store: Store, found: Sequence[tuple[str, str, str, str]]) -> None:
    """Replace the list of rows the server holds that break the shared rules (``(table, row id,
    field, rule)``, from ``GET /v1/rule-breaches``): such rows are kept as the server has them (the
    device must agree with it) and shown for correction."""
    with store.transaction():
        _ensure_breaches(store)
        store._conn.execute(f"DELETE FROM {_RULE_BREACHES}")
        store._conn.executemany(f"INSERT OR IGNORE INTO {_RULE_BREACHES} VALUES (?, ?, ?, ?)", found)


def rule_breaches(store: Store) -> list[tuple[str, str, str, str]]:
    """``(table, row id, field, rule)`` of pulled rows that break the shared rules, to be corrected."""
    _ensure_breaches(store)
    return [tuple(r) for r in store._conn.execute(
        f"SELECT tbl, row_id, field, rule FROM {_RULE_BREACHES} ORDER BY tbl, row_id, field")]


def _held(store: Store, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The current values of those ``(table, id)`` rows the device already holds."""
    by_table: dict[str, list[str]] = defaultdict(list)
    for tname, row_id in keys:
        by_table[tname].append(row_id)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for tname, ids in by_table.items():
        names = (*TABLES[tname].column_names, DELETED)
        sel = ", ".join(f'"{c}"' for c in names)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for rec in store._conn.execute(f'SELECT id, {sel} FROM "{tname}" WHERE id IN ({marks})', chunk):
                out[(tname, rec[0])] = dict(zip(names, rec[1:], strict=True))
    return out


def checksum_rows(store: Store, tname: str, grids: Iterable[str]) -> list[tuple[str, int, tuple[Any, ...]]]:
    """``(id, _deleted, values in column_names order)`` of the rows of ``grids``, for checksums."""
    table = TABLES[tname]
    grid_list = sorted(grids)
    if not grid_list:
        return []
    cols = ", ".join(f'"{c}"' for c in table.column_names)
    marks = ",".join("?" * len(grid_list))
    cur = store._conn.execute(f'SELECT id, "{DELETED}", {cols} FROM "{tname}" WHERE grid_id IN ({marks})',
                             grid_list)
    return [(rec[0], rec[1], rec[2:]) for rec in cur]


def drop_rows_not_on_server(store: Store, tname: str, server_ids: set[str], grids: set[str]) -> int:
    """After a table re-download: remove rows of ``grids`` the server does not hold, unless a
    local edit of that row still waits to be pushed."""
    pending = {row_id for (t, row_id) in pending_fields_by_row(store) if t == tname}
    local = [r[0] for r in store._conn.execute(f'SELECT id, grid_id FROM "{TABLES[tname].name}"')
             if r[1] in grids]
    gone = [(i,) for i in local if i not in server_ids and i not in pending]
    if gone:
        with store.transaction(), capture.applying_remote(store):
            store._conn.executemany(f'DELETE FROM "{tname}" WHERE id = ?', gone)
    return len(gone)


def change_scope(store: Store, grids: Sequence[str], removed: Iterable[str], *,
                 restart: bool) -> tuple[int, int]:
    """The server's grids for this device changed: store ``grids`` and, in the same transaction
    (capture suppressed), delete the rows of the ``removed`` grids; with ``restart`` the pull
    cursor goes back to 0 (an added grid's rows sit behind it). Rows with local edits still
    waiting in the outbox are kept, edit and row alike: an edit is never dropped unseen.
    Returns ``(rows removed, rows kept for pending edits)``."""
    gone = sorted(set(removed))
    purged = kept = 0
    with store.transaction(), capture.applying_remote(store):
        if gone:
            pending = pending_fields_by_row(store)
            marks = ",".join("?" * len(gone))
            for tname in TABLES:
                ids = [r[0] for r in store._conn.execute(
                    f'SELECT id FROM "{tname}" WHERE grid_id IN ({marks})', gone)]
                drop = [(i,) for i in ids if (tname, i) not in pending]
                kept += len(ids) - len(drop)
                purged += len(drop)
                store._conn.executemany(f'DELETE FROM "{tname}" WHERE id = ?', drop)
        meta = DeviceMeta(store)
        meta.grids = list(grids)
        if restart:
            meta.sync_cursor = 0
    return purged, kept


def changes_outside(store: Store, grids: Iterable[str]) -> set[int]:
    """Outbox change ids whose row belongs to none of ``grids`` (a grid taken away from this device:
    the server refuses them, so they wait instead of blocking the rest of the outbox)."""
    held = sorted(set(grids))
    marks = ",".join("?" * len(held))
    out: set[int] = set()
    tables = [r[0] for r in store._conn.execute("SELECT DISTINCT tbl FROM outbox")]
    for tname in tables:
        if tname not in TABLES:
            continue
        out.update(r[0] for r in store._conn.execute(
            f'SELECT o.change_id FROM outbox o JOIN "{tname}" r ON r.id = o.row_id '
            f"WHERE o.tbl = ? AND r.grid_id NOT IN ({marks})", [tname, *held]))
    return out


# -- photos -------------------------------------------------------------------------------------
def _ensure_receipts(store: Store) -> None:
    store._conn.execute(
        f"CREATE TABLE IF NOT EXISTS {_PHOTO_RECEIPTS} (sha256 TEXT PRIMARY KEY, confirmed_at TEXT NOT NULL)"
    )


def photos_to_upload(store: Store) -> list[str]:
    """SHA-256 of live photo rows whose upload the server has not confirmed yet."""
    _ensure_receipts(store)
    return [r[0] for r in store._conn.execute(
        f"SELECT DISTINCT p.sha256 FROM photo p LEFT JOIN {_PHOTO_RECEIPTS} r ON r.sha256 = p.sha256 "
        "WHERE p._deleted = 0 AND r.sha256 IS NULL ORDER BY p.sha256"
    )]


def confirm_photo(store: Store, sha256: str, when: str) -> None:
    """The server confirmed it holds this content: only now may the tablet ever drop the file."""
    _ensure_receipts(store)
    with store.transaction():
        store._conn.execute(
            f"INSERT OR REPLACE INTO {_PHOTO_RECEIPTS} (sha256, confirmed_at) VALUES (?, ?)", [sha256, when]
        )


def photo_confirmed(store: Store, sha256: str) -> bool:
    _ensure_receipts(store)
    found = store._conn.execute(f"SELECT 1 FROM {_PHOTO_RECEIPTS} WHERE sha256 = ?", [sha256]).fetchone()
    return found is not None
