"""What a search result needs around it to be told apart: its grid, where it is, and whether a
resident still lives there (read-only; the hits come from :mod:`gridpad.store.search`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the building list reads grid labels through views, imported at start-up
    from gridpad.store.db import Store

#: A building's short label: its name, else road + door number, else the full address.
_LABEL = "coalesce(b.name, nullif(coalesce(b.road, '') || coalesce(b.door_no, ''), ''), b.address)"


@dataclass(frozen=True)
class HitContext:
    grid_id: str | None
    #: Building label and room: where the record is; for a resident who moved out, where they lived.
    place: str
    #: A resident whose last tenancy has ended (none current).
    moved_out: bool = False


@dataclass(frozen=True)
class GridName:
    id: str
    name: str
    village: str | None


def grid_names(store: Store) -> list[GridName]:
    """The grids held on this device, in id order."""
    rows = store.db.execute(
        "SELECT id, name, village_name FROM grid WHERE _deleted = 0 ORDER BY id").fetchall()
    return [GridName(str(i), str(n or i), v) for i, n, v in rows]


def grid_labels(store: Store) -> dict[str, str]:
    """Grid id -> the name to show beside a search result or a building (the village left out
    when all grids here are in one village: 第一网格, 第二网格)."""
    grids = grid_names(store)
    villages = {g.village for g in grids}
    one_village = len(villages) == 1 and None not in villages
    labels = {}
    for g in grids:
        name = g.name
        if one_village and g.village and name.startswith(g.village) and len(name) > len(g.village):
            name = name[len(g.village):]
        labels[g.id] = name
    return labels


def hit_contexts(store: Store, hits: Iterable[tuple[str, str]]) -> dict[tuple[str, str], HitContext]:
    """(kind, id) -> its context, for the ``(kind, id)`` pairs of search hits."""
    q = store.db.execute
    out: dict[tuple[str, str], HitContext] = {}
    for kind, ref_id in hits:
        if kind == "person":
            row = q(f"""SELECT p.grid_id, b.grid_id, {_LABEL}, u.room_no, t.id,
                           t.move_out_at IS NOT NULL AND t.move_out_at <= date('now')
                       FROM person p
                       LEFT JOIN tenancy t ON t.id = (
                           SELECT t2.id FROM tenancy t2 WHERE t2.person_id = p.id AND t2._deleted = 0
                           ORDER BY t2.move_out_at IS NOT NULL, t2.move_in_at DESC LIMIT 1)
                       LEFT JOIN building b ON b.id = t.building_id
                       LEFT JOIN unit u ON u.id = t.unit_id
                       WHERE p.id = ?""", (ref_id,)).fetchone()
            if row is None:
                continue
            own_grid, building_grid, label, room, tenancy, ended = row
            place = " ".join(str(x) for x in (label, room) if x)
            out[(kind, ref_id)] = HitContext(building_grid or own_grid, place,
                                             bool(tenancy) and bool(ended))
        elif kind == "unit":
            row = q(f"SELECT b.grid_id, {_LABEL} FROM unit u LEFT JOIN building b ON b.id = u.building_id"
                    " WHERE u.id = ?", (ref_id,)).fetchone()
            if row is not None:
                out[(kind, ref_id)] = HitContext(row[0], str(row[1] or ""))
        else:
            row = q("SELECT grid_id, address FROM building b WHERE id = ?", (ref_id,)).fetchone()
            if row is not None:
                out[(kind, ref_id)] = HitContext(row[0], str(row[1] or ""))
    return out
