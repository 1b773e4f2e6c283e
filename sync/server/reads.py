"""What devices read: pulled row images, checksums, the conflict list."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sync.protocol import (
    Checksums,
    Conflict,
    ConflictAuthor,
    PullResponse,
    RowImage,
    table_checksum_values,
)
from sync.schema import TABLES
from sync.server import db


def row_image(table: str, row: RowMapping | Mapping[str, Any]) -> RowImage:
    # model_construct: the values come from our own columns; validating 20k rows again costs ~40 %.
    return RowImage.model_construct(table=table, id=row["id"], server_seq=int(row["server_seq"]),
                                    deleted=bool(row["deleted"]),
                                    fields={c: row[c] for c in TABLES[table].column_names})


@functools.cache
def _page_query(table: str | None) -> sa.Select[Any]:
    """(tbl, id, server_seq) of the next page across tables; built once, parameters bound per call.

    Each table's part is limited on its own (index order), so the union sorts few rows."""
    since = sa.bindparam("since", type_=sa.BigInteger)
    grids = sa.bindparam("grids", expanding=True, type_=sa.Text)
    n = sa.bindparam("n", type_=sa.Integer)
    subs = [sa.select(sa.literal(name).label("tbl"), t.c.id, t.c.server_seq)
            .where(t.c.server_seq > since, t.c.grid_id.in_(grids))
            .order_by(t.c.server_seq).limit(n).subquery()
            for name, t in db.synced.items() if table is None or name == table]
    page = sa.union_all(*(sa.select(*sub.c) for sub in subs)).subquery()
    return sa.select(page).order_by(page.c.server_seq).limit(n)


def pull(conn: Connection, grids: Iterable[str], since: int, limit: int,
         table: str | None = None) -> PullResponse:
    """Row images with ``server_seq > since`` in ``grids``, oldest first, at most ``limit``
    (of ``table`` only, when given: for re-downloading a table whose checksum differs).

    One query finds the page's (table, id) across all tables; an empty pull costs just that."""
    grid_list = sorted(grids)
    names = [n for n in db.synced if table is None or n == table]
    if not grid_list or not names:
        return PullResponse(rows=[], next_cursor=since, more=False)
    keys = conn.execute(_page_query(table), {"since": since, "grids": grid_list, "n": limit + 1}).all()
    more = len(keys) > limit
    keys = keys[:limit]
    wanted: dict[str, list[str]] = {}
    for name, row_id, _seq in keys:
        wanted.setdefault(name, []).append(row_id)
    found: list[RowImage] = []
    for name, ids in wanted.items():
        t = db.synced[name]
        for i in range(0, len(ids), 500):
            found += [row_image(name, r) for r in
                      conn.execute(sa.select(t).where(t.c.id.in_(ids[i:i + 500]))).mappings()]
    found.sort(key=lambda r: r.server_seq)
    return PullResponse.model_construct(rows=found, next_cursor=found[-1].server_seq if found else since,
                                        more=more)


def checksums(conn: Connection, grids: Iterable[str]) -> Checksums:
    grid_list = sorted(grids)
    out = {}
    for name, t in db.synced.items():
        cols = [t.c[c] for c in TABLES[name].column_names]
        # Plain tuples, not row mappings: this reads every row of the device's grids.
        q = sa.select(t.c.id, t.c.deleted, *cols).where(t.c.grid_id.in_(grid_list))
        tuples = conn.execute(q).tuples().all() if grid_list else []
        out[name] = table_checksum_values(name, ((r[0], r[1], r[2:]) for r in tuples))
    return Checksums(tables=out)


def conflict_model(r: RowMapping) -> Conflict:
    return Conflict(
        id=r["id"], table=r["tbl"], row_id=r["row_id"], grid_id=r["grid_id"], kind=r["kind"],
        field=r["field"], kept_value=json.loads(r["kept_value"]), lost_value=json.loads(r["lost_value"]),
        kept=ConflictAuthor(device_id=r["kept_device"], hlc=r["kept_hlc"]),
        lost=ConflictAuthor(device_id=r["lost_device"], hlc=r["lost_hlc"]),
        server_seq=r["server_seq"], resolved=r["resolved_at_ms"] is not None, resolution=r["resolution"])


def conflicts(conn: Connection, grids: Iterable[str], include_resolved: bool,
              limit: int = 500) -> list[Conflict]:
    c = db.conflict
    q = sa.select(c).where(c.c.grid_id.in_(sorted(grids))).order_by(c.c.id).limit(limit)
    if not include_resolved:
        q = q.where(c.c.resolved_at_ms.is_(None))
    return [conflict_model(r) for r in conn.execute(q).mappings()]
