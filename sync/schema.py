"""The synced tables and their columns: one definition for the device and the server.

Every synced row carries ``id`` (a UUIDv7 made where the row was created) and ``grid_id``.
Storage adds bookkeeping columns of its own (``_server_seq``, ``_deleted`` on the device;
``server_seq`` and per-field metadata on the server); those are not listed here.

Validation of values lives in :mod:`sync.rules`; :func:`sync.rules.records.validate_record`
applies the rules named in ``Column.rule`` to a record of one of these tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

ColumnType = Literal["text", "int", "real", "bool", "date", "json"]

#: The tombstone flag travels like a field so deletes merge like any other edit.
DELETED = "_deleted"


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "text"
    #: Name of a rule in :mod:`sync.rules.records` (``None``: type check only).
    rule: str | None = None
    required: bool = False
    #: Personal data: masked on screen, never logged in clear.
    personal: bool = False
    #: Longest value (characters of text; characters of JSON text) both sides accept.
    max_length: int | None = None
    #: The table whose row ids this column holds (:data:`BY_OWNER_TABLE`: the table the row's
    #: ``owner_table`` names). A device may point only at rows of the grids it holds.
    references: str | None = None


#: ``Column.references`` of a photo's ``owner_id``: the table is the row's ``owner_table``.
BY_OWNER_TABLE = "*owner_table"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    #: Rows only the central system writes (devices receive them read-only).
    server_owned: bool = False

    # Cached: validation asks for these on every record (a 20k-row import asks ~10^5 times).
    @cached_property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @cached_property
    def _by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    @cached_property
    def reference_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.references is not None)

    def column(self, name: str) -> Column:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"{self.name} has no column {name!r}") from None


#: Default caps per column type; a column whose content is longer by nature says so itself.
#: Sizes are generous for the real data (the longest Dongguan address seen is ~60 characters)
#: and small enough that a page of rows stays a few MB.
TEXT_MAX = 200
NAME_MAX = 100
ADDRESS_MAX = 300
NOTE_MAX = 2000
JSON_MAX = 10_000
#: Ids and references to rows: the id rule of :mod:`sync.rules.values` (at most 64 characters).
ID_MAX = 64
_DEFAULT_MAX: dict[ColumnType, int | None] = {"text": TEXT_MAX, "json": JSON_MAX, "date": 10,
                                              "int": None, "real": None, "bool": None}


def _c(name: str, type: ColumnType = "text", rule: str | None = None, *,
       required: bool = False, personal: bool = False, max_length: int | None = None,
       references: str | None = None) -> Column:
    if rule is None and type == "text" and (name == "grid_id" or name.endswith("_id")):
        rule, max_length = "ref", ID_MAX  # a reference to a row: the same rule as a row id
    return Column(name, type, rule, required, personal, max_length or _DEFAULT_MAX[type], references)


_COMMON = (_c("grid_id", required=True), _c("is_demo", "bool"))

#: Grids are reference data from the central system; ``grid.id`` is the grid code
#: (e.g. ``44190011900103``) so ``--grid CODE`` and ``grid_id`` are the same string.
GRID = Table("grid", (
    *_COMMON,
    _c("code", required=True), _c("name", required=True, max_length=NAME_MAX),
    _c("village_code"), _c("village_name"), _c("town_code"), _c("town_name"),
), server_owned=True)

BUILDING = Table("building", (
    *_COMMON,
    _c("address", required=True, max_length=ADDRESS_MAX), _c("address_code"), _c("road"), _c("door_no"),
    _c("name"),  # e.g. 锦厦花园3栋, 宿舍楼B栋
    _c("building_type", rule="building_type"), _c("structure", rule="structure"),
    _c("floors_above", "int", "non_negative"), _c("floors_below", "int", "non_negative"),
    _c("built_year", "int", "year"), _c("land_type", rule="land_type"),
    _c("rental_rooms", "int", "non_negative"), _c("rental_beds", "int", "non_negative"),
    _c("max_occupants", "int", "non_negative"), _c("rent_use", rule="rent_use"),
    _c("landlord_id", references="person"), _c("manager_id", references="person"),
    _c("lessor_type", rule="lessor_type"),
    _c("lease_record_no"), _c("security_pledge_signed", "bool"), _c("security_pledge_date", "date"),
    _c("fire_facilities", "json"), _c("access_control", rule="access_control"),
    _c("cctv", rule="access_control"), _c("gas_supply", rule="gas_supply"),
    _c("risk_level", rule="risk_level"), _c("inspection_cycle_days", "int", "non_negative"),
    _c("last_inspected_at", "date"), _c("status", rule="building_status"),
    _c("regulated", "bool"), _c("exclusion_reason", max_length=NOTE_MAX),
    _c("lat", "real"), _c("lng", "real"),
))

UNIT = Table("unit", (
    *_COMMON,
    _c("building_id", required=True, references="building"), _c("room_no", required=True), _c("floor", "int"),
    _c("area_m2", "real", "positive"), _c("layout", rule="layout"), _c("use_type", rule="rent_use"),
    _c("max_occupants", "int", "non_negative"), _c("monthly_rent", "real", "non_negative"),
    _c("is_partitioned", "bool"), _c("status", rule="unit_status"),
))

PERSON = Table("person", (
    *_COMMON,
    _c("name", required=True, max_length=NAME_MAX), _c("gender", rule="gender"), _c("birth_date", "date"),
    _c("id_type", rule="id_type"), _c("id_number", rule="id_number", personal=True),
    _c("ethnicity", rule="ethnicity"), _c("nationality"), _c("hukou_address", max_length=ADDRESS_MAX),
    _c("person_type", rule="person_type"), _c("phone", rule="phone", personal=True),
    _c("employer"), _c("employer_org_id", references="organisation"), _c("occupation"),
))

TENANCY = Table("tenancy", (
    *_COMMON,
    _c("person_id", required=True, references="person"), _c("unit_id", references="unit"),
    _c("building_id", required=True, references="building"),
    _c("role", rule="tenancy_role"), _c("relation_to_head", rule="relation"),
    _c("lease_signed_at", "date"), _c("move_in_at", "date"), _c("move_out_at", "date"),
    _c("move_out_reason", rule="move_out_reason"), _c("reported_at", "date"),
    _c("report_channel"),
    _c("note", max_length=NOTE_MAX),  # 备注: the free-text remark of a registry row (spreadsheet import)
))

ORGANISATION = Table("organisation", (
    *_COMMON,
    _c("name", required=True, max_length=NAME_MAX), _c("uscc", rule="uscc"), _c("org_type"),
    _c("building_id", references="building"), _c("contact_name"), _c("phone", rule="phone", personal=True),
))

PHOTO = Table("photo", (
    *_COMMON,
    _c("sha256", required=True), _c("owner_table"), _c("owner_id", references=BY_OWNER_TABLE),
    _c("mime"), _c("size_bytes", "int", "non_negative"), _c("taken_at"),
))

#: One visit to a building with a checklist template (issue 11). ``template_code``/``template_version``
#: pin the template it started on; ``answers`` (item -> answer), ``photos`` (item -> photo sha256s),
#: ``fixes`` (item -> after-photo sha256 of an on-the-spot fix) and ``facts`` (the building facts
#: the conditions were judged with) are JSON objects; ``failures`` is what the submit found
#: (:func:`sync.rules.inspection_records.failure_records`), for the hazard workflow to raise.
#: A submitted inspection must pass :func:`sync.rules.inspection_records.inspection_errors`.
INSPECTION = Table("inspection", (
    *_COMMON,
    _c("building_id", required=True, references="building"), _c("unit_id", references="unit"),
    _c("template_code", required=True), _c("template_version", "int", "positive", required=True),
    _c("outcome", rule="visit_outcome"), _c("status", rule="inspection_status", required=True),
    _c("answers", "json", max_length=4 * JSON_MAX), _c("photos", "json", max_length=2 * JSON_MAX),
    _c("fixes", "json"), _c("facts", "json"), _c("failures", "json", max_length=4 * JSON_MAX),
    _c("notes", max_length=NOTE_MAX), _c("started_at"), _c("submitted_at"),
    _c("inspector", max_length=NAME_MAX),
))

#: Order matters for export (sorted by table name there) and for applying pulled pages
#: (parents before children is friendlier for readers, though no foreign keys are enforced).
TABLES: dict[str, Table] = {t.name: t for t in (GRID, BUILDING, UNIT, PERSON, TENANCY, ORGANISATION,
                                                INSPECTION, PHOTO)}

#: Tables a device may edit.
EDITABLE_TABLES: tuple[str, ...] = tuple(n for n, t in TABLES.items() if not t.server_owned)


def table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; synced tables are {', '.join(TABLES)}") from None


def referenced_table(column: Column, row: Mapping[str, object]) -> str | None:
    """The table ``column`` of ``row`` points into (``None``: not a reference, or an unknown table)."""
    target = column.references
    if target == BY_OWNER_TABLE:
        owner = row.get("owner_table")
        target = owner if isinstance(owner, str) else None
    return target if target in TABLES else None
