"""Inspections through the real ``gridpad`` command and a real ``gridpad-server`` (issue 11, items
1, 2 data side, 6): an inspection recorded with ``gridpad inspect`` (FS-02 failed, with a photo)
syncs and the server holds it with its failures, its photo and the building's new inspection date;
a tampered inspection (answers that break the checklist) is refused by the server and set aside
while the other changes sync, on both backends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from support.checklist_templates import passing_answers, shipped
from support.cli import file_keyring_env, gridpad, jsonl
from support.live_server import ApiFactory, ServerProcess, uid

from gridpad import config
from gridpad.store import outbox, remote, repo
from gridpad.store.db import open_store
from sync.rules.checklists import building_facts

pytestmark = pytest.mark.slow

BUILDING = {"address": "东城街道牛山社区振兴路12号", "floors_above": 4, "floors_below": 0,
            "gas_supply": "NONE", "rental_rooms": 8, "inspection_cycle_days": 30,
            "last_inspected_at": "2026-01-05"}
PHOTO = b"\xff\xd8\xff\xe0 an e-bike charging in the stairwell"



def _answers(tmp_path: Path, **changed: object) -> Path:
    answers = {**passing_answers(shipped("RENTAL_FIRE"), building_facts(BUILDING)), **changed}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    return path


def _server_row(server: ServerProcess, table: str, row_id: str) -> dict[str, Any] | None:
    with server.engine.connect() as conn:
        query = sa.text(f"SELECT * FROM {table} WHERE id = :id")
        row = conn.execute(query, {"id": row_id}).mappings().first()
    return None if row is None else dict(row)


def _enrolled_with_building(server: ServerProcess, tmp_path: Path) -> tuple[Path, dict[str, str], str, str]:
    scope = server.new_scope()
    data, env = tmp_path / "tablet", file_keyring_env(tmp_path / "ring")
    r = gridpad(data, "enroll", "--server", server.url, "--code", scope.code, env=env)
    assert r.returncode == 0, r.stderr
    building = uid()
    edits = jsonl(tmp_path / "b.jsonl", {"table": "building", "id": building,
                                         "fields": {"grid_id": scope.grid, **BUILDING}})
    assert gridpad(data, "apply", str(edits), env=env).returncode == 0
    return data, env, scope.grid, building


def test_an_inspection_recorded_on_the_command_line_syncs_with_its_failures_and_photo(
        server: ServerProcess, tmp_path: Path) -> None:
    data, env, _grid, building = _enrolled_with_building(server, tmp_path)
    photo = tmp_path / "charging.jpg"
    photo.write_bytes(PHOTO)
    sha = hashlib.sha256(PHOTO).hexdigest()

    r = gridpad(data, "inspect", building, "--template", "RENTAL_FIRE", "--outcome", "entered",
                "--answers", str(_answers(tmp_path, **{"FS-02": "no"})), "--photo", f"FS-02={photo}", env=env)
    assert r.returncode == 0, r.stderr
    head, hazard, summary = r.stdout.splitlines()
    iid = head.split()[1]
    assert head == f"inspection {iid} submitted (RENTAL_FIRE v1, outcome entered)"
    assert hazard.split("\t") == ["hazard", "FS-02", "MAJOR", "FIRE_RESCUE", "FIRE", "photos 1"]
    assert summary.startswith("1 hazard(s) to be raised; inspected on ")
    today = summary.rsplit(" ", 1)[1]

    synced = gridpad(data, "sync", env=env)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    held = _server_row(server, "inspection", iid)
    assert held is not None
    assert (held["status"], held["outcome"], held["template_code"], held["template_version"]) == (
        "submitted", "entered", "RENTAL_FIRE", 1)
    assert json.loads(held["answers"])["FS-02"] == "no"
    assert json.loads(held["photos"]) == {"FS-02": [sha]}
    [failure] = json.loads(held["failures"])
    assert (failure["item"], failure["kind"], failure["level"], failure["department"], failure["photos"]) == (
        "FS-02", "hazard", "MAJOR", "FIRE_RESCUE", [sha])
    with server.engine.connect() as conn:
        owner = conn.execute(sa.text("SELECT owner_table, owner_id FROM photo WHERE sha256 = :s"),
                             {"s": sha}).one()
    assert tuple(owner) == ("inspection", iid)
    building_row = _server_row(server, "building", building)
    assert building_row is not None and building_row["last_inspected_at"] == today
    dt.date.fromisoformat(today)
    with open_store(config.db_path(data)) as store:  # the photo went up too, confirmed by its hash
        assert outbox.count(store) == 0
        assert remote.photo_confirmed(store, sha)


def test_a_tampered_inspection_is_refused_and_set_aside_while_the_rest_syncs(
        server: ServerProcess, tmp_path: Path) -> None:
    data, env, grid, building = _enrolled_with_building(server, tmp_path)
    assert gridpad(data, "sync", env=env).returncode == 0
    # Answers that break the checklist (FS-02 failed without its photo, FS-05 unanswered), written
    # past the device's own checks as a tampered or outdated app would.
    answers = {**passing_answers(shipped("RENTAL_FIRE"), building_facts(BUILDING)), "FS-02": "no"}
    del answers["FS-05"]
    with open_store(config.db_path(data)) as store:
        bad = repo.insert(store, "inspection", {
            "grid_id": grid, "building_id": building, "template_code": "RENTAL_FIRE", "template_version": 1,
            "status": "submitted", "outcome": "entered", "answers": json.dumps(answers)}, validate=False)
    person = uid()
    edits = jsonl(tmp_path / "p.jsonl", {"table": "person", "id": person,
                                         "fields": {"grid_id": grid, "name": "李娜"}})
    assert gridpad(data, "apply", str(edits), env=env).returncode == 0

    r = gridpad(data, "sync", env=env)
    said = r.stdout + r.stderr
    assert r.returncode == 1, said
    assert "Traceback" not in said
    assert "1 change set aside" in said
    assert f"inspection {bad[:8]}" in said
    assert _server_row(server, "inspection", bad) is None
    assert _server_row(server, "person", person) is not None  # the rest synced
    listed = gridpad(data, "held", env=env)
    assert bad in listed.stdout and "lacks the photo a failed item needs" in listed.stdout


def test_the_server_refuses_a_submitted_inspection_that_breaks_the_checklist(
        server: ServerProcess, api_factory: ApiFactory) -> None:
    scope = server.new_scope()
    api = api_factory(scope)
    building = uid()
    answers = {**passing_answers(shipped("RENTAL_FIRE"), building_facts(BUILDING)), "FS-02": "no"}
    draft = {"grid_id": scope.grid, "building_id": building, "template_code": "RENTAL_FIRE",
             "template_version": 1, "status": "draft", "outcome": "entered", "answers": json.dumps(answers),
             "facts": json.dumps(building_facts(BUILDING))}
    iid = uid()
    assert api.push([api.change("building", building, "insert", {"grid_id": scope.grid, **BUILDING}),
                     api.change("inspection", iid, "insert", draft)]).status_code == 200  # not judged
    [row] = [x for x in api.pull_all()[0] if x["table"] == "inspection"]

    # Submitting it as it is: judged as the row the merge makes, refused naming the rule and item.
    submit = {"status": "submitted"}
    r = api.push([api.change("inspection", iid, "update", submit, base_seq=row["server_seq"])])
    assert r.status_code == 422, r.text
    [problem] = r.json()["problems"]
    assert (problem["field"], problem["rule"]) == ("photos", "inspection.fail_photo_required")
    assert "FS-02" in problem["message"]
    # A template version the server does not have.
    r = api.push([api.change("inspection", uid(), "insert", {**draft, "status": "submitted",
                                                             "template_version": 9})])
    assert r.status_code == 422 and r.json()["problems"][0]["rule"] == "inspection.unknown_template"
    stored = _server_row(server, "inspection", iid)
    assert stored is not None and stored["status"] == "draft"


def test_the_server_keeps_a_submitted_inspection_as_it_was_submitted(
        server: ServerProcess, api_factory: ApiFactory) -> None:
    scope = server.new_scope()
    api = api_factory(scope)
    building, iid = uid(), uid()
    answers = passing_answers(shipped("RENTAL_FIRE"), building_facts(BUILDING))
    submitted = {"grid_id": scope.grid, "building_id": building, "template_code": "RENTAL_FIRE",
                 "template_version": 1, "status": "submitted", "outcome": "entered",
                 "answers": json.dumps(answers), "facts": json.dumps(building_facts(BUILDING)),
                 "failures": "[]"}
    assert api.push([api.change("building", building, "insert", {"grid_id": scope.grid, **BUILDING}),
                     api.change("inspection", iid, "insert", submitted)]).status_code == 200
    [row] = [x for x in api.pull_all()[0] if x["table"] == "inspection"]
    # Reopened or rewritten afterwards (valid answers still): refused, the hazards were raised from it.
    rewrite = {"status": "draft", "answers": json.dumps({**answers, "FS-02": "na"})}
    r = api.push([api.change("inspection", iid, "update", rewrite, base_seq=row["server_seq"])])
    assert r.status_code == 422, r.text
    assert sorted((p["field"], p["rule"]) for p in r.json()["problems"]) == [
        ("answers", "inspection.submitted_is_final"), ("status", "inspection.submitted_is_final")]
    note = {"notes": "房东称下周整改"}
    r = api.push([api.change("inspection", iid, "update", note, base_seq=row["server_seq"])])
    assert r.status_code == 200, r.text
    stored = _server_row(server, "inspection", iid)
    assert stored is not None and (stored["status"], stored["notes"]) == ("submitted", "房东称下周整改")
