"""Residents: registering a tenant, moving out, where an ID number is registered, revealing personal data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from gridpad.store import repo
from gridpad.store.db import Store
from gridpad.store.errors import NotFoundError, ValidationFailed
from sync.rules.errors import FieldError
from sync.schema import table as schema_table


def register_tenant(store: Store, person: Mapping[str, Any], tenancy: Mapping[str, Any]) -> tuple[str, str]:
    """Record a person (new, or an existing one when ``person["id"]`` names a row) living in a unit.

    One transaction: either both rows are written or neither. ``tenancy.building_id`` and
    ``grid_id`` default from the unit / person. Returns ``(person_id, tenancy_id)``.
    """
    with store.transaction():
        person_fields = {k: v for k, v in person.items() if k != "id"}
        existing_id = person.get("id")
        if existing_id and repo.get(store, "person", str(existing_id)) is not None:
            person_id = str(existing_id)
            if person_fields:
                repo.update(store, "person", person_id, person_fields)
            grid_id = (repo.get(store, "person", person_id) or {}).get("grid_id")
        else:
            person_id = repo.insert(store, "person", person_fields, id=existing_id or None)
            grid_id = person_fields.get("grid_id")
        fields = dict(tenancy)
        fields["person_id"] = person_id
        unit_id = fields.get("unit_id")
        if unit_id and not fields.get("building_id"):
            unit = repo.get(store, "unit", str(unit_id))
            if unit is None:
                raise ValidationFailed([FieldError("unit_id", "exists", "unit_id: no such unit")])
            fields["building_id"] = unit["building_id"]
        fields.setdefault("grid_id", grid_id)
        fields.setdefault("move_in_at", dt.date.today().isoformat())
        tenancy_id = repo.insert(store, "tenancy", fields)
    return person_id, tenancy_id


def move_out(store: Store, tenancy_id: str, date: dt.date | str, reason: str | None) -> None:
    """End a tenancy. The person and the tenancy stay (history), only dated."""
    when = date.isoformat() if isinstance(date, dt.date) else date
    fields: dict[str, Any] = {"move_out_at": when}
    if reason is not None:
        fields["move_out_reason"] = reason
    repo.update(store, "tenancy", tenancy_id, fields)


def find_by_id_number(store: Store, id_number: str, grid_id: str | None = None) -> list[dict[str, Any]]:
    """Everywhere this ID number is registered: one entry per (person, tenancy), active ones first.

    Keys: ``person_id, name, grid_id, tenancy_id, building_id, address, unit_id, room_no,
    move_in_at, move_out_at, active``. A person with no tenancy gives one entry with ``None``s.
    """
    number = id_number.strip().upper()
    params: list[Any] = [number]
    grid_clause = ""
    if grid_id is not None:
        grid_clause = " AND p.grid_id = ?"
        params.append(grid_id)
    cur = store._conn.execute(
        f"""SELECT p.id AS person_id, p.name, p.grid_id, t.id AS tenancy_id, t.building_id,
                   coalesce(b.name || ' ', '') || b.address AS address, t.unit_id, u.room_no,
                   t.move_in_at, t.move_out_at,
                   (t.id IS NOT NULL AND t.move_out_at IS NULL) AS active
            FROM person p
            LEFT JOIN tenancy t ON t.person_id = p.id AND t._deleted = 0
            LEFT JOIN building b ON b.id = t.building_id
            LEFT JOIN unit u ON u.id = t.unit_id
            WHERE p.id_number = ? AND p._deleted = 0{grid_clause}
            ORDER BY active DESC, t.move_in_at DESC, p.id""",
        params,
    )
    names = [d[0] for d in cur.description]
    out = []
    for row in cur:
        rec = dict(zip(names, row, strict=True))
        rec["active"] = bool(rec["active"])
        out.append(rec)
    return out


def reveal(store: Store, table: str, row_id: str, field: str, actor: str) -> str:
    """The clear value of a masked field, logging who looked (never the value) in ``audit``."""
    column = schema_table(table).column(field)
    with store.transaction():
        row = store._conn.execute(f"SELECT {column.name} FROM {table} WHERE id = ?", (row_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no {table} row with id {row_id}")
        store._conn.execute(
            "INSERT INTO audit(actor, action, tbl, row_id, field) VALUES (?, 'reveal', ?, ?, ?)",
            (actor, table, row_id, field),
        )
    return "" if row[0] is None else str(row[0])
