"""People registered twice: two tablets that register the same ID number offline each make a
person, and both reach the server. Listed for review (``gridpad-server admin check``) until the
review issue builds the merge; never refused at push, since neither tablet could have known.
Findings name the rows, never the number (ID numbers are personal)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.server import db

RULE = "person.duplicate_id_number"


def duplicate_id_numbers(engine: Engine) -> list[tuple[str, list[str]]]:
    """Per grid, each group of live persons sharing one ID number: ``(grid_id, person ids)``,
    ordered by grid then first id."""
    p = db.synced["person"]
    shared = (sa.select(p.c.grid_id, p.c.id_number)
              .where(p.c.deleted == 0, p.c.id_number.is_not(None), p.c.id_number != "")
              .group_by(p.c.grid_id, p.c.id_number).having(sa.func.count() > 1).subquery())
    q = (sa.select(p.c.grid_id, p.c.id_number, p.c.id)
         .join(shared, sa.and_(p.c.grid_id == shared.c.grid_id, p.c.id_number == shared.c.id_number))
         .where(p.c.deleted == 0).order_by(p.c.grid_id, p.c.id_number, p.c.id))
    groups: dict[tuple[str, str], list[str]] = {}
    with db.read_tx(engine) as conn:
        for grid, number, row_id in conn.execute(q).all():
            groups.setdefault((str(grid), str(number)), []).append(str(row_id))
    return sorted(((grid, ids) for (grid, _number), ids in groups.items()), key=lambda g: (g[0], g[1][0]))
