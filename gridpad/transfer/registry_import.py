"""Importing a community office's registry spreadsheet (one row per resident).

Three passes:

1. read and validate every row (:mod:`gridpad.transfer.registry_rows`); a row with any failure
   is rejected whole, with every reason;
2. merge what the accepted rows say about each entity (the same building, landlord or person
   appears on many rows; the last non-empty value wins) so a re-import compares against one
   target per entity, not a sequence of values that would flip back and forth;
3. match each entity against the grid's rows (building by normalised address, unit by building
   and room, person by ID number, else by name and phone, tenancy by person and unit) and write
   only what differs, in transactions of ``batch_rows`` spreadsheet rows. A batch holds every
   entity its rows need, so a crash leaves whole rows; a re-run matches them and goes on.

Writes are ordinary repository writes, so the capture triggers put each in the outbox; a row that
already matches writes nothing and so makes no outbox entry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

from gridpad.store import repo, search
from gridpad.store.db import Store
from gridpad.transfer.cleaning import address_key, room_key
from gridpad.transfer.registry_rows import Record, RowParser
from gridpad.transfer.sheets import read_sheet
from gridpad.transfer.values import changed_fields
from sync.rules.values import check_id
from sync.schema import DELETED, TABLES

Key = tuple[Hashable, ...]


@dataclass
class Rejected:
    number: int
    cells: list[object]
    reasons: list[str]

    def lines(self) -> list[str]:
        return [f"row {self.number}: {reason}" for reason in self.reasons]


@dataclass
class ImportResult:
    headers: list[str]
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    #: "row N: ..." for accepted rows worth a look: a resident placed in no room.
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        def per_table(c: Counter[str]) -> str:
            return ", ".join(f"{t} {n}" for t, n in sorted(c.items())) or "none"
        unplaced = f", {len(self.warnings)} residents without a room" if self.warnings else ""
        return (f"imported {self.imported}, updated {self.updated}, unchanged {self.unchanged}, "
                f"rejected {len(self.rejected)} rows{unplaced} (new records: {per_table(self.created)}; "
                f"changed records: {per_table(self.changed)})")


def person_key(p: Record, building: Key = ()) -> Key:
    """Who a person is: the ID number; else name and phone; else name within one building
    (two 王伯 with neither number are two people if they live in different buildings)."""
    if p.get("id_number"):
        return ("id", p["id_number"])
    if p.get("phone"):
        return ("np", p.get("name"), p["phone"])
    return ("nb", p.get("name"), building)


@dataclass
class _Entity:
    table: str
    fields: Record
    first_row: int


class _Plan:
    """What the accepted rows say about each entity, merged."""

    def __init__(self) -> None:
        self.entities: dict[tuple[str, Key], _Entity] = {}

    def add(self, table: str, key: Key, fields: Record, row: int) -> tuple[str, Key]:
        ref = (table, key)
        ent = self.entities.get(ref)
        if ent is None:
            self.entities[ref] = _Entity(table, dict(fields), row)
        else:
            ent.fields.update(fields)
        return ref

    def conflict(self, p: Record) -> str | None:
        """A second row with the same ID number but another name is a mistake, not an update."""
        ent = self.entities.get(("person", person_key(p)))
        if ent and p.get("id_number") and p.get("name") and ent.fields.get("name") != p["name"]:
            return (f"id_number: the same ID number is on row {ent.first_row} with another name; "
                    f"one of them is mistyped")
        return None


@dataclass
class _RowRefs:
    person: tuple[str, Key]
    building: tuple[str, Key]
    landlord: tuple[str, Key] | None
    unit: tuple[str, Key] | None
    tenancy: tuple[str, Key]
    number: int = 0
    #: What the warning names when the row's resident ends up in no room (the room column's header).
    room_header: str = ""


def plan_rows(parser: RowParser, sheet_rows: list[tuple[int, list[object]]],
              result: ImportResult) -> tuple[_Plan, list[_RowRefs]]:
    plan = _Plan()
    accepted: list[_RowRefs] = []
    for number, cells in sheet_rows:
        row = parser.parse(number, cells)
        for p, key in ((row.person, "id_number"), (row.landlord, "landlord_id_number")):
            clash = plan.conflict(p) if p else None
            if clash:
                row.errors.append(f"{parser.header(key)} {clash}")
        if row.errors:
            result.rejected.append(Rejected(number, cells, row.errors))
            continue
        bkey = (address_key(row.building["address"]),)
        landlord = None
        if row.landlord:
            landlord = plan.add("person", person_key(row.landlord, bkey), row.landlord, number)
        building = plan.add("building", bkey, row.building, number)
        if landlord:
            plan.entities[building].fields["landlord_id"] = landlord
        unit = None
        if row.unit:
            unit = plan.add("unit", (*bkey, room_key(row.unit["room_no"])), row.unit, number)
        person = plan.add("person", person_key(row.person, bkey), row.person, number)
        tkey = (person[1], bkey, unit[1] if unit else None)
        tenancy = plan.add("tenancy", tkey, row.tenancy, number)
        accepted.append(_RowRefs(person, building, landlord, unit, tenancy, number, parser.header("room_no")))
    return plan, accepted


class _Matcher:
    """The grid's current rows, indexed by the keys the plan uses."""

    def __init__(self, store: Store, grid_id: str) -> None:
        self.buildings: dict[Key, Record] = {}
        for r in repo.rows(store, "building", grid_id=grid_id):
            self.buildings.setdefault((address_key(r["address"] or ""),), r)
        self.units: dict[tuple[str, str], Record] = {}
        for r in repo.rows(store, "unit", grid_id=grid_id):
            self.units.setdefault((r["building_id"], room_key(r["room_no"] or "")), r)
        self.persons: dict[Key, Record] = {}
        by_id: dict[str, Record] = {}
        for r in repo.rows(store, "person", grid_id=grid_id):
            by_id[r["id"]] = r
            if r["id_number"] or r["phone"]:
                self.persons.setdefault(person_key(r), r)
        self.tenancies: dict[tuple[str, str, str], list[Record]] = {}
        #: (person id, building id) -> their current tenancies there, in any room.
        self.current: dict[tuple[str, str], list[Record]] = {}
        # (building id, name) → person linked to it: landlord or resident (for people with no numbers)
        self.in_building: dict[tuple[str, str], Record] = {}
        for r in repo.rows(store, "tenancy", grid_id=grid_id):
            self.tenancies.setdefault((r["person_id"], r["building_id"], r["unit_id"] or ""), []).append(r)
            if r["move_out_at"] is None:
                self.current.setdefault((r["person_id"], r["building_id"]), []).append(r)
            resident = by_id.get(r["person_id"])
            if resident:
                self.in_building.setdefault((r["building_id"], resident["name"]), resident)
        for b in self.buildings.values():
            owner = by_id.get(b["landlord_id"] or "")
            if owner:
                self.in_building.setdefault((b["id"], owner["name"]), owner)

    def person(self, key: Key) -> Record | None:
        if key[0] != "nb":
            return self.persons.get(key)
        building = self.buildings.get(tuple(key[2]))  # type: ignore[arg-type]
        return self.in_building.get((building["id"], str(key[1]))) if building else None

    def tenancy(self, person_id: str, building_id: str, unit_id: str | None, want: Record) -> Record | None:
        rows = self.tenancies.get((person_id, building_id, unit_id or ""), [])
        same_move_in = [r for r in rows if want.get("move_in_at") and r["move_in_at"] == want["move_in_at"]]
        current = [r for r in rows if r["move_out_at"] is None]
        for candidates in (same_move_in, current):
            if candidates:
                return candidates[0]
        if rows and not want.get("move_in_at"):
            return rows[0]
        if not unit_id:  # a sheet without the room: the person's home in the building, room chosen since
            return next(iter(self.current.get((person_id, building_id), [])), None)
        return None


class _Writer:
    """Resolves each entity to an id, inserting or updating as needed; inserts wait for the batch end."""

    def __init__(self, store: Store, plan: _Plan, matcher: _Matcher, result: ImportResult) -> None:
        self.store, self.plan, self.matcher, self.result = store, plan, matcher, result
        self.ids: dict[tuple[str, Key], str] = {}
        self.pending: dict[str, list[Record]] = {}

    def resolve(self, ref: tuple[str, Key], find: Callable[[Record], Record | None]) -> tuple[str, str]:
        """(id, what happened: ``new``/``changed``/``same``/``done``) for one entity."""
        if ref in self.ids:
            return self.ids[ref], "done"
        ent = self.plan.entities[ref]
        target = dict(ent.fields)
        landlord = target.get("landlord_id")
        if isinstance(landlord, tuple):  # the building's landlord may first appear on a later row
            target["landlord_id"] = self.resolve(landlord, self._find_person(landlord))[0]
        existing = find(target)
        if existing is None:
            row_id = repo.new_id()
            self.pending.setdefault(ent.table, []).append({"id": row_id, **target})
            self.result.created[ent.table] += 1
            outcome = "new"
        else:
            row_id = existing["id"]
            diff = changed_fields(TABLES[ent.table], existing, target)
            if diff:
                repo.update(self.store, ent.table, row_id, diff, validate=False)
                self.result.changed[ent.table] += 1
            outcome = "changed" if diff else "same"
        self.ids[ref] = row_id
        return row_id, outcome

    def _find_person(self, ref: tuple[str, Key]) -> Callable[[Record], Record | None]:
        return lambda _target: self.matcher.person(ref[1])

    def flush(self) -> None:
        for table in ("person", "building", "unit", "tenancy"):
            if self.pending.get(table):
                repo.insert_many(self.store, table, self.pending[table], validate=False)
        self.pending.clear()

    def write_row(self, refs: _RowRefs) -> str:
        m = self.matcher
        outcomes: list[str] = []
        if refs.landlord:
            outcomes.append(self.resolve(refs.landlord, self._find_person(refs.landlord))[1])
        building_id, o = self.resolve(refs.building, lambda t: m.buildings.get(refs.building[1]))
        outcomes.append(o)
        unit_id = None
        if refs.unit:
            room = refs.unit[1][-1]
            self.plan.entities[refs.unit].fields["building_id"] = building_id
            unit_id, o = self.resolve(refs.unit, lambda t: m.units.get((building_id, str(room))))
            outcomes.append(o)
        person_id, o = self.resolve(refs.person, self._find_person(refs.person))
        outcomes.append(o)
        ent = self.plan.entities[refs.tenancy]
        ent.fields.update({"person_id": person_id, "building_id": building_id})
        if unit_id:
            ent.fields["unit_id"] = unit_id
        matched: list[Record] = []

        def find_tenancy(t: Record) -> Record | None:
            found = m.tenancy(person_id, building_id, unit_id, t)
            matched.extend([found] if found else [])
            return found

        _, o = self.resolve(refs.tenancy, find_tenancy)
        outcomes.append(o)
        placed = unit_id or any(r.get("unit_id") for r in matched)
        if o != "done" and not placed and not ent.fields.get("move_out_at"):
            # Kept (sheets without room numbers are real), but said: nothing is silently unplaced.
            self.result.warnings.append(
                f"row {refs.number}: {refs.room_header} room_no: empty, so the resident is counted in the "
                "building but in none of its rooms; choose their room on the building card")
        if "new" in outcomes:
            return "imported"
        return "updated" if "changed" in outcomes else "unchanged"


def import_registry(store: Store, path: Path, grid_id: str, *, batch_rows: int = 1000,
                    on_batch: Callable[[int], None] | None = None) -> ImportResult:
    """Import ``path`` into grid ``grid_id`` (which must exist); see the module doc."""
    sheet = read_sheet(path)
    result = ImportResult(headers=sheet.headers)
    plan, accepted = plan_rows(RowParser(sheet, grid_id), sheet.rows, result)
    writer = _Writer(store, plan, _Matcher(store, grid_id), result)
    done = 0
    for start in range(0, len(accepted), batch_rows):
        with store.transaction():
            for refs in accepted[start:start + batch_rows]:
                outcome = writer.write_row(refs)
                setattr(result, outcome, getattr(result, outcome) + 1)
            writer.flush()
        done += len(accepted[start:start + batch_rows])
        if on_batch:
            on_batch(done)
    # Index now, not on the first keystroke in the app.
    search.refresh_index(store)
    return result


def ensure_grid(store: Store, code: str | None) -> str:
    """The grid to import into: ``code`` (created as reference data if new), else the only one held.

    An enrolled device only imports into a grid it holds: rows of any other grid could never sync."""
    from gridpad.store.capture import applying_remote
    from gridpad.store.device_meta import DeviceMeta

    held = DeviceMeta(store).grids
    if code is not None and held and code not in held:
        raise LookupError(f"grid {code[:64]}: this device does not hold it (it holds {', '.join(held)}); "
                          "check the grid code")
    existing = [str(r["id"]) for r in repo.rows(store, "grid")]
    if code is None:
        if len(existing) == 1:
            return existing[0]
        if not existing:
            raise LookupError("this data dir has no grid yet: name the grid with --grid CODE")
        raise LookupError(f"this data dir holds {len(existing)} grids ({', '.join(existing)}): "
                          f"choose one with --grid CODE")
    bad = check_id(code, "--grid")
    if bad:
        raise LookupError(bad.message)
    if code not in existing:
        # Grids are the central system's reference data: made here without an outbox entry.
        with store.transaction(), applying_remote(store):
            if repo.get(store, "grid", code) is None:
                repo.insert(store, "grid", {"grid_id": code, "code": code, "name": code}, id=code)
            else:  # a tombstoned grid of that code
                repo.update(store, "grid", code, {DELETED: 0}, validate=False)
    return code
