"""Cross-grid references (issue #9 item 16): a row may point only at rows of its device's grids
(the server refuses, the device refuses before capture), and a resident who moves is one person,
moved by the central system's transfer, through a real gridpad-server and two tablets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from support.devices import Device
from support.live_server import Api, ServerProcess, building, uid

from gridpad.store import outbox, repo
from gridpad.store.errors import ValidationFailed
from gridpad.sync_client.errors import HeldBackError


def _tablet(make_device: Callable[[str], Device], server: ServerProcess, code: str, name: str) -> Device:
    tablet = make_device(name)
    tablet.enroll(server.url, code)
    tablet.sync()
    return tablet


def _problems(r: Any) -> list[tuple[str, str]]:
    return [(p["field"], p["rule"]) for p in r.json()["problems"]]


def test_the_server_refuses_references_into_grids_the_device_does_not_hold(
        server: ServerProcess, api_factory: Callable[..., Api]) -> None:
    a, b = server.new_scope(), server.new_scope()
    api_a, api_b = api_factory(a), api_factory(b)
    person_b, building_b, org_b = uid(), uid(), uid()
    r = api_b.push([api_b.change("person", person_b, "insert", {"grid_id": b.grid, "name": "乙"}),
                    api_b.change("building", building_b, "insert", building(b.grid)),
                    api_b.change("organisation", org_b, "insert", {"grid_id": b.grid, "name": "乙厂"})])
    assert r.status_code == 200, r.text
    person_a, building_a, tenancy_a = uid(), uid(), uid()
    r = api_a.push([api_a.change("person", person_a, "insert", {"grid_id": a.grid, "name": "甲"}),
                    api_a.change("building", building_a, "insert", building(a.grid)),
                    api_a.change("tenancy", tenancy_a, "insert", {
                        "grid_id": a.grid, "person_id": person_a, "building_id": building_a})])
    assert r.status_code == 200, r.text

    refused = [
        ("tenancy", "insert", {"grid_id": a.grid, "person_id": person_b, "building_id": building_a},
         "person_id"),
        ("tenancy", "insert", {"grid_id": a.grid, "person_id": person_a, "building_id": building_b},
         "building_id"),
        ("unit", "insert", {"grid_id": a.grid, "building_id": building_b, "room_no": "101"}, "building_id"),
        ("building", "insert", building(a.grid, landlord_id=person_b), "landlord_id"),
        ("person", "insert", {"grid_id": a.grid, "name": "丙", "employer_org_id": org_b}, "employer_org_id"),
        ("photo", "insert", {"grid_id": a.grid, "sha256": "ab" * 32, "owner_table": "person",
                             "owner_id": person_b}, "owner_id"),
    ]
    for table, op, fields, field in refused:
        r = api_a.push([api_a.change(table, uid(), op, fields)])
        assert r.status_code == 422 and _problems(r) == [(field, "reference.out_of_scope")], (table, r.text)
    r = api_a.push([api_a.change("tenancy", tenancy_a, "update", {"person_id": person_b})])
    assert r.status_code == 422 and _problems(r) == [("person_id", "reference.out_of_scope")], r.text

    rows, _ = api_a.pull_all()
    assert {row["fields"]["grid_id"] for row in rows if row["table"] != "grid"} == {a.grid}
    tenancy = next(row["fields"] for row in rows if row["id"] == tenancy_a)
    assert tenancy["person_id"] == person_a


def test_a_resident_moving_to_another_grid_stays_one_person(
        server: ServerProcess, make_device: Callable[[str], Device]) -> None:
    a, b = server.new_scope(), server.new_scope()
    tablet_a = _tablet(make_device, server, a.code, "a")
    tablet_b = _tablet(make_device, server, b.code, "b")
    home = repo.insert(tablet_a.store, "building", {"grid_id": a.grid, "address": "虎门镇甲路1号"})
    person = repo.insert(tablet_a.store, "person", {"grid_id": a.grid, "name": "张三"})
    lived = repo.insert(tablet_a.store, "tenancy", {"grid_id": a.grid, "person_id": person,
                                                    "building_id": home, "move_in_at": "2023-01-01"})
    tablet_a.sync()

    # Still living in grid A: refused, nothing moves.
    early = server.admin_cli("transfer", "person", person, "--to", b.grid, check=False)
    assert early.returncode == 1 and "move-out" in early.stderr, early.stderr
    repo.update(tablet_a.store, "tenancy", lived, {"move_out_at": "2025-06-30"})
    tablet_a.sync()

    moved = server.admin_cli("transfer", "person", person, "--to", b.grid)
    assert "1 person" in moved.stdout and "tenancy" not in moved.stdout, moved.stdout

    result_a = tablet_a.sync(verify=True)
    assert repo.get(tablet_a.store, "person", person) is None
    assert result_a.redownloaded == [], result_a.summary()  # left by the marker, not by a checksum repair
    assert repo.get(tablet_a.store, "building", home) is not None
    # The ended tenancy stays in grid A: the history of the room it describes.
    history = repo.get(tablet_a.store, "tenancy", lived)
    assert history is not None and (history["grid_id"], history["building_id"]) == (a.grid, home)
    assert history["move_out_at"] == "2025-06-30"

    result_b = tablet_b.sync(verify=True)
    assert result_b.redownloaded == [], result_b.summary()
    moved_person = repo.get(tablet_b.store, "person", person)
    assert moved_person is not None and (moved_person["grid_id"], moved_person["name"]) == (b.grid, "张三")
    # Nothing grid B's tablet holds points at a building or room of grid A.
    assert repo.get(tablet_b.store, "tenancy", lived) is None
    places = {r[0] for r in tablet_b.store.db.execute("SELECT id FROM building UNION SELECT id FROM unit")}
    pointing = tablet_b.store.db.execute("SELECT building_id, unit_id FROM tenancy").fetchall()
    assert all(ref in places for row in pointing for ref in row if ref is not None)
    # Grid B's tablet can now give the same person a home there.
    new_home = repo.insert(tablet_b.store, "building", {"grid_id": b.grid, "address": "长安镇乙路2号"})
    repo.insert(tablet_b.store, "tenancy", {"grid_id": b.grid, "person_id": person, "building_id": new_home,
                                            "move_in_at": "2025-07-01"})
    assert tablet_b.sync().pushed == 2
    assert outbox.count(tablet_b.store) == 0


def test_the_device_refuses_a_reference_it_holds_outside_its_grids(
        server: ServerProcess, make_device: Callable[[str], Device]) -> None:
    a, b = server.new_scope(), server.new_scope()
    tablet = _tablet(make_device, server, a.code, "a")
    home = repo.insert(tablet.store, "building", {"grid_id": a.grid, "address": "虎门镇甲路3号"})
    person = repo.insert(tablet.store, "person", {"grid_id": a.grid, "name": "李四"})
    tablet.sync()
    repo.update(tablet.store, "person", person, {"occupation": "厨师"})  # an edit not yet pushed
    server.admin_cli("transfer", "person", person, "--to", b.grid)
    with pytest.raises(HeldBackError):  # the edit waits (a grid not held); the row stays, in its new grid
        tablet.sync()
    kept = repo.get(tablet.store, "person", person)
    assert kept is not None and kept["grid_id"] == b.grid
    before = outbox.count(tablet.store)
    with pytest.raises(ValidationFailed) as refused:
        repo.insert(tablet.store, "tenancy", {"grid_id": a.grid, "person_id": person, "building_id": home})
    assert [(e.field, e.rule) for e in refused.value.errors] == [("person_id", "reference.out_of_scope")]
    assert outbox.count(tablet.store) == before
