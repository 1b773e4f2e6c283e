"""gridpad.app on a real SQLite file: buildings with their people, rooms, tenants, move-out, reveal.

Each operation is checked by what a user relies on: what lands in the tables (read back through a
plain sqlite3 connection of its own), what a refusal names, and that a refused save writes nothing.
"""

from __future__ import annotations

import pytest
from support.stores import read_back

from gridpad.app import buildings, reveal, tenants, units
from gridpad.store import repo
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.store.errors import ValidationFailed

GRID = "44190011900103"
ZW_ID = "441900199001011231"




def test_a_new_building_and_its_two_people_are_saved_and_linked(store: Store) -> None:
    bid = buildings.save_building(
        store, None, {"grid_id": GRID, "address": "兴业路18号", "building_type": "VILLAGE_HOUSE"},
        {"landlord": {"name": "陈国强", "phone": "13922223333"}, "manager": {"name": "李楼长"}})
    (landlord, manager), = read_back(store, "SELECT landlord_id, manager_id FROM building WHERE id = ?",
                                     (bid,))
    assert read_back(store, "SELECT name, phone, grid_id FROM person WHERE id = ?", (landlord,)) == [
        ("陈国强", "13922223333", GRID)]
    assert read_back(store, "SELECT name FROM person WHERE id = ?", (manager,)) == [("李楼长",)]
    # Every row is an edit waiting for sync.
    assert sorted(read_back(store, "SELECT tbl, op FROM outbox WHERE op = 'insert'")) == [
        ("building", "insert"), ("person", "insert"), ("person", "insert")]


def test_a_refused_contact_is_named_as_the_form_names_it_and_nothing_is_written(store: Store) -> None:
    with pytest.raises(ValidationFailed) as refused:
        buildings.save_building(store, None, {"grid_id": GRID, "address": "兴业路18号"},
                                {"landlord": {"name": "陈国强"},
                                 "manager": {"name": "李楼长", "phone": "123"}})
    assert [(e.field, e.rule) for e in refused.value.errors] == [("manager_phone", "phone.mobile_length")]
    assert read_back(store, "SELECT count(*) FROM building") == [(0,)]
    assert read_back(store, "SELECT count(*) FROM person") == [(0,)]
    assert read_back(store, "SELECT count(*) FROM outbox") == [(0,)]


def test_editing_a_building_leaves_an_untouched_contact_alone(store: Store) -> None:
    bid = buildings.save_building(store, None, {"grid_id": GRID, "address": "兴业路18号"},
                                  {"landlord": {"name": "陈国强", "phone": "13922223333"}, "manager": {}})
    before = read_back(store, "SELECT landlord_id FROM building")[0][0]
    buildings.save_building(store, bid, {"name": "兴业楼"},
                            {"landlord": {"name": None, "phone": None}, "manager": {"name": "李楼长"}})
    assert read_back(store, "SELECT name, landlord_id FROM building") == [("兴业楼", before)]
    landlord = read_back(store, "SELECT name, phone FROM person WHERE id = ?", (before,))
    assert landlord == [("陈国强", "13922223333")]
    assert read_back(store, "SELECT count(*) FROM person") == [(2,)]  # the new manager


def test_a_room_is_inserted_then_updated(store: Store) -> None:
    bid = buildings.save_building(store, None, {"grid_id": GRID, "address": "兴业路18号"}, {})
    uid = units.save_unit(store, None, {"grid_id": GRID, "building_id": bid, "room_no": "201"})
    assert units.save_unit(store, uid, {"room_no": "202", "max_occupants": 2}) == uid
    assert read_back(store, "SELECT room_no, max_occupants, building_id FROM unit") == [("202", 2, bid)]


def _registered(store: Store) -> tuple[str, tenants.TenantSaved]:
    bid = buildings.save_building(store, None, {"grid_id": GRID, "address": "兴业路21号"}, {})
    uid = units.save_unit(store, None, {"grid_id": GRID, "building_id": bid, "room_no": "302"})
    saved = tenants.register_tenant(
        store, None, {"grid_id": GRID, "name": "张伟", "id_type": "RESIDENT_ID", "id_number": ZW_ID},
        {"unit_id": uid, "move_in_at": "2025-05-01"})
    return uid, saved


def test_registering_a_tenant_and_editing_the_person_later(store: Store) -> None:
    _uid, saved = _registered(store)
    assert saved.tenancy_id is not None
    assert read_back(store, "SELECT person_id, move_in_at FROM tenancy") == [(saved.person_id, "2025-05-01")]
    edited = tenants.register_tenant(store, saved.person_id, {"phone": "13812345678"}, {})
    assert edited == tenants.TenantSaved(saved.person_id, None)
    assert read_back(store, "SELECT count(*) FROM tenancy") == [(1,)]  # an edit makes no new tenancy
    assert read_back(store, "SELECT phone FROM person") == [("13812345678",)]


def test_known_person_is_found_by_number_except_the_person_being_edited(store: Store) -> None:
    _uid, saved = _registered(store)
    found = tenants.known_person(store, ZW_ID)
    assert found is not None and (found.person_id, found.name) == (saved.person_id, "张伟")
    assert [(h.room_no, h.active) for h in found.homes] == [("302", True)]
    assert "兴业路21号" in (found.homes[0].address or "")
    assert tenants.known_person(store, ZW_ID, saved.person_id) is None  # the person being edited


def test_move_out_before_move_in_is_refused_with_the_move_in_date(store: Store) -> None:
    _uid, saved = _registered(store)
    assert saved.tenancy_id is not None
    with pytest.raises(ValidationFailed) as refused:
        tenants.move_out(store, saved.tenancy_id, "2025-04-30", "LEASE_ENDED")
    (error,) = refused.value.errors
    assert (error.field, error.rule, error.params) == (
        "move_out_at", "tenancy.move_out_before_move_in", {"move_in_at": "2025-05-01"})
    assert read_back(store, "SELECT move_out_at FROM tenancy") == [(None,)]
    tenants.move_out(store, saved.tenancy_id, "2025-09-30", "LEASE_ENDED")
    assert read_back(store, "SELECT move_out_at, move_out_reason FROM tenancy") == [
        ("2025-09-30", "LEASE_ENDED")]


def test_reveal_gives_the_clear_value_and_audits_who_looked(store: Store) -> None:
    _uid, saved = _registered(store)
    assert reveal.reveal(store, "person", saved.person_id, "id_number") == ZW_ID
    DeviceMeta(store).user_name = "wg_zhang"  # as enrollment writes it
    reveal.reveal(store, "person", saved.person_id, "id_number")
    assert read_back(store, "SELECT actor, tbl, field FROM audit ORDER BY id") == [
        (f"device:{store.device_id}", "person", "id_number"), ("wg_zhang", "person", "id_number")]
    assert ZW_ID not in str(read_back(store, "SELECT * FROM audit"))  # the value is never logged
    assert repo.get(store, "person", saved.person_id) is not None
