"""One person per ID number (issue 10.2): a number the device holds leads to that person.

gridpad.app.tenants on a real SQLite file: a moved-out resident is registered again as the same
person, one who lives elsewhere is moved (old tenancy ended, new one started, one transaction), a
second person with a known number is refused, and a registration needs a room. Every refusal
names all the fields at once and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from support.stores import read_back

from gridpad.app import buildings, tenants, units
from gridpad.store.db import Store
from gridpad.store.errors import ValidationFailed

GRID = "44190011900103"
CHEN_ID = "11010519491231002X"


@dataclass
class Place:
    b1: str
    b2: str
    u21: str  # 兴业路21号 302
    u18: str  # 兴业路18号 201



@pytest.fixture
def place(store: Store) -> Place:
    b2 = buildings.save_building(store, None, {"grid_id": GRID, "address": "兴业路21号"}, {})
    b1 = buildings.save_building(store, None, {"grid_id": GRID, "address": "兴业路18号"}, {})
    u21 = units.save_unit(store, None, {"grid_id": GRID, "building_id": b2, "room_no": "302"})
    u18 = units.save_unit(store, None, {"grid_id": GRID, "building_id": b1, "room_no": "201"})
    return Place(b1, b2, u21, u18)



def _chen(store: Store, place: Place) -> tenants.TenantSaved:
    return tenants.register_tenant(
        store, None, {"grid_id": GRID, "name": "陈晓雯", "id_type": "RESIDENT_ID", "id_number": CHEN_ID,
                      "gender": "2", "birth_date": "1949-12-31", "phone": "13812345678",
                      "hukou_address": "北京市朝阳区"},
        {"unit_id": place.u21, "move_in_at": "2025-05-01"})


def test_a_second_person_with_a_known_id_number_is_refused(store: Store, place: Place) -> None:
    first = _chen(store, place)
    with pytest.raises(ValidationFailed) as refused:
        tenants.register_tenant(store, None, {"grid_id": GRID, "name": "陈晓雯", "id_type": "RESIDENT_ID",
                                              "id_number": CHEN_ID.lower()},
                                {"unit_id": place.u18, "move_in_at": "2026-11-26"})
    assert [(e.field, e.rule, e.params) for e in refused.value.errors] == [
        ("id_number", "person.id_number_known", {"person_id": first.person_id})]
    assert read_back(store, "SELECT count(*) FROM person") == [(1,)]
    assert read_back(store, "SELECT count(*) FROM tenancy") == [(1,)]


def test_a_moved_out_resident_is_known_with_their_last_home_and_registered_again(
        store: Store, place: Place) -> None:
    first = _chen(store, place)
    assert first.tenancy_id is not None
    tenants.move_out(store, first.tenancy_id, "2026-11-20", "LEASE_ENDED")
    known = tenants.known_person(store, CHEN_ID)
    assert known is not None and known.person_id == first.person_id
    assert not known.lives_here_now and known.last is not None
    assert (known.last.room_no, known.last.move_out_at) == ("302", "2026-11-20")
    assert known.fields["name"] == "陈晓雯" and known.fields["hukou_address"] == "北京市朝阳区"
    assert "phone" not in known.fields  # kept, not prefilled: the form shows it masked
    again = tenants.register_tenant(store, known.person_id, {"employer": "长安某厂"},
                                    {"unit_id": place.u18, "move_in_at": "2026-11-26"})
    assert again.person_id == first.person_id
    assert read_back(store, "SELECT count(*) FROM person") == [(1,)]
    assert sorted(read_back(store, "SELECT unit_id, building_id, move_out_at FROM tenancy")) == sorted([
        (place.u21, place.b2, "2026-11-20"), (place.u18, place.b1, None)])
    assert read_back(store, "SELECT employer, phone FROM person") == [("长安某厂", "13812345678")]


def test_a_resident_living_elsewhere_is_moved_in_one_action(store: Store, place: Place) -> None:
    first = _chen(store, place)
    known = tenants.known_person(store, CHEN_ID)
    assert known is not None and [h.room_no for h in known.homes] == ["302"]
    here = {"unit_id": place.u18, "move_in_at": "2026-11-26"}
    # Moving needs the date they left the old room: refused without it, nothing written.
    with pytest.raises(ValidationFailed) as refused:
        tenants.register_tenant(store, known.person_id, {}, here)
    assert [(e.field, e.rule) for e in refused.value.errors] == [("move_out_at", "required")]
    # A date before they moved in there is refused by the record rule, naming that date.
    with pytest.raises(ValidationFailed) as refused:
        tenants.register_tenant(store, known.person_id, {}, here, move_out_at="2025-01-01")
    assert [(e.field, e.rule) for e in refused.value.errors] == [
        ("move_out_at", "tenancy.move_out_before_move_in")]
    assert read_back(store, "SELECT count(*), count(move_out_at) FROM tenancy") == [(1, 0)]
    moved = tenants.register_tenant(store, known.person_id, {}, here, move_out_at="2026-11-25")
    assert moved.person_id == first.person_id
    homes = read_back(store, "SELECT unit_id, move_in_at, move_out_at, move_out_reason FROM tenancy")
    assert sorted(homes) == sorted([
        (place.u21, "2025-05-01", "2026-11-25", "CHANGED_HOME"), (place.u18, "2026-11-26", None, None)])
    # Into the room they already live in: refused.
    with pytest.raises(ValidationFailed) as refused:
        tenants.register_tenant(store, known.person_id, {}, {"unit_id": place.u18}, move_out_at="2026-11-26")
    assert [(e.field, e.rule) for e in refused.value.errors] == [("unit_id", "tenancy.already_here")]


def test_a_registration_needs_a_room_and_every_failure_is_named_at_once(store: Store, place: Place) -> None:
    with pytest.raises(ValidationFailed) as refused:
        tenants.register_tenant(store, None, {"grid_id": GRID, "id_type": "RESIDENT_ID", "phone": "123"},
                                {"building_id": place.b1, "move_in_at": "2026-11-26"})
    assert sorted((e.field, e.rule) for e in refused.value.errors) == [
        ("name", "required"), ("phone", "phone.mobile_length"), ("unit_id", "tenancy.unit_required")]
    assert read_back(store, "SELECT count(*) FROM person") == [(0,)]


def test_editing_a_person_to_another_persons_id_number_is_refused(store: Store, place: Place) -> None:
    _chen(store, place)
    other = tenants.register_tenant(store, None, {"grid_id": GRID, "name": "李娜"},
                                    {"unit_id": place.u18, "move_in_at": "2026-11-01"})
    with pytest.raises(ValidationFailed) as refused:
        tenants.register_tenant(store, other.person_id, {"id_type": "RESIDENT_ID", "id_number": CHEN_ID}, {})
    assert [(e.field, e.rule) for e in refused.value.errors] == [("id_number", "person.id_number_known")]
    assert read_back(store, "SELECT count(*) FROM person WHERE id_number IS NOT NULL") == [(1,)]


def test_a_landlord_with_a_known_id_number_is_that_person(store: Store, place: Place) -> None:
    chen = _chen(store, place)
    bid = buildings.save_building(store, None, {"grid_id": GRID, "address": "兴业路25号"},
                                  {"landlord": {"name": "陈晓雯", "id_type": "RESIDENT_ID",
                                                "id_number": CHEN_ID.lower(), "phone": "13900001111"}})
    assert read_back(store, "SELECT landlord_id FROM building WHERE id = ?", (bid,)) == [(chen.person_id,)]
    assert read_back(store, "SELECT count(*) FROM person") == [(1,)]
    assert read_back(store, "SELECT phone FROM person") == [("13900001111",)]


def test_a_room_is_given_only_to_a_home_without_one_and_only_in_its_building(store: Store,
                                                                           place: Place) -> None:
    """An import leaves a tenancy with no room; the edit form gives it one (the same tenancy, no move)."""
    from gridpad.store import people

    person, tenancy = people.register_tenant(store, {"grid_id": GRID, "name": "赵敏"},
                                             {"building_id": place.b1, "move_in_at": "2025-03-01"})
    with pytest.raises(ValidationFailed) as refused:  # 302 is in 兴业路21号, she lives in 18号
        tenants.register_tenant(store, person, {"phone": "139"}, {}, room=(tenancy, place.u21))
    assert {(e.field, e.rule) for e in refused.value.errors} == {
        ("unit_id", "tenancy.unit_in_other_building"), ("phone", "phone.mobile_length")}
    assert read_back(store, "SELECT unit_id FROM tenancy WHERE id = ?", (tenancy,)) == [(None,)]

    tenants.register_tenant(store, person, {}, {}, room=(tenancy, place.u18))
    homes = read_back(store, "SELECT id, unit_id, move_out_at FROM tenancy WHERE person_id = ?", (person,))
    assert homes == [(tenancy, place.u18, None)]
    with pytest.raises(ValidationFailed) as again:  # placed now: another room is a move, not this
        tenants.register_tenant(store, person, {}, {}, room=(tenancy, place.u18))
    assert [e.rule for e in again.value.errors] == ["tenancy.already_placed"]
