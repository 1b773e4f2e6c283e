"""The shared rules both sides apply to an edit: canonical identifiers and whole-row judgement."""

from __future__ import annotations

from datetime import date

from sync.rules.idnumber import make_resident_id
from sync.rules.normalise import canonical_fields
from sync.rules.records import errors_after_edit, normalize_record
from sync.schema import BY_OWNER_TABLE, TABLES, referenced_table

MALE = make_resident_id("441900", date(1980, 5, 6), 11)


def test_identifiers_take_their_canonical_form_with_the_row_as_context() -> None:
    typed = {"id_number": " 110105 19491231 002x ", "phone": "＋８６ １３８-0013 8000"}
    got = canonical_fields("person", typed)
    assert got == {"id_number": "11010519491231002X", "phone": "13800138000"}
    # A passport number is read with the stored type, not the resident-ID default.
    assert canonical_fields("person", {"id_number": "e12345678"}, {"id_type": "CN_PASSPORT"}) == {
        "id_number": "E12345678"}
    assert canonical_fields("person", {"phone": "12345"}) == {"phone": "12345"}  # unreadable: as typed
    assert normalize_record("person", {"id_number": "e12345678"}, {"id_type": "CN_PASSPORT"})["id_number"] \
        == "E12345678"


def test_an_edit_is_blamed_for_what_it_touches_or_adds_only() -> None:
    before = {"grid_id": "g", "name": "甲", "id_type": "RESIDENT_ID", "id_number": MALE, "gender": "2"}
    renamed = {**before, "name": "乙"}
    assert errors_after_edit("person", before, renamed, ["name"]) == []  # a stored mismatch: still editable
    fixed = {**before, "gender": "1"}
    assert errors_after_edit("person", before, fixed, ["gender"]) == []
    good = {**before, "gender": "1"}
    worse = {**good, "id_type": "CN_PASSPORT"}
    assert [(e.field, e.rule) for e in errors_after_edit("person", good, worse, ["id_type"])] == [
        ("id_number", "id_number.format")]


def test_reference_columns_name_their_tables() -> None:
    refs = {(t.name, c.name): c.references for t in TABLES.values() for c in t.reference_columns}
    assert refs == {
        ("building", "landlord_id"): "person", ("building", "manager_id"): "person",
        ("unit", "building_id"): "building", ("person", "employer_org_id"): "organisation",
        ("tenancy", "person_id"): "person", ("tenancy", "unit_id"): "unit",
        ("tenancy", "building_id"): "building", ("organisation", "building_id"): "building",
        ("inspection", "building_id"): "building", ("inspection", "unit_id"): "unit",
        ("photo", "owner_id"): BY_OWNER_TABLE}
    owner = TABLES["photo"].column("owner_id")
    assert referenced_table(owner, {"owner_table": "person"}) == "person"
    assert referenced_table(owner, {"owner_table": "nonsense"}) is None


def _blamed(table: str, before: dict[str, object], edit: dict[str, object]) -> list[tuple[str, str]]:
    return [(e.field, e.rule) for e in errors_after_edit(table, before, {**before, **edit}, edit)]


def test_fields_judged_together_are_judged_when_one_of_them_changes() -> None:
    female = make_resident_id("441900", date(1980, 5, 6), 12)
    row: dict[str, object] = {"grid_id": "g", "name": "甲", "id_type": "RESIDENT_ID", "id_number": MALE,
                              "gender": "1", "birth_date": "1980-05-06"}
    # Only the number is touched; the stored gender now contradicts it.
    assert _blamed("person", row, {"id_number": female}) == [("gender", "person.gender_mismatch")]
    stay: dict[str, object] = {"grid_id": "g", "person_id": "p", "building_id": "b",
                               "move_out_at": "2024-01-01"}
    assert _blamed("tenancy", stay, {"move_in_at": "2024-05-01"}) == [
        ("move_out_at", "tenancy.move_out_before_move_in")]
