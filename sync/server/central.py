"""Writes the central system makes itself: reference rows (grids) and conflict resolutions.

They are ordinary writes: a new server_seq, field metadata stamped with the writer, so devices pull
them like any edit and later device edits merge against them by the same rule.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync import hlc, merge
from sync.protocol import Conflict
from sync.schema import DELETED
from sync.server import db
from sync.server.reads import conflict_model, device_users
from sync.server.refusal import Refused

SERVER_DEVICE = "server"


def write_row(conn: Connection, seqs: db.SeqAllocator, table: str, row_id: str, fields: dict[str, Any],
              author: merge.Author) -> int:
    """Upsert ``fields`` (storage form, may hold ``_deleted``) as a new write; returns its server_seq."""
    t = db.synced[table]
    row = conn.execute(sa.select(t.c.field_meta).where(t.c.id == row_id)).first()
    meta = {k: merge.FieldVersion.from_json(v) for k, v in json.loads(row[0]).items()} if row else {}
    seq = seqs.next()
    values = {k: v for k, v in fields.items() if k != DELETED}
    if DELETED in fields:
        values["deleted"] = fields[DELETED]
    values["server_seq"] = seq
    meta = merge.stamp(meta, fields, seq, author)
    values["field_meta"] = json.dumps({k: v.to_json() for k, v in meta.items()}, sort_keys=True)
    if row is None:
        conn.execute(t.insert().values(id=row_id, **values))
    else:
        conn.execute(t.update().where(t.c.id == row_id).values(**values))
    return seq


def resolve(conn: Connection, conflict_id: int, choice: str, device_id: str, grids: set[str],
            now_ms: int) -> Conflict:
    """Close a conflict; ``lost`` writes the losing value back as a new edit by ``device_id``."""
    seqs = db.SeqAllocator(conn)
    c = db.conflict
    row = conn.execute(sa.select(c).where(c.c.id == conflict_id)).mappings().first()
    if row is None or row["grid_id"] not in grids:
        raise Refused(404, "not_found", f"no conflict {conflict_id} in this device's grids")
    if row["resolved_at_ms"] is not None:
        raise Refused(409, "already_resolved", f"conflict {conflict_id} was already resolved")
    if choice == "lost":
        lost = json.loads(row["lost_value"])
        fields: dict[str, Any] = {**lost, DELETED: 0} if row["kind"] == "delete" else {row["field"]: lost}
        # The resolution comes after both writes it settles, even if their clocks ran ahead.
        clock = hlc.receive(row["kept_hlc"], row["lost_hlc"], now_ms)
        write_row(conn, seqs, row["tbl"], row["row_id"], fields, merge.Author(clock, device_id))
    conn.execute(c.update().where(c.c.id == conflict_id).values(
        resolved_at_ms=now_ms, resolved_by=device_id, resolution=choice))
    seqs.save()
    done = conn.execute(sa.select(c).where(c.c.id == conflict_id)).mappings().one()
    return conflict_model(done, device_users(conn, [done["kept_device"], done["lost_device"]]))
