"""The one search box: persons, units and buildings by name fragment, pinyin initials, ID/phone tail,
room number or address fragment (readings in :mod:`gridpad.core.search_query`).

Index tables (made in migration 0001):

* ``search_doc`` — one row per person/unit/building: normalised ``name`` (room number for a
  unit), pinyin ``initials``, reversed ID number / phone (``id_rev``, ``phone_rev``: a tail is a
  prefix range on their indexes), ``active`` (person with a current tenancy).
* ``search_fts`` — FTS5 ``trigram`` over name and address text, rowid = ``doc_id`` (3+ chars).
* ``search_key`` — 2-character windows of the same text (trigram cannot match 2 characters), and
  one room key per unit, U+0001 building id U+0001 room (a building's rooms as one key range,
  for queries like "锦厦 301": :func:`gridpad.store.search_terms.unit_key`).

Pinyin cannot be computed in SQL, so the index is refreshed in Python: :func:`refresh_index`
re-indexes the rows named by outbox rows it has not seen (``search_state.outbox_seen``) and by
``search_dirty`` marks (pulled rows, deletes, acked changes not yet seen), and runs at the start of
every search. Results show names, ID numbers and phones masked.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gridpad.core import masking
from gridpad.core import search_query as sq
from gridpad.store import search_terms
from gridpad.store.db import BUSY_TIMEOUT_MS, Store

#: From this many dirty rows on, rebuild everything when they are a quarter of the index or more.
BULK_REBUILD_AT = 5_000
#: How long a search waits for another connection's write lock before using the index as it is.
REFRESH_WAIT_MS = 50

_ACTIVE = ("EXISTS (SELECT 1 FROM tenancy t WHERE t.person_id = p.id AND t._deleted = 0 "
           "AND (t.move_out_at IS NULL OR t.move_out_at > date('now')))")
_SOURCES = {
    "person": f"SELECT p.id, p.name, p.name, p.id_number, p.phone, {_ACTIVE}, NULL "
              "FROM person p WHERE p._deleted = 0",
    "unit": "SELECT u.id, u.room_no, u.room_no, NULL, NULL, 0, u.building_id "
            "FROM unit u WHERE u._deleted = 0",
    "building": ("SELECT b.id, coalesce(b.name, b.address),"
                 " coalesce(b.name || ' ', '') || coalesce(b.address, ''), NULL, NULL, 0, NULL"
                 " FROM building b WHERE b._deleted = 0"),
}


@dataclass(frozen=True)
class SearchHit:
    kind: str  # person / unit / building
    id: str
    title: str
    subtitle: str
    score: float


@dataclass(frozen=True)
class _Doc:
    kind: str
    ref_id: str
    name: str
    text: str
    initials: str | None
    id_rev: str | None
    phone_rev: str | None
    active: int
    building_id: str | None  # a unit's building (its room key, see search_terms.unit_key)


def _doc(kind: str, row: tuple[Any, ...]) -> _Doc:
    ref_id, name, text, id_number, phone, active, building_id = row
    return _Doc(kind, ref_id, sq.normalize(name or ""), sq.normalize(text or ""),
                sq.initials(name, surname_first=kind == "person"),
                sq.id_key(id_number), sq.phone_key(phone), int(bool(active)), building_id)


def _insert_docs(conn: sqlite3.Connection, docs: Iterable[_Doc]) -> None:
    doc_rows: list[tuple[Any, ...]] = []
    fts_rows: list[tuple[int, str]] = []
    key_rows: list[tuple[str, int]] = []
    next_id = int(conn.execute("SELECT coalesce(max(doc_id), 0) FROM search_doc").fetchone()[0]) + 1
    for d in docs:
        doc_rows.append((next_id, d.kind, d.ref_id, d.name, d.initials, d.id_rev, d.phone_rev, d.active))
        fts_rows.append((next_id, d.text))
        key_rows.extend((k, next_id) for k in sq.bigrams(d.text))
        if d.building_id:
            key_rows.append((search_terms.unit_key(d.building_id, d.name), next_id))
        next_id += 1
    conn.executemany("INSERT INTO search_doc(doc_id, kind, ref_id, name, initials, id_rev, phone_rev, active)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", doc_rows)
    conn.executemany("INSERT INTO search_fts(rowid, text) VALUES (?, ?)", fts_rows)
    conn.executemany("INSERT OR IGNORE INTO search_key(key, doc_id) VALUES (?, ?)", key_rows)


def rebuild_index(store: Store) -> None:
    """Drop and rebuild the whole index (bulk imports, first open)."""
    conn = store._conn
    with store.transaction():
        _mark_seen(conn)
        conn.execute("DELETE FROM search_key")
        conn.execute("DELETE FROM search_doc")
        conn.execute("DELETE FROM search_fts")
        for kind, sql in _SOURCES.items():
            cur = conn.execute(sql)
            while batch := cur.fetchmany(20_000):
                _insert_docs(conn, [_doc(kind, r) for r in batch])


def _outbox_refs(conn: sqlite3.Connection, seen: int) -> set[tuple[str, str]]:
    """Documents touched by captured changes the index has not seen (their outbox rows)."""
    refs: set[tuple[str, str]] = set()
    rows = conn.execute("SELECT DISTINCT tbl, row_id FROM outbox WHERE change_id > ? "
                        "AND tbl IN ('person', 'unit', 'building', 'tenancy')", (seen,)).fetchall()
    for tbl, row_id in rows:
        if tbl != "tenancy":
            refs.add((tbl, row_id))
            continue
        person = conn.execute("SELECT person_id FROM tenancy WHERE id = ?", (row_id,)).fetchone()
        if person is not None and person[0] is not None:
            refs.add(("person", person[0]))
    return refs


def _mark_seen(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM search_dirty")
    conn.execute("UPDATE search_state SET outbox_seen = max((SELECT change_seq FROM hlc_state), "
                 "coalesce((SELECT max(change_id) FROM outbox), 0))")


def _lacks_unit_keys(conn: sqlite3.Connection) -> bool:
    lo, hi = search_terms.unit_key_range()
    row = conn.execute("SELECT EXISTS (SELECT 1 FROM unit WHERE _deleted = 0 AND building_id IS NOT NULL) "
                       "AND NOT EXISTS (SELECT 1 FROM search_key WHERE key >= ? AND key < ?)",
                       (lo, hi)).fetchone()
    return bool(row[0])


def refresh_index(store: Store) -> int:
    """Re-index what changed since the last refresh (outbox rows not yet seen, and rows the
    triggers marked dirty); returns how many documents were looked at."""
    conn = store._conn
    seen = int(conn.execute("SELECT outbox_seen FROM search_state").fetchone()[0])
    if _lacks_unit_keys(conn):  # an index built before units were keyed by their building
        with store.transaction():
            conn.execute("INSERT OR IGNORE INTO search_key(key, doc_id) "
                         "SELECT :sep || u.building_id || :sep || d.name, d.doc_id "
                         "FROM search_doc d JOIN unit u ON u.id = d.ref_id "
                         "WHERE d.kind = 'unit' AND u.building_id IS NOT NULL",
                         {"sep": search_terms.UNIT_KEY_SEP})
    pending = int(conn.execute("SELECT count(*) FROM search_dirty").fetchone()[0]) + int(
        conn.execute("SELECT count(*) FROM outbox WHERE change_id > ?", (seen,)).fetchone()[0])
    if pending == 0:
        return 0
    if pending >= BULK_REBUILD_AT:
        indexed = int(conn.execute("SELECT count(*) FROM search_doc").fetchone()[0])
        if pending * 4 >= indexed:  # row by row costs ~4x a bulk rebuild's per-document cost
            rebuild_index(store)
            return pending
    with store.transaction():
        dirty = set(conn.execute("SELECT tbl, row_id FROM search_dirty").fetchall())
        dirty |= _outbox_refs(conn, seen)
        docs: list[_Doc] = []
        for kind, ref_id in sorted(dirty):
            old = conn.execute("SELECT doc_id FROM search_doc WHERE ref_id = ? AND kind = ?",
                               (ref_id, kind)).fetchone()
            if old is not None:
                conn.execute("DELETE FROM search_key WHERE doc_id = ?", old)
                conn.execute("DELETE FROM search_fts WHERE rowid = ?", old)
                conn.execute("DELETE FROM search_doc WHERE doc_id = ?", old)
            source = _SOURCES.get(kind)
            if source is None:
                continue
            alias = kind[0]
            row = conn.execute(f"{source} AND {alias}.id = ?", (ref_id,)).fetchone()
            if row is not None:
                docs.append(_doc(kind, row))
        _insert_docs(conn, docs)
        _mark_seen(conn)
    return len(dirty)


def _refresh_if_free(store: Store) -> None:
    """Search-as-you-type must not stall behind a sync writing a page: if the write lock is taken,
    search the index as it is (the next keystroke refreshes it)."""
    if store.in_transaction or store._conn.in_transaction:
        refresh_index(store)
        return
    store._conn.execute(f"PRAGMA busy_timeout = {REFRESH_WAIT_MS}")
    try:
        refresh_index(store)
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
    finally:
        store._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def search(store: Store, query: str, limit: int = 20, offset: int = 0) -> list[SearchHit]:
    """Best matches first: exact > prefix > substring, persons with a current tenancy first.
    Several terms ("锦厦 301") must all match (see :mod:`gridpad.store.search_terms`)."""
    terms = sq.split_terms(query)
    if not terms or limit <= 0:
        return []
    _refresh_if_free(store)
    conn = store._conn
    if len(terms) == 1:
        q = sq.parse(terms[0])
        if sq.place_and_room(q.text) is None or search_terms.has_candidates(conn, q):
            found = _search_one(conn, q, limit, offset)
            return [_hit(conn, kind, ref_id, score) for kind, ref_id, score in found]
    queries = search_terms.readings(conn, terms)
    if queries is None:
        return []
    found = search_terms.search_terms(conn, queries, limit, offset)
    return [_hit(conn, kind, ref_id, score) for kind, ref_id, score in found]


def _search_one(conn: sqlite3.Connection, q: sq.SearchQuery, limit: int,
                offset: int) -> list[tuple[str, str, float]]:
    union, params = search_terms.candidates_sql(q)
    params.update(limit=limit, offset=max(offset, 0))
    sql = f"""
        WITH cand(doc_id, level) AS ({union}),
        best AS (SELECT doc_id, max(level) AS level FROM cand GROUP BY doc_id)
        SELECT d.kind, d.ref_id,
               max(b.level, {search_terms.name_level_sql()}) + d.active * {sq.ACTIVE_BONUS} AS score
        FROM best b JOIN search_doc d ON d.doc_id = b.doc_id
        ORDER BY score DESC, length(d.name), d.name, d.doc_id
        LIMIT :limit OFFSET :offset"""
    return [(k, r, float(s)) for k, r, s in conn.execute(sql, params).fetchall()]


#: A building's short label: its name, else road + door number, else the full address.
_LABEL = "coalesce(b.name, nullif(coalesce(b.road, '') || coalesce(b.door_no, ''), ''), b.address)"


def _hit(conn: sqlite3.Connection, kind: str, ref_id: str, score: float) -> SearchHit:
    if kind == "person":
        row = conn.execute(
            f"""SELECT p.name, p.id_number, p.phone, {_LABEL}, u.room_no
               FROM person p
               LEFT JOIN tenancy t ON t.id = (SELECT t2.id FROM tenancy t2 WHERE t2.person_id = p.id
                    AND t2._deleted = 0 ORDER BY t2.move_out_at IS NOT NULL, t2.move_in_at DESC LIMIT 1)
               LEFT JOIN building b ON b.id = t.building_id
               LEFT JOIN unit u ON u.id = t.unit_id
               WHERE p.id = ?""", (ref_id,)).fetchone()
        name, id_number, phone, label, room = row
        place = " ".join(x for x in (label, room) if x)
        parts = [masking.mask_id_number(id_number), masking.mask_phone(phone), place]
        return SearchHit(kind, ref_id, masking.mask_name(name), " · ".join(p for p in parts if p), score)
    if kind == "unit":
        room, label, address = conn.execute(
            f"SELECT u.room_no, {_LABEL}, b.address FROM unit u LEFT JOIN building b ON b.id = u.building_id"
            " WHERE u.id = ?", (ref_id,)).fetchone()
        return SearchHit(kind, ref_id, " ".join(x for x in (label, room) if x), address or "", score)
    label, address = conn.execute(f"SELECT {_LABEL}, b.address FROM building b WHERE b.id = ?",
                                  (ref_id,)).fetchone()
    return SearchHit(kind, ref_id, label or "", address if address != label else "", score)
