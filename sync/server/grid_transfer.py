"""Moving a person to another grid: the central system's explicit transfer (a device cannot change
``grid_id``: push refuses it as ``grid_change``).

A resident who moves stays one person: the same row (same id, field history, conflicts, rule breaches) gets
the new grid, with its photos. Their ended tenancies stay where they were: a tenancy is the record
of a room in its building's grid (who lived in 302, from when to when), so the old grid keeps it as
that place's history and the new grid holds nothing pointing at an old-grid building or room.
Every moved row is a new server write (new ``server_seq``), so the new grid's devices pull it;
the old grid's devices pull a marker (:data:`sync.server.db.moved_row`) and drop their copy.

Refused, with the reason, while the person still lives in the old grid (a tenancy without a
move-out date: record the move-out there first) or while another row that stays behind points at
them (a building's landlord or manager, an organisation's...): besides that history, nothing is
left pointing at a row its grid's devices can no longer see, and nothing is duplicated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sync import hlc, merge
from sync.schema import BY_OWNER_TABLE, TABLES
from sync.server import db
from sync.server.admin import AdminError

SERVER_AUTHOR = "server"


@dataclass(frozen=True)
class Moved:
    from_grid: str
    to_grid: str
    rows: Mapping[str, int]  # table -> rows moved

    def summary(self) -> str:
        parts = ", ".join(f"{n} {t}" for t, n in self.rows.items() if n)
        return f"moved from grid {self.from_grid} to {self.to_grid}: {parts}"


def _ids(conn: Connection, table: str, *where: Any) -> list[str]:
    t = db.synced[table]
    return [r[0] for r in conn.execute(sa.select(t.c.id).where(*where).order_by(t.c.id))]


def _pointing_at(conn: Connection, person_id: str, to_grid: str,
                 moving: set[tuple[str, str]], history: set[tuple[str, str]]) -> list[str]:
    """Live rows outside ``to_grid`` that point at the person and neither move with it nor are its
    ended tenancies (``history``)."""
    found = []
    for name, spec in TABLES.items():
        t = db.synced[name]
        for col in spec.reference_columns:
            if col.references == "person":
                cond = t.c[col.name] == person_id
            elif col.references == BY_OWNER_TABLE:
                cond = sa.and_(t.c.owner_table == "person", t.c[col.name] == person_id)
            else:
                continue
            for row_id in _ids(conn, name, cond, t.c.deleted == 0, t.c.grid_id != to_grid):
                if (name, row_id) not in moving | history:
                    found.append(f"{name} {row_id} ({col.name})")
    return found


def transfer_person(engine: Engine, person_id: str, to_grid: str) -> Moved:
    p, tn, ph = db.synced["person"], db.synced["tenancy"], db.synced["photo"]
    with db.write_tx(engine) as conn:
        g = db.synced["grid"]
        if conn.execute(sa.select(g.c.id).where(g.c.id == to_grid, g.c.deleted == 0)).first() is None:
            raise AdminError(f"no grid {to_grid}; add it first with: admin grid add")
        row = conn.execute(sa.select(p.c.grid_id, p.c.deleted).where(p.c.id == person_id)).first()
        if row is None or row[1]:
            raise AdminError(f"no person {person_id} on the server")
        from_grid = str(row[0])
        if from_grid == to_grid:
            raise AdminError(f"person {person_id} is already in grid {to_grid}")
        living = _ids(conn, "tenancy", tn.c.person_id == person_id, tn.c.deleted == 0,
                      tn.c.move_out_at.is_(None))
        if living:
            raise AdminError(f"person {person_id} still lives in grid {from_grid} (tenancy "
                             f"{', '.join(living)} has no move-out date): record the move-out first")
        moving = {("person", person_id)}
        moving |= {("photo", i) for i in _ids(conn, "photo", ph.c.owner_table == "person",
                                              ph.c.owner_id == person_id)}
        # Ended tenancies stay with the room they describe (its grid's history); none moves, so
        # no row of the new grid points at a building or room of the old one.
        history = {("tenancy", i) for i in _ids(conn, "tenancy", tn.c.person_id == person_id,
                                                tn.c.deleted == 0)}
        left = _pointing_at(conn, person_id, to_grid, moving, history)
        if left:
            raise AdminError(f"rows staying in their grid point at person {person_id}: {'; '.join(left[:10])}"
                             " — change them first")
        counts = _move(conn, sorted(moving), to_grid)
    return Moved(from_grid, to_grid, counts)


def _move(conn: Connection, rows: list[tuple[str, str]], to_grid: str) -> dict[str, int]:
    seqs = db.SeqAllocator(conn)
    author = merge.Author(hlc.send(0, hlc.now_ms()), SERVER_AUTHOR)
    counts: dict[str, int] = {}
    for table, row_id in rows:
        t = db.synced[table]
        old_grid, raw = conn.execute(sa.select(t.c.grid_id, t.c.field_meta).where(t.c.id == row_id)).one()
        if old_grid == to_grid:
            continue
        seq = seqs.next()
        meta = merge.stamp_raw(json.loads(raw), {"grid_id": to_grid}, seq, author)
        conn.execute(t.update().where(t.c.id == row_id).values(
            grid_id=to_grid, server_seq=seq, field_meta=json.dumps(meta, sort_keys=True)))
        conn.execute(db.moved_row.insert().values(tbl=table, row_id=row_id, from_grid=old_grid,
                                                  to_grid=to_grid, server_seq=seq))
        for kept in (db.conflict, db.rule_breach):  # the row's open questions go with it
            conn.execute(kept.update().where(kept.c.tbl == table, kept.c.row_id == row_id)
                         .values(grid_id=to_grid))
        counts[table] = counts.get(table, 0) + 1
    seqs.save()
    return counts
