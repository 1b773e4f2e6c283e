"""validate_record / normalize_record against sync.schema."""

from __future__ import annotations

from datetime import date

from sync.rules import enums
from sync.rules.errors import FieldError
from sync.rules.idnumber import make_resident_id
from sync.rules.records import RULES, normalize_record, validate_record
from sync.schema import TABLES

ID = make_resident_id("430524", date(1996, 4, 11), 351)  # male


def person(**over: object) -> dict[str, object]:
    rec: dict[str, object] = {"grid_id": "44190011900101", "name": "王伟", "id_type": "RESIDENT_ID",
                              "id_number": ID, "gender": "1", "birth_date": "1996-04-11"}
    rec.update(over)
    return rec


def rules(errors: list[FieldError]) -> set[tuple[str, str]]:
    return {(e.field, e.rule) for e in errors}


def test_every_rule_named_in_the_schema_exists() -> None:
    named = {c.rule for t in TABLES.values() for c in t.columns if c.rule}
    assert named <= set(RULES), named - set(RULES)
    assert set(enums.ENUMS) <= set(RULES)


def test_valid_person_passes() -> None:
    assert validate_record("person", person()) == []
    assert validate_record("person", {**person(), "id": "0190c2a0-0000-7000-8000-000000000000"}) == []


def test_required_unknown_and_types() -> None:
    errs = validate_record("building", {"grid_id": "g", "floors_above": "six", "lat": "x",
                                        "security_pledge_signed": 2, "last_inspected_at": "2024-02-30",
                                        "fire_facilities": "{not json", "colour": "red"})
    assert rules(errs) == {("address", "required"), ("floors_above", "type.int"), ("lat", "type.real"),
                           ("security_pledge_signed", "type.bool"), ("last_inspected_at", "type.date"),
                           ("fire_facilities", "type.json"), ("colour", "unknown_column")}
    assert all(e.message.startswith(f"{e.field}: ") for e in errs)


def test_partial_skips_absent_required_but_not_blanked_ones() -> None:
    assert validate_record("building", {"floors_above": 5}, partial=True) == []
    assert rules(validate_record("building", {"address": "  "}, partial=True)) == {("address", "required")}


def test_rules_enums_and_ranges() -> None:
    errs = validate_record("unit", {"grid_id": "g", "building_id": "b", "room_no": "302", "area_m2": 0,
                                    "layout": "单间", "status": "LET", "max_occupants": -1})
    assert rules(errs) == {("area_m2", "positive"), ("layout", "enum.unknown"),
                           ("max_occupants", "non_negative")}
    errs = validate_record("building", {"grid_id": "g", "address": "a", "built_year": 1700}, partial=True)
    assert rules(errs) == {("built_year", "year")}


def test_person_cross_checks_say_which_field() -> None:
    errs = validate_record("person", person(gender="2", birth_date="1996-04-12"))
    assert rules(errs) == {("gender", "person.gender_mismatch"), ("birth_date", "person.birth_date_mismatch")}
    by_field = {e.field: e for e in errs}
    assert by_field["birth_date"].params == {"expected": "1996-04-11"}  # the form renders it locally
    # Messages reach the server's answers and the device's last error: no personal values in them.
    assert by_field["birth_date"].message == "birth_date: does not match the birth date in the ID number"
    assert by_field["gender"].message == "gender: does not match the gender in the ID number"
    for err in errs:
        assert "1996" not in err.message and "04-1" not in err.message


def test_bad_id_number_reported_on_its_column_without_the_number() -> None:
    bad = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    errs = validate_record("person", person(id_number=bad))
    assert rules(errs) == {("id_number", "id_number.check_digit")}
    assert bad not in errs[0].message
    # a passport number is judged as a passport, not as a resident ID
    assert validate_record("person", person(id_type="CN_PASSPORT", id_number="E12345678", gender="2")) == []


def test_unknown_id_type_reported_once_on_id_type() -> None:
    errs = validate_record("person", person(id_type="SOMETHING"))
    assert rules(errs) == {("id_type", "enum.unknown")}


def test_phone_and_uscc_columns() -> None:
    errs = validate_record("organisation", {"grid_id": "g", "name": "某公司", "uscc": "123", "phone": "999"})
    assert rules(errs) == {("uscc", "uscc.length"), ("phone", "phone.area_code_missing")}


def test_tenancy_dates_in_order() -> None:
    errs = validate_record("tenancy", {"grid_id": "g", "person_id": "p", "building_id": "b",
                                       "move_in_at": "2024-05-01", "move_out_at": "2024-04-01"})
    assert rules(errs) == {("move_out_at", "tenancy.move_out_before_move_in")}


def test_normalize_then_validate() -> None:
    raw = {"grid_id": " 44190011900101 ", "name": " 王伟 ", "id_number": ID.lower()[:-1] + ID[-1].lower(),
           "gender": "男", "birth_date": "1996/4/11", "phone": "+86 138 1234 5678", "ethnicity": "壮族",
           "person_type": "流动人口", "employer": "  "}
    rec = normalize_record("person", raw)
    assert rec["name"] == "王伟" and rec["grid_id"] == "44190011900101"
    assert rec["gender"] == "1" and rec["ethnicity"] == "08" and rec["person_type"] == "FLOATING"
    assert rec["birth_date"] == "1996-04-11" and rec["phone"] == "13812345678" and rec["id_number"] == ID
    assert rec["employer"] is None
    assert validate_record("person", rec) == []
    b = normalize_record("building", {"floors_above": "6", "lat": "22.8", "regulated": "是",
                                      "fire_facilities": {"extinguishers": 2}, "building_type": "农民房"})
    assert b == {"floors_above": 6, "lat": 22.8, "regulated": 1, "fire_facilities": '{"extinguishers": 2}',
                 "building_type": "VILLAGE_HOUSE"}
    assert normalize_record("person", {"phone": "not a phone"})["phone"] == "not a phone"
