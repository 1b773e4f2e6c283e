"""Reads that say which record a sync finding is about: a row as a person recognises it (masked
name, address, room), the page that fixes it, the rows a person's or building's page covers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gridpad.core.masking import mask_name
from gridpad.store.db import Store
from sync.schema import TABLES


@dataclass(frozen=True)
class RecordLabel:
    """A record as a person recognises it: ``陈*雯``, ``兴业路18号``, ``301`` (empty when unknown)."""

    name: str = ""
    address: str = ""
    room: str = ""

    def parts(self) -> list[str]:
        return [p for p in (self.name, self.address, self.room) if p]


def _one(store: Store, sql: str, params: list[Any]) -> dict[str, Any] | None:
    cur = store.db.execute(sql, params)
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def live_row(store: Store, table: str, row_id: str) -> dict[str, Any] | None:
    """The row's schema columns (no bookkeeping), None when absent or deleted."""
    if table not in TABLES:
        return None
    row = _one(store, f'SELECT * FROM "{table}" WHERE id = ? AND _deleted = 0', [row_id])
    if row is None:
        return None
    names = set(TABLES[table].column_names)
    return {k: v for k, v in row.items() if k in names}


def _home(store: Store, person_id: str) -> tuple[str, str]:
    """Where the person lives now (else lived last): address, room."""
    found = _one(store, "SELECT b.address, u.room_no FROM tenancy t "
                        "LEFT JOIN building b ON b.id = t.building_id LEFT JOIN unit u ON u.id = t.unit_id "
                        "WHERE t.person_id = ? AND t._deleted = 0 "
                        "ORDER BY t.move_out_at IS NOT NULL, t.move_in_at DESC LIMIT 1", [person_id])
    return (str(found["address"] or ""), str(found["room_no"] or "")) if found else ("", "")


def _text(row: dict[str, Any] | None, column: str) -> str:
    return str(row[column] or "") if row else ""


def record_label(store: Store, table: str, row_id: str) -> RecordLabel:
    """Which record ``table``/``row_id`` is, the name masked; empty for a row this tablet lacks."""
    if table not in TABLES:
        return RecordLabel()
    row = _one(store, f'SELECT * FROM "{table}" WHERE id = ?', [row_id])
    if row is None:
        return RecordLabel()
    if table == "person":
        return RecordLabel(mask_name(row.get("name")), *_home(store, row_id))
    if table == "building":
        return RecordLabel(_text(row, "name"), _text(row, "address"))
    if table == "unit":
        b = _one(store, "SELECT address FROM building WHERE id = ?", [row.get("building_id")])
        return RecordLabel("", _text(b, "address"), _text(row, "room_no"))
    if table == "tenancy":
        p = _one(store, "SELECT name FROM person WHERE id = ?", [row.get("person_id")])
        b = _one(store, "SELECT address FROM building WHERE id = ?", [row.get("building_id")])
        u = _one(store, "SELECT room_no FROM unit WHERE id = ?", [row.get("unit_id")])
        return RecordLabel(mask_name(p["name"]) if p else "", _text(b, "address"), _text(u, "room_no"))
    if table == "organisation":
        return RecordLabel(_text(row, "name"))
    if table == "inspection":  # the checklist and the building it was run at
        b = _one(store, "SELECT address FROM building WHERE id = ?", [row.get("building_id")])
        return RecordLabel(_text(row, "template_code"), _text(b, "address"))
    return RecordLabel()


#: The column that ties a row to the person or building whose page shows it.
OWNER_COLUMN = {"tenancy": "person_id", "unit": "building_id", "organisation": "building_id",
                "inspection": "building_id"}


def owner_of(store: Store, table: str, row_id: str) -> str | None:
    """The person (tenancy) or building (unit, organisation, inspection) a row belongs to."""
    column = OWNER_COLUMN.get(table)
    if column is None:
        return None
    row = _one(store, f'SELECT {column} FROM "{table}" WHERE id = ?', [row_id])
    return str(row[column]) if row and row[column] else None
