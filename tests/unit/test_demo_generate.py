"""The demo-data generator: valid, consistent, fictional-but-realistic records."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from datetime import date

import pytest

from gridpad.demo import reference_data as demo_data
from gridpad.demo.generator import generate
from gridpad.demo.grids import demo_grids, grids_for
from gridpad.demo.people import LOCAL, ORIGINS
from gridpad.demo.records import DemoGrid
from sync.rules.idnumber import RESIDENT_TYPES, validate_id_number
from sync.rules.records import validate_record
from sync.rules.tenancy import is_report_late
from sync.schema import TABLES

TODAY = date.today()  # validators judge birth dates against the real clock


@pytest.fixture(scope="module")
def grid() -> DemoGrid:
    return generate(5000, seed=7, today=TODAY)


def test_exact_person_count_and_every_record_flagged(grid: DemoGrid) -> None:
    assert len(grid.person) == 5000
    counts = grid.counts()
    assert counts["grid"] == 2 and counts["building"] > 100 and counts["unit"] > 1000
    assert counts["tenancy"] > 4000 and counts["organisation"] > 20
    for table, rows in grid.tables().items():
        names = set(TABLES[table].column_names) | {"id"}
        for rec in rows:
            assert rec["is_demo"] == 1
            assert set(rec) <= names, set(rec) - names


def test_every_record_passes_the_shared_rules(grid: DemoGrid) -> None:
    # validate_record checks ID check digits and area codes, and that gender/birth date agree.
    failures = [(t, e) for t, rows in grid.tables().items() for r in rows for e in validate_record(t, r)]
    assert failures == []


def test_ids_agree_with_person_and_origin(grid: DemoGrid) -> None:
    origin_codes = {c for o in (*ORIGINS, LOCAL) for c in o.codes} | set(demo_data.DONGGUAN_OLD)
    minority_by_code = {c: {m for m, _ in o.minorities} for o in ORIGINS for c in o.codes}
    numbers = Counter(str(p["id_number"]) for p in grid.person)
    assert max(numbers.values()) == 1
    phones = Counter(p["phone"] for p in grid.person if p["phone"])
    assert max(phones.values()) == 1
    resident = 0
    for p in grid.person:
        info = validate_id_number(str(p["id_number"]), str(p["id_type"]), today=TODAY)
        if p["id_type"] not in RESIDENT_TYPES:
            continue
        resident += 1
        assert info.birth_date is not None and info.birth_date.isoformat() == p["birth_date"]
        assert info.gender == p["gender"]
        assert info.area_code in origin_codes
        if p["ethnicity"] != "01":
            assert p["ethnicity"] in minority_by_code.get(str(info.area_code), set()), p
        local = info.area_code in {demo_data.DONGGUAN, *demo_data.DONGGUAN_OLD}
        assert p["person_type"] == ("HUKOU" if local else "FLOATING")
    assert resident > 4900


def test_grid_ids_consistent(grid: DemoGrid) -> None:
    codes = {str(g["id"]) for g in grid.grid}
    for g in grid.grid:
        assert g["id"] == g["code"] == g["grid_id"]
        assert re.fullmatch(r"44190011900[1-3]0[1-4]", str(g["id"]))
        assert str(g["id"]).startswith(str(g["village_code"]))
        assert re.fullmatch(r"(乌沙|霄边|锦厦)社区第[一二三四]网格", str(g["name"]))
    for table, rows in grid.tables().items():
        assert {r["grid_id"] for r in rows} <= codes, table
    # rows point at rows of the same grid
    by_id = {str(r["id"]): r for rows in grid.tables().values() for r in rows}
    for u in grid.unit:
        assert by_id[str(u["building_id"])]["grid_id"] == u["grid_id"]
    for t in grid.tenancy:
        unit, person = by_id[str(t["unit_id"])], by_id[str(t["person_id"])]
        assert unit["building_id"] == t["building_id"]
        assert person["grid_id"] == t["grid_id"] == unit["grid_id"]


def test_references_resolve_and_ids_are_uuid7(grid: DemoGrid) -> None:
    ids = [str(r["id"]) for t, rows in grid.tables().items() if t != "grid" for r in rows]
    assert len(ids) == len(set(ids))
    assert all(uuid.UUID(i).version == 7 for i in ids)
    persons = {p["id"] for p in grid.person}
    orgs = {o["id"] for o in grid.organisation}
    buildings = {b["id"] for b in grid.building}
    for b in grid.building:
        assert b["landlord_id"] is None or b["landlord_id"] in persons
        assert b["manager_id"] is None or b["manager_id"] in persons
    assert all(p["employer_org_id"] is None or p["employer_org_id"] in orgs for p in grid.person)
    assert all(o["building_id"] is None or o["building_id"] in buildings for o in grid.organisation)
    assert len({o["uscc"] for o in grid.organisation}) == len(grid.organisation)


def test_realistic_mix(grid: DemoGrid) -> None:
    tenants = {t["person_id"] for t in grid.tenancy}
    people = [p for p in grid.person if p["id"] in tenants]
    floating = sum(p["person_type"] == "FLOATING" for p in people) / len(people)
    assert 0.85 <= floating <= 0.95
    cutoff = TODAY.replace(year=TODAY.year - 16, day=min(TODAY.day, 28)).isoformat()
    children = sum(str(p["birth_date"]) > cutoff for p in grid.person) / len(grid.person)
    assert 0.03 < children < 0.25
    han = sum(p["ethnicity"] == "01" for p in grid.person) / len(grid.person)
    assert 0.9 < han < 0.98
    types = Counter(b["building_type"] for b in grid.building)
    assert types.most_common(1)[0][0] == "VILLAGE_HOUSE"
    assert {"COMMERCIAL_HOUSING", "SHOP_HOUSE", "DORMITORY"} <= set(types)
    assert all(re.match(r"东莞市长安镇(乌沙|霄边|锦厦)社区", str(b["address"])) for b in grid.building)
    moved = [t for t in grid.tenancy if t["move_out_at"]]
    assert moved and all(t["move_out_reason"] for t in moved)
    assert all(str(t["move_out_at"]) >= str(t["move_in_at"]) for t in moved)
    late = [t for t in grid.tenancy if t["lease_signed_at"] and is_report_late(
        date.fromisoformat(str(t["lease_signed_at"])),
        date.fromisoformat(str(t["reported_at"])) if t["reported_at"] else None, today=TODAY)]
    assert 0.03 < len(late) / len(grid.tenancy) < 0.3
    scale = [b for b in grid.building if isinstance(rooms := b["rental_rooms"], int) and rooms >= 20]
    assert scale and sum(b["access_control"] != "NONE" for b in scale) / len(scale) > 0.8
    roles = Counter(t["role"] for t in grid.tenancy)
    assert roles["HEAD_TENANT"] and roles["CO_RESIDENT"]
    relations = Counter(t["relation_to_head"] for t in grid.tenancy)
    assert {"01", "99", "20", "30"} <= set(relations)


@pytest.mark.parametrize("persons", [1, 2, 3, 17, 300, 301, 3001])
def test_person_count_is_exact(persons: int) -> None:
    for seed in range(4):
        assert len(generate(persons, seed=seed, today=TODAY).person) == persons


def test_same_seed_same_data_other_seed_other_data() -> None:
    a = generate(700, seed=3, today=TODAY)
    assert a == generate(700, seed=3, today=TODAY)
    b = generate(700, seed=4, today=TODAY)
    assert [p["id_number"] for p in a.person] != [p["id_number"] for p in b.person]
    assert [p["id"] for p in a.person] != [p["id"] for p in b.person]


def test_grid_choice() -> None:
    assert len(demo_grids()) == 12
    assert grids_for(6000) == ["44190011900101", "44190011900102"]
    assert len(grids_for(200_000)) == 12 and grids_for(0) == ["44190011900101"]
    one = generate(300, seed=1, today=TODAY, grid_ids=["44190011900304"])
    assert {p["grid_id"] for p in one.person} == {"44190011900304"}
    assert one.grid[0]["name"] == "锦厦社区第四网格"
    with pytest.raises(ValueError, match="not demo grids"):
        generate(10, seed=1, grid_ids=["44190011900105"])
    assert generate(0, seed=1, today=TODAY).counts()["person"] == 0
