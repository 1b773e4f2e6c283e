"""Signed door-plate payloads for buildings (the signing key lives in the data dir)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sync import doorplate
from sync.protocol import Plate, PlatesResponse
from sync.server import db, keys
from sync.server.refusal import Refused


def for_buildings(conn: Connection, data_dir: Path, building_ids: Sequence[str],
                  grids: set[str]) -> PlatesResponse:
    b = db.synced["building"]
    ids = list(dict.fromkeys(building_ids))
    rows = {r["id"]: r for r in conn.execute(
        sa.select(b.c.id, b.c.grid_id, b.c.address, b.c.name, b.c.deleted).where(b.c.id.in_(ids))).mappings()}
    missing = [i for i in ids if i not in rows or rows[i]["grid_id"] not in grids or rows[i]["deleted"]]
    if missing:
        raise Refused(404, "not_found", f"no building {missing[0]} in this device's grids"
                      + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    key_id, key = keys.load_or_create_signing_key(data_dir)
    out = []
    for i in ids:
        try:
            payload = doorplate.make_payload(i, key, key_id)
        except ValueError as e:
            raise Refused(422, "bad_building_id", f"building {i}: {e}") from None
        out.append(Plate(building_id=i, payload=payload, address=rows[i]["address"], name=rows[i]["name"]))
    return PlatesResponse(plates=out)


def grid_sheet(engine: Engine, data_dir: Path, grid: str, out: Path) -> list[Path]:
    """Print every live building of ``grid`` as door-plate labels (``out``: .pdf or .png)."""
    from sync import labels  # reportlab and PIL: only this admin command needs them

    b = db.synced["building"]
    with db.read_tx(engine) as conn:
        rows = conn.execute(sa.select(b.c.id, b.c.address, b.c.name)
                            .where(b.c.grid_id == grid, b.c.deleted == 0).order_by(b.c.address, b.c.id)).all()
    if not rows:
        raise Refused(404, "not_found", f"grid {grid} has no buildings on the server")
    key_id, key = keys.load_or_create_signing_key(data_dir)
    sheet = [labels.Plate(doorplate.make_payload(r[0], key, key_id), r[1] or "", r[2] or "") for r in rows]
    return labels.render_sheet(sheet, out)
