"""What devices read: pulled row images, checksums, the conflict list."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sync.protocol import (
    Checksums,
    Conflict,
    ConflictAuthor,
    TableChecksum,
    row_values_digest,
)
from sync.schema import TABLES
from sync.server import db

#: The page query's name for moved-row markers (not a table name: tables are lowercase words).
MOVED = "*moved"


@functools.cache
def _page_query(table: str | None) -> sa.Select[Any]:
    """(tbl, server_seq) of the next page across tables; built once, parameters bound per call.

    Each table's part is limited on its own (index order), so the union sorts few rows."""
    since = sa.bindparam("since", type_=sa.BigInteger)
    grids = sa.bindparam("grids", expanding=True, type_=sa.Text)
    n = sa.bindparam("n", type_=sa.Integer)
    subs = [sa.select(sa.literal(name).label("tbl"), t.c.server_seq)
            .where(t.c.server_seq > since, t.c.grid_id.in_(grids))
            .order_by(t.c.server_seq).limit(n).subquery()
            for name, t in db.synced.items() if table is None or name == table]
    if table is None:
        m = db.moved_row
        subs.append(sa.select(sa.literal(MOVED).label("tbl"), m.c.server_seq)
                    .where(m.c.server_seq > since, m.c.from_grid.in_(grids))
                    .order_by(m.c.server_seq).limit(n).subquery())
    page = sa.union_all(*(sa.select(*sub.c) for sub in subs)).subquery()
    return sa.select(page).order_by(page.c.server_seq).limit(n)


@functools.cache
def _rows_query(table: str) -> sa.Select[Any]:
    """A table's rows of one page: ``since < server_seq <= upto`` in the grids, as plain columns."""
    t = db.synced[table]
    grids = sa.bindparam("grids", expanding=True, type_=sa.Text)
    return (sa.select(t.c.id, t.c.server_seq, t.c.deleted, *(t.c[c] for c in TABLES[table].column_names))
            .where(t.c.server_seq > sa.bindparam("since", type_=sa.BigInteger),
                   t.c.server_seq <= sa.bindparam("upto", type_=sa.BigInteger), t.c.grid_id.in_(grids)))


#: Made once (``json.dumps`` with options builds an encoder per call); raw UTF-8, as pydantic writes.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

#: A pull page stops taking rows once their JSON passes this size (a page always holds at least one
#: row, so a single larger row still moves). Rows can be large (a long note, rows stored before the
#: field caps): bounded by rows alone, 40 rows of 5 MB made one 213 MB answer.
MAX_PAGE_BYTES = 4 * 1024 * 1024
#: Rows read from the database at a time while a page fills: the first read is small, later ones
#: sized from the rows seen so far, so large rows are never read far beyond the page.
_FIRST_READ, _MAX_READ = 16, 4096


def pull_json(conn: Connection, grids: Iterable[str], since: int, limit: int,
              table: str | None = None, max_bytes: int = MAX_PAGE_BYTES) -> tuple[bytes, bool]:
    """A :class:`PullResponse` as JSON bytes, and its ``more``: row images with ``server_seq > since``
    in ``grids``, oldest first, at most ``limit`` rows and about ``max_bytes`` of them (of ``table``
    only, when given: for re-downloading a table whose checksum differs). ``grids`` travel too: a
    device notices a change of scope without another request.

    One query finds the page's keys across all tables (an empty pull costs just that), then range
    queries per table read the rows in growing slices until the page is full. The rows go from SQL
    tuples straight to JSON: no model per row (a 5000-row page is the initial download's unit)."""
    grid_list = sorted(grids)
    names = [n for n in db.synced if table is None or n == table]
    if not grid_list or not names:
        return _ENCODER.encode({"rows": [], "next_cursor": since, "more": False,
                                "grids": grid_list}).encode(), False
    keys = conn.execute(_page_query(table), {"since": since, "grids": grid_list, "n": limit + 1}).all()
    more = len(keys) > limit
    keys = keys[:limit]
    # The cursor is the last row taken: server_seq comes from one counter in commit order, so every
    # row at or below it is in this page, or was written again since and comes back in a later one.
    upto = since
    rows: list[bytes] = []
    size = start = 0
    while start < len(keys):
        fit = (max_bytes - size) * len(rows) // size + 1 if rows else _FIRST_READ  # rows like these that fit
        chunk = keys[start:start + max(_FIRST_READ, min(_MAX_READ, fit))]
        start += len(chunk)
        found = _read_rows(conn, chunk, grid_list, upto, int(chunk[-1][1]))
        for i, (seq, image) in enumerate(found):
            rows.append(image)
            size += len(image) + 1
            upto = seq
            if size >= max_bytes and (i + 1 < len(found) or start < len(keys)):
                more = True  # full: the rest comes in the next page
                break
        else:
            upto = int(chunk[-1][1])  # rows of the chunk written again since are not lost: they moved on
            continue
        break
    tail = _ENCODER.encode({"next_cursor": upto, "more": more, "grids": grid_list}).encode()
    return b'{"rows":[' + b",".join(rows) + b"]," + tail[1:], more


def _read_rows(conn: Connection, keys: Sequence[Any], grids: list[str], since: int,
               upto: int) -> list[tuple[int, bytes]]:
    """The row images (JSON) of ``since < server_seq <= upto`` in the tables ``keys`` name, by seq."""
    found: list[tuple[int, bytes]] = []
    params = {"since": since, "upto": upto, "grids": grids}
    for name in dict.fromkeys(k[0] for k in keys):
        if name == MOVED:
            found += _moved_images(conn, params)
            continue
        cols = TABLES[name].column_names
        for r in conn.execute(_rows_query(name), params).all():
            seq = int(r[1])
            image = {"table": name, "id": r[0], "server_seq": seq, "deleted": bool(r[2]),
                     "fields": dict(zip(cols, r[3:], strict=True))}
            found.append((seq, _ENCODER.encode(image).encode()))
    found.sort(key=lambda x: x[0])
    return found


def _moved_images(conn: Connection, params: dict[str, Any]) -> list[tuple[int, bytes]]:
    """A row that left one of ``grids`` for a grid the device does not hold: an image carrying only
    its new ``grid_id``, which tells the device to drop its copy (a holder of both grids gets the
    row itself)."""
    m = db.moved_row
    q = sa.select(m.c.tbl, m.c.row_id, m.c.to_grid, m.c.server_seq).where(
        m.c.server_seq > params["since"], m.c.server_seq <= params["upto"],
        m.c.from_grid.in_(params["grids"]), m.c.to_grid.not_in(params["grids"]))
    return [(int(seq), _ENCODER.encode({"table": tbl, "id": row_id, "server_seq": int(seq), "deleted": False,
                                        "fields": {"grid_id": to_grid}}).encode())
            for tbl, row_id, to_grid, seq in conn.execute(q).all()]


def checksums(conn: Connection, grids: Iterable[str]) -> Checksums:
    """Per table, count and checksum of the rows of ``grids``: the digests pushes stored, and
    for rows whose digest is missing or stale (written by the central system), computed now."""
    grid_list = sorted(grids)
    out = {}
    for name, t in db.synced.items():
        count = total = 0
        stale: list[str] = []
        if grid_list:
            q = (sa.select(t.c.id, t.c.server_seq, t.c.digest, t.c.digest_seq)
                 .where(t.c.grid_id.in_(grid_list)))
            for row_id, seq, digest, digest_seq in conn.execute(q).all():
                count += 1
                if digest is not None and digest_seq == seq:
                    total += int(digest, 16)
                else:
                    stale.append(row_id)
        cols = [t.c[c] for c in TABLES[name].column_names]
        for i in range(0, len(stale), 500):
            q = sa.select(t.c.id, t.c.deleted, *cols).where(t.c.id.in_(stale[i:i + 500]))
            total += sum(row_values_digest(name, r[0], bool(r[1]), r[2:])
                         for r in conn.execute(q).all())
        out[name] = TableChecksum(count=count, checksum=f"{total % (1 << 256):064x}")
    return Checksums(tables=out)


def device_users(conn: Connection, device_ids: Iterable[str]) -> dict[str, str]:
    """device id -> the user it is enrolled for (devices not known are left out)."""
    ids = sorted(set(device_ids))
    d = db.device
    out: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        q = sa.select(d.c.id, d.c.user_name).where(d.c.id.in_(ids[i:i + 500]))
        out.update({str(k): str(v) for k, v in conn.execute(q).all()})
    return out


def conflict_model(r: RowMapping, users: Mapping[str, str] | None = None) -> Conflict:
    """A stored conflict; ``users`` (device id -> user, :func:`device_users`) names each side."""
    who = users or {}
    return Conflict(
        id=r["id"], table=r["tbl"], row_id=r["row_id"], grid_id=r["grid_id"], kind=r["kind"],
        field=r["field"], kept_value=json.loads(r["kept_value"]), lost_value=json.loads(r["lost_value"]),
        kept=ConflictAuthor(device_id=r["kept_device"], hlc=r["kept_hlc"], user=who.get(r["kept_device"])),
        lost=ConflictAuthor(device_id=r["lost_device"], hlc=r["lost_hlc"], user=who.get(r["lost_device"])),
        server_seq=r["server_seq"], resolved=r["resolved_at_ms"] is not None, resolution=r["resolution"])


def conflicts(conn: Connection, grids: Iterable[str], include_resolved: bool,
              limit: int = 500) -> list[Conflict]:
    c = db.conflict
    q = sa.select(c).where(c.c.grid_id.in_(sorted(grids))).order_by(c.c.id).limit(limit)
    if not include_resolved:
        q = q.where(c.c.resolved_at_ms.is_(None))
    rows = list(conn.execute(q).mappings())
    users = device_users(conn, [r[k] for r in rows for k in ("kept_device", "lost_device")])
    return [conflict_model(r, users) for r in rows]
