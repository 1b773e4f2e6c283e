"""The server judges the whole row a change makes, stores identifiers in canonical form, and
refuses an update of a row it does not hold (issue #9 item 5), through a real gridpad-server."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from support.live_server import Api, ServerProcess, uid

from sync.rules.idnumber import make_resident_id

MALE_1980 = make_resident_id("441900", date(1980, 5, 6), 11)


def _person(grid: str, **extra: Any) -> dict[str, Any]:
    return {"grid_id": grid, "name": "测试人", "id_type": "RESIDENT_ID", "id_number": MALE_1980,
            "gender": "1", "birth_date": "1980-05-06", "is_demo": 1, **extra}


def _rules(r: Any) -> set[str]:
    return {p["rule"] for p in r.json()["problems"]}


def _row(api: Api, table: str, row_id: str) -> dict[str, Any]:
    rows, _ = api.pull_all()
    return next(r["fields"] for r in rows if r["table"] == table and r["id"] == row_id)


def test_an_update_is_judged_as_the_row_it_makes(server: ServerProcess,
                                                 api_factory: Callable[..., Api]) -> None:
    scope = server.new_scope()
    api = api_factory(scope)
    grid = scope.grid
    pid, passport = uid(), uid()
    r = api.push([api.change("person", pid, "insert", _person(grid)),
                  api.change("person", passport, "insert",
                             _person(grid, id_type="CN_PASSPORT", id_number="E12345678",
                                     gender=None, birth_date=None))])
    assert r.status_code == 200, r.text

    r = api.push([api.change("person", pid, "update", {"gender": "2", "birth_date": "2001-01-01"})])
    assert r.status_code == 422, r.text
    assert {"person.gender_mismatch", "person.birth_date_mismatch"} <= _rules(r)
    r = api.push([api.change("person", pid, "update", {"id_type": "CN_PASSPORT"})])
    assert r.status_code == 422 and "id_number.format" in _rules(r), r.text
    r = api.push([api.change("person", passport, "update", {"id_type": "RESIDENT_ID"})])
    assert r.status_code == 422 and _rules(r) & {"id_number.length", "id_number.format"}, r.text
    stored = _row(api, "person", pid)
    assert (stored["gender"], stored["birth_date"], stored["id_type"]) == ("1", "1980-05-06", "RESIDENT_ID")
    assert _row(api, "person", passport)["id_type"] == "CN_PASSPORT"

    # A passport number alone is judged with the stored type, not the resident-ID default.
    r = api.push([api.change("person", passport, "update", {"id_number": "e87654321"})])
    assert r.status_code == 200, r.text
    assert _row(api, "person", passport)["id_number"] == "E87654321"


def test_a_tenancy_cannot_move_out_before_it_moved_in(server: ServerProcess,
                                                      api_factory: Callable[..., Api]) -> None:
    scope = server.new_scope()
    api = api_factory(scope)
    tid = uid()
    r = api.push([api.change("tenancy", tid, "insert", {
        "grid_id": scope.grid, "person_id": uid(), "building_id": uid(), "move_in_at": "2024-05-01"})])
    assert r.status_code == 200, r.text
    r = api.push([api.change("tenancy", tid, "update", {"move_out_at": "2024-01-01"})])
    assert r.status_code == 422 and "tenancy.move_out_before_move_in" in _rules(r), r.text
    assert _row(api, "tenancy", tid).get("move_out_at") is None


def test_an_update_of_an_unknown_row_is_refused(server: ServerProcess,
                                                api_factory: Callable[..., Api]) -> None:
    scope = server.new_scope()
    api = api_factory(scope)
    ghost = uid()
    r = api.push([api.change("person", ghost, "update", {"grid_id": scope.grid, "phone": "13800138000"})])
    assert r.status_code == 422, r.text
    assert [(p["change_id"], p["rule"]) for p in r.json()["problems"]] == [(api.change_id, "unknown_row")]
    rows, _ = api.pull_all()
    assert ghost not in {row["id"] for row in rows}


def test_identifiers_are_stored_in_canonical_form(server: ServerProcess,
                                                  api_factory: Callable[..., Api]) -> None:
    scope = server.new_scope()
    api = api_factory(scope)
    pid = uid()
    r = api.push([api.change("person", pid, "insert", {
        "grid_id": scope.grid, "name": "王五", "id_number": " 110105 19491231 002x ",
        "phone": "＋８６ １３８-0013 8000"})])
    assert r.status_code == 200, r.text
    stored = _row(api, "person", pid)
    assert (stored["id_number"], stored["phone"]) == ("11010519491231002X", "13800138000")
    r = api.push([api.change("person", pid, "update", {"phone": "１３９ ００１３ ８０００"})])
    assert r.status_code == 200, r.text
    assert _row(api, "person", pid)["phone"] == "13900138000"
