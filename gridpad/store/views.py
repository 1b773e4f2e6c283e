"""Read-only queries the screens need (the UI never writes SQL).

Every function takes the store first so the UI can run it on its database worker thread:
``db.call(views.building_rows, ids, on_done=...)``. Personal data leaves here masked; revealing
a value goes through the audited ``gridpad.store.people.reveal``.
Lists are paged by id (the caller holds the id list and asks for rows of the ids on screen), so
no screen loads a whole table.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gridpad.core.masking import mask_birth_date, mask_id_number, mask_name, mask_phone

if TYPE_CHECKING:  # the UI imports this module at start-up; sqlite-utils loads on the DB thread
    from gridpad.store.db import Store

_LIVE = "_deleted = 0"
_CURRENT = "_deleted = 0 AND move_out_at IS NULL"
#: A tenancy ``t`` in no live room of its building (an import or a file without a room number):
#: counted in the building's residents but in none of its rooms.
_UNPLACED = ("NOT EXISTS (SELECT 1 FROM unit r WHERE r.id = t.unit_id AND r._deleted = 0"
             " AND r.building_id = t.building_id)")


def _rows(store: Store, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = store.db.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _marks(n: int) -> str:
    return ",".join("?" * n)


@dataclass(frozen=True)
class BuildingRow:
    id: str
    address: str  # without the "东莞市…镇…社区" part every building of the grid shares
    name: str | None
    building_type: str | None
    floors_above: int | None
    rental_rooms: int | None
    max_occupants: int | None
    residents: int
    next_due: str | None  # ISO date the next inspection is due, None if never scheduled
    risk_level: str | None
    status: str | None
    #: Of ``residents``, how many live in none of its rooms (no room recorded).
    unplaced: int = 0
    #: The grid's short name when this device holds several grids (two alike told apart), else ''.
    grid: str = ""


def next_due(last: str | None, cycle: int | None) -> str | None:
    if not last or not cycle:
        return None
    try:
        return (dt.date.fromisoformat(last[:10]) + dt.timedelta(days=int(cycle))).isoformat()
    except ValueError:
        return None


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts 兴业路2号 before 兴业路18号 (door numbers compare as numbers)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(text) if part)


def building_ids(store: Store) -> list[str]:
    """Every live building id, ordered by address with door numbers in numeric order."""
    rows = store._conn.execute(f"SELECT id, address FROM building WHERE {_LIVE}").fetchall()
    rows.sort(key=lambda r: (natural_key(r[1] or ""), r[0]))
    return [str(r[0]) for r in rows]


def _residents_by_building(store: Store, ids: Sequence[str]) -> dict[str, int]:
    if not ids:
        return {}
    sql = (f"SELECT building_id, count(*) FROM tenancy WHERE {_CURRENT} "
           f"AND building_id IN ({_marks(len(ids))}) GROUP BY building_id")
    return {r[0]: int(r[1]) for r in store.db.execute(sql, list(ids)).fetchall()}


def _unplaced_by_building(store: Store, ids: Sequence[str]) -> dict[str, int]:
    if not ids:
        return {}
    sql = (f"SELECT t.building_id, count(*) FROM tenancy t WHERE t._deleted = 0 AND t.move_out_at IS NULL"
           f" AND t.building_id IN ({_marks(len(ids))}) AND {_UNPLACED} GROUP BY t.building_id")
    return {r[0]: int(r[1]) for r in store.db.execute(sql, list(ids)).fetchall()}


def short_address(address: str, village: str | None) -> str:
    """The part of the address after the village/community name, which every building of a grid
    shares (the screen header shows it once); the whole address when that leaves nothing."""
    if village and village in address:
        rest = address.split(village, 1)[1].strip(" ·,，")
        if rest:
            return rest
    return address


def _villages(store: Store) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in store._conn.execute(
        f"SELECT id, village_name FROM grid WHERE {_LIVE} AND village_name IS NOT NULL").fetchall()}


def building_rows(store: Store, ids: Sequence[str]) -> dict[str, BuildingRow]:
    """Rows for one page of the building list."""
    if not ids:
        return {}
    from gridpad.store.search_context import grid_labels  # the search's grid names, read on the DB thread

    counts = _residents_by_building(store, ids)
    unplaced = _unplaced_by_building(store, ids)
    villages = _villages(store)
    grids = grid_labels(store)
    several = len(grids) > 1
    rows = _rows(store, f"SELECT * FROM building WHERE id IN ({_marks(len(ids))})", ids)
    return {r["id"]: BuildingRow(
        id=r["id"], address=short_address(r["address"], villages.get(r["grid_id"])), name=r.get("name"),
        building_type=r.get("building_type"),
        floors_above=r.get("floors_above"), rental_rooms=r.get("rental_rooms"),
        max_occupants=r.get("max_occupants"), residents=counts.get(r["id"], 0),
        next_due=next_due(r.get("last_inspected_at"), r.get("inspection_cycle_days")),
        risk_level=r.get("risk_level"), status=r.get("status"), unplaced=unplaced.get(r["id"], 0),
        grid=grids.get(r["grid_id"], r["grid_id"] or "") if several else "",
    ) for r in rows}


@dataclass(frozen=True)
class Contact:
    person_id: str
    name: str  # masked
    phone: str | None  # masked


@dataclass(frozen=True)
class UnitRow:
    id: str
    building_id: str
    room_no: str
    floor: int | None
    layout: str | None
    use_type: str | None
    max_occupants: int | None
    residents: int
    status: str | None

    @property
    def over_limit(self) -> bool:
        return self.max_occupants is not None and self.residents > self.max_occupants


@dataclass(frozen=True)
class ResidentRow:
    tenancy_id: str
    person_id: str
    name: str  # masked
    id_number: str | None  # masked
    gender: str | None
    unit_id: str | None
    room_no: str | None
    role: str | None
    move_in_at: str | None


@dataclass(frozen=True)
class BuildingDetail:
    row: dict[str, Any]  # the building's columns (no personal data lives on building rows)
    landlord: Contact | None
    manager: Contact | None
    units: list[UnitRow]
    resident_count: int
    #: Residents counted in ``resident_count`` who live in none of ``units`` (no room recorded).
    unplaced: list[ResidentRow] = field(default_factory=list)


def _contact(store: Store, person_id: str | None) -> Contact | None:
    if not person_id:
        return None
    found = _rows(store, "SELECT id, name, phone FROM person WHERE id = ?", [person_id])
    if not found:
        return None
    p = found[0]
    return Contact(p["id"], mask_name(p["name"] or ""), mask_phone(p["phone"]) if p["phone"] else None)


def units_of_building(store: Store, building_id: str) -> list[UnitRow]:
    sql = (f"SELECT u.*, (SELECT count(*) FROM tenancy t WHERE t.unit_id = u.id AND t.{_CURRENT}) AS n "
           f"FROM unit u WHERE u.building_id = ? AND u.{_LIVE} ORDER BY u.floor, u.room_no")
    return [UnitRow(r["id"], r["building_id"], r["room_no"], r.get("floor"), r.get("layout"),
                    r.get("use_type"), r.get("max_occupants"), int(r["n"]), r.get("status"))
            for r in _rows(store, sql, [building_id])]


def building_detail(store: Store, building_id: str) -> BuildingDetail | None:
    found = _rows(store, f"SELECT * FROM building WHERE id = ? AND {_LIVE}", [building_id])
    if not found:
        return None
    row = found[0]
    units = units_of_building(store, building_id)
    count = _residents_by_building(store, [building_id]).get(building_id, 0)
    return BuildingDetail(row, _contact(store, row.get("landlord_id")),
                          _contact(store, row.get("manager_id")),
                          units, count, residents_without_room(store, building_id))


def _resident_rows(store: Store, where: str, params: Sequence[Any]) -> list[ResidentRow]:
    sql = ("SELECT t.id AS tid, t.person_id, t.unit_id, t.role, t.move_in_at, p.name, p.id_number, p.gender,"
           " u.room_no FROM tenancy t JOIN person p ON p.id = t.person_id"
           " LEFT JOIN unit u ON u.id = t.unit_id"
           f" WHERE t._deleted = 0 AND t.move_out_at IS NULL AND {where} ORDER BY u.room_no, p.name")
    return [ResidentRow(r["tid"], r["person_id"], mask_name(r["name"] or ""),
                        mask_id_number(r["id_number"]) if r["id_number"] else None, r["gender"],
                        r["unit_id"], r["room_no"], r["role"], r["move_in_at"])
            for r in _rows(store, sql, params)]


def residents_of_building(store: Store, building_id: str) -> list[ResidentRow]:
    return _resident_rows(store, "t.building_id = ?", [building_id])


def residents_without_room(store: Store, building_id: str) -> list[ResidentRow]:
    """The building's current residents in none of its live rooms (an import without room numbers)."""
    return _resident_rows(store, f"t.building_id = ? AND {_UNPLACED}", [building_id])


def unplaced_tenancy(store: Store, person_id: str) -> TenancyRow | None:
    """The person's current tenancy that has no room of its building, if any (a room to choose)."""
    sql = ("SELECT t.*, b.address FROM tenancy t LEFT JOIN building b ON b.id = t.building_id"
           f" WHERE t.person_id = ? AND t._deleted = 0 AND t.move_out_at IS NULL AND {_UNPLACED}"
           " ORDER BY t.move_in_at DESC LIMIT 1")
    found = _rows(store, sql, [person_id])
    if not found:
        return None
    t = found[0]
    return TenancyRow(t["id"], t["building_id"], t["address"] or "", None, None, t["role"],
                      t["move_in_at"], t["move_out_at"], t["move_out_reason"])


def residents_of_unit(store: Store, unit_id: str) -> list[ResidentRow]:
    return _resident_rows(store, "t.unit_id = ?", [unit_id])


@dataclass(frozen=True)
class UnitDetail:
    row: dict[str, Any]
    address: str
    residents: list[ResidentRow]


def unit_detail(store: Store, unit_id: str) -> UnitDetail | None:
    found = _rows(store, f"SELECT * FROM unit WHERE id = ? AND {_LIVE}", [unit_id])
    if not found:
        return None
    row = found[0]
    b = _rows(store, "SELECT address FROM building WHERE id = ?", [row["building_id"]])
    return UnitDetail(row, b[0]["address"] if b else "", residents_of_unit(store, unit_id))


@dataclass(frozen=True)
class TenancyRow:
    id: str
    building_id: str
    address: str
    unit_id: str | None
    room_no: str | None
    role: str | None
    move_in_at: str | None
    move_out_at: str | None
    move_out_reason: str | None


@dataclass(frozen=True)
class PersonDetail:
    id: str
    name: str  # masked
    id_type: str | None
    id_number: str | None  # masked
    gender: str | None
    birth_date: str | None  # masked to the year (the masked ID number's hidden digits are the date)
    ethnicity: str | None
    phone: str | None  # masked
    employer: str | None
    hukou_address: str | None
    tenancies: list[TenancyRow]


def person_detail(store: Store, person_id: str) -> PersonDetail | None:
    found = _rows(store, f"SELECT * FROM person WHERE id = ? AND {_LIVE}", [person_id])
    if not found:
        return None
    p = found[0]
    sql = ("SELECT t.*, b.address, u.room_no FROM tenancy t LEFT JOIN building b ON b.id = t.building_id"
           " LEFT JOIN unit u ON u.id = t.unit_id WHERE t.person_id = ? AND t._deleted = 0"
           " ORDER BY t.move_out_at IS NOT NULL, t.move_in_at DESC")
    tenancies = [TenancyRow(t["id"], t["building_id"], t["address"] or "", t["unit_id"], t["room_no"],
                            t["role"],
                            t["move_in_at"], t["move_out_at"], t["move_out_reason"])
                 for t in _rows(store, sql, [person_id])]
    return PersonDetail(p["id"], mask_name(p["name"] or ""), p.get("id_type"),
                        mask_id_number(p["id_number"]) if p.get("id_number") else None,
                        p.get("gender"), mask_birth_date(p.get("birth_date")) or None, p.get("ethnicity"),
                        mask_phone(p["phone"]) if p.get("phone") else None,
                        p.get("employer"), p.get("hukou_address"), tenancies)


def person_for_edit(store: Store, person_id: str) -> dict[str, Any] | None:
    """The person's columns in clear, for the edit form only (the form masks nothing it shows the
    user typing); callers must not log it."""
    found = _rows(store, f"SELECT * FROM person WHERE id = ? AND {_LIVE}", [person_id])
    return found[0] if found else None


def row_for_edit(store: Store, table: str, row_id: str) -> dict[str, Any] | None:
    """A building or unit row for its edit form (neither holds personal data)."""
    if table not in ("building", "unit"):
        raise ValueError(f"row_for_edit: {table!r} is not a building or unit")
    found = _rows(store, f"SELECT * FROM {table} WHERE id = ? AND {_LIVE}", [row_id])
    return found[0] if found else None


@dataclass(frozen=True)
class DueBuilding:
    id: str
    address: str
    due: str
    days_left: int  # negative when overdue


@dataclass(frozen=True)
class TodaySummary:
    buildings: int
    units: int
    residents: int
    over_limit_units: int
    due: list[DueBuilding]
    never_inspected: int
    #: Of ``residents``, how many live in no room (no room recorded).
    unplaced: int = 0


def today_summary(store: Store, today: dt.date, horizon_days: int = 7, limit: int = 50) -> TodaySummary:
    """Counts and the buildings whose inspection is due within ``horizon_days`` or overdue."""
    def one(sql: str) -> int:
        return int(store._conn.execute(sql).fetchone()[0])

    due_sql = (f"SELECT id, grid_id, address,"
               f" date(last_inspected_at, '+' || inspection_cycle_days || ' days') AS due"
               f" FROM building WHERE {_LIVE} AND last_inspected_at IS NOT NULL"
               f" AND inspection_cycle_days > 0 AND due <= ? ORDER BY due, address LIMIT ?")
    horizon = (today + dt.timedelta(days=horizon_days)).isoformat()
    villages = _villages(store)
    due = [DueBuilding(r["id"], short_address(r["address"], villages.get(r["grid_id"])), r["due"],
                       (dt.date.fromisoformat(r["due"]) - today).days)
           for r in _rows(store, due_sql, [horizon, limit])]
    # One pass over current tenancies gives both the resident count and the rooms over their limit.
    occupancy_sql = (f"SELECT coalesce(sum(x.n), 0),"
                     f" coalesce(sum(u.max_occupants > 0 AND x.n > u.max_occupants), 0)"
                     f" FROM (SELECT unit_id, count(*) AS n FROM tenancy WHERE {_CURRENT} GROUP BY unit_id) x"
                     f" LEFT JOIN unit u ON u.id = x.unit_id AND u.{_LIVE}")
    residents, over_limit = store._conn.execute(occupancy_sql).fetchone()
    return TodaySummary(
        buildings=one(f"SELECT count(*) FROM building WHERE {_LIVE}"),
        units=one(f"SELECT count(*) FROM unit WHERE {_LIVE}"),
        residents=int(residents),
        over_limit_units=int(over_limit),
        due=due,
        never_inspected=one(f"SELECT count(*) FROM building WHERE {_LIVE} AND last_inspected_at IS NULL"),
        unplaced=one(f"SELECT count(*) FROM tenancy t WHERE t.{_CURRENT} AND {_UNPLACED}"),
    )


def grid_title(store: Store) -> str:
    """The grid's name for the header (first grid held here), '' when none."""
    found = _rows(store, f"SELECT name, village_name FROM grid WHERE {_LIVE} ORDER BY id LIMIT 1")
    if not found:
        return ""
    g = found[0]
    village, name = g.get("village_name"), g["name"]
    return name if not village or village in name else f"{village} · {name}"


def default_grid_id(store: Store) -> str | None:
    """The grid new buildings go into: the first grid held here (a device holds one grid at a time)."""
    row = store.db.execute(f"SELECT id FROM grid WHERE {_LIVE} ORDER BY id LIMIT 1").fetchone()
    if row is None:
        row = store.db.execute(f"SELECT grid_id FROM building WHERE {_LIVE} LIMIT 1").fetchone()
    return str(row[0]) if row else None
