"""What the sync screen asks a person to look at, said so they can act on it: which record (masked
name, address, room) a conflict, a refused change or a rule breach is about, the records to correct
with the rules each breaks, and who may resolve a conflict.

Read-only except through :mod:`gridpad.app.syncing`; names are masked here, before any widget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from gridpad.core.masking import mask_name
from gridpad.store import remote
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from sync.protocol import Conflict
from sync.rules.records import validate_record
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


def _home(store: Store, person_id: str) -> tuple[str, str]:
    """Where the person lives now (else lived last): address, room."""
    found = _one(store, "SELECT b.address, u.room_no FROM tenancy t "
                        "LEFT JOIN building b ON b.id = t.building_id LEFT JOIN unit u ON u.id = t.unit_id "
                        "WHERE t.person_id = ? AND t._deleted = 0 "
                        "ORDER BY t.move_out_at IS NOT NULL, t.move_in_at DESC LIMIT 1", [person_id])
    return (str(found["address"] or ""), str(found["room_no"] or "")) if found else ("", "")


def record_label(store: Store, table: str, row_id: str) -> RecordLabel:
    """Which record ``table``/``row_id`` is, masked; an empty label for a row this tablet lacks."""
    if table not in TABLES:
        return RecordLabel()
    row = _one(store, f'SELECT * FROM "{table}" WHERE id = ?', [row_id])
    if row is None:
        return RecordLabel()
    if table == "person":
        return RecordLabel(mask_name(row.get("name")), *_home(store, row_id))
    if table == "building":
        return RecordLabel(str(row.get("name") or ""), str(row.get("address") or ""))
    if table == "unit":
        b = _one(store, "SELECT address FROM building WHERE id = ?", [row.get("building_id")])
        return RecordLabel("", str(b["address"] or "") if b else "", str(row.get("room_no") or ""))
    if table == "tenancy":
        p = _one(store, "SELECT name FROM person WHERE id = ?", [row.get("person_id")])
        b = _one(store, "SELECT address FROM building WHERE id = ?", [row.get("building_id")])
        u = _one(store, "SELECT room_no FROM unit WHERE id = ?", [row.get("unit_id")])
        return RecordLabel(mask_name(p["name"]) if p else "", str(b["address"] or "") if b else "",
                           str(u["room_no"] or "") if u else "")
    if table == "organisation":
        return RecordLabel(str(row.get("name") or ""))
    return RecordLabel()


def labels_for(store: Store, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], RecordLabel]:
    return {k: record_label(store, *k) for k in set(keys)}


@dataclass(frozen=True)
class OpenTarget:
    """Where to fix a record: the registry screen's ``open`` arguments."""

    person_id: str | None = None
    building_id: str | None = None


def _target(store: Store, table: str, row_id: str) -> OpenTarget | None:
    if table == "person":
        return OpenTarget(person_id=row_id)
    if table == "building":
        return OpenTarget(building_id=row_id)
    if table in ("tenancy", "unit", "organisation"):
        column = "person_id" if table == "tenancy" else "building_id"
        row = _one(store, f'SELECT {column} FROM "{table}" WHERE id = ?', [row_id])
        if row is None or not row[column]:
            return None
        owner = str(row[column])
        return OpenTarget(person_id=owner) if column == "person_id" else OpenTarget(building_id=owner)
    return None


@dataclass(frozen=True)
class RecordToCorrect:
    """A row the server holds that breaks shared rules: which, the ``(field, rule)`` pairs still
    broken on this tablet, and where to fix it."""

    table: str
    row_id: str
    label: RecordLabel
    problems: list[tuple[str, str]] = field(default_factory=list)
    target: OpenTarget | None = None


def _still_broken(store: Store, table: str, row_id: str,
                  listed: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The listed breaches the tablet's copy still has (a fix made here leaves the list at once,
    before the server judges it again at the next sync)."""
    row = _one(store, f'SELECT * FROM "{table}" WHERE id = ? AND _deleted = 0', [row_id])
    if row is None:
        return []
    names = set(TABLES[table].column_names)
    now = {(e.field, e.rule) for e in validate_record(table, {k: v for k, v in row.items() if k in names})}
    return [p for p in listed if p in now]


def records_to_correct(store: Store) -> list[RecordToCorrect]:
    """Rows the server listed as breaking the shared rules, that still do here (oldest listing order)."""
    by_row: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for table, row_id, fld, rule in remote.rule_breaches(store):
        if table in TABLES:
            by_row.setdefault((table, row_id), []).append((fld, rule))
    out = []
    for (table, row_id), listed in by_row.items():
        problems = _still_broken(store, table, row_id, listed)
        if problems:
            out.append(RecordToCorrect(table, row_id, record_label(store, table, row_id), problems,
                                       _target(store, table, row_id)))
    return out


def breaches_of(store: Store, table: str, row_id: str) -> list[tuple[str, str]]:
    """``(field, rule)`` to correct on the page of one person (their tenancies too) or building
    (its rooms too)."""
    related = {"person": ("tenancy", "person_id"), "building": ("unit", "building_id")}.get(table)
    out: list[tuple[str, str]] = []
    for item in records_to_correct(store):
        if (item.table, item.row_id) == (table, row_id):
            out += item.problems
        elif related and item.table == related[0]:
            owner = _one(store, f'SELECT {related[1]} FROM "{item.table}" WHERE id = ?',
                         [item.row_id])
            if owner is not None and owner[related[1]] == row_id:
                out += item.problems
    return out


# -- who may resolve a conflict ----------------------------------------------------------------

@dataclass(frozen=True)
class Resolver:
    """The person holding the tablet, as enrolled."""

    user: str | None
    role: str | None


#: Decides whether ``Resolver`` may resolve ``Conflict``. Role rules (the review issue) plug in here.
ResolvePolicy = Callable[[Resolver, Conflict], bool]


def everyone(_resolver: Resolver, _conflict: Conflict) -> bool:
    """Today's rule: whoever holds the conflict's grid may resolve it."""
    return True


def resolver_of(store: Store) -> Resolver:
    meta = DeviceMeta(store)
    return Resolver(meta.user_name, meta.user_role)


class NotAllowedError(PermissionError):
    """This user's role may not resolve this conflict."""

    def __init__(self, conflict_id: int) -> None:
        super().__init__(f"conflict {conflict_id}: your role may not resolve it; ask your supervisor")
