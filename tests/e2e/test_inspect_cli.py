"""``gridpad inspect`` as a user runs it (issue 11, item 6): drafts, --finish, and refusals that name
the item and the rule in one line with a non-zero exit, keeping what was given."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.checklist_templates import passing_answers, shipped
from support.cli import GRID, gridpad, jsonl, one_line_error

from sync.rules.checklists import building_facts

BUILDING = {"grid_id": GRID, "address": "东城街道牛山社区振兴路12号", "floors_above": 4, "floors_below": 0,
            "gas_supply": "NONE", "rental_rooms": 8, "inspection_cycle_days": 30}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    data = tmp_path / "tablet"
    edits = jsonl(tmp_path / "b.jsonl", {"table": "building", "id": "b-1", "fields": BUILDING})
    assert gridpad(data, "apply", str(edits)).returncode == 0
    return data


def _answers(tmp_path: Path, changed: dict[str, object], name: str = "answers.json") -> Path:
    answers = {**passing_answers(shipped("RENTAL_FIRE"), building_facts(BUILDING)), **changed}
    path = tmp_path / name
    path.write_text(json.dumps({k: v for k, v in answers.items() if v is not None}), encoding="utf-8")
    return path


def _photo(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_a_refused_submit_names_item_and_rule_and_the_draft_can_be_finished(data: Path,
                                                                             tmp_path: Path) -> None:
    answers = _answers(tmp_path, {"FS-02": "no", "FS-05": None})
    r = gridpad(data, "inspect", "b-1", "--template", "RENTAL_FIRE", "--outcome", "entered",
                "--answers", str(answers))
    line = one_line_error(r, "inspect")
    assert "FS-02: a failed item needs a photo (inspection.fail_photo_required)" in line
    assert "FS-05: this item needs an answer (inspection.item_required)" in line
    iid = line.split("inspection ", 1)[1].split()[0]
    assert f"`gridpad inspect --finish {iid}`" in line

    photo = _photo(tmp_path, "charging.jpg", b"before")
    after = _photo(tmp_path, "after.png", b"after")
    more = _answers(tmp_path, {"FS-02": "no"}, "more.json")
    done = gridpad(data, "inspect", "--finish", iid, "--answers", str(more),
                   "--photo", f"FS-02={photo}", "--fixed", f"FS-02={after}")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"inspection {iid} submitted (RENTAL_FIRE v1, outcome entered)"
    assert lines[1].startswith("self_resolved\tFS-02\tMAJOR\tFIRE_RESCUE\tFIRE\tphotos 1\tfixed ")
    again = gridpad(data, "inspect", "--finish", iid)
    assert "is already submitted" in one_line_error(again, "inspect")


def test_a_draft_stays_open_until_finished(data: Path, tmp_path: Path) -> None:
    r = gridpad(data, "inspect", "b-1", "--template", "RENTAL_FIRE", "--outcome", "entered",
                "--answers", str(_answers(tmp_path, {"FS-01": None})), "--draft")
    assert r.returncode == 0, r.stderr
    iid = r.stdout.split()[1]
    assert r.stdout.startswith(f"inspection {iid} saved as a draft (RENTAL_FIRE v1)")
    missing = tmp_path / "fs01.json"
    missing.write_text('{"FS-01": 0}', encoding="utf-8")
    done = gridpad(data, "inspect", "--finish", iid, "--answers", str(missing))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].startswith("0 hazard(s) to be raised; inspected on ")


@pytest.mark.parametrize(("args", "expected"), [
    (["b-1", "--template", "NOPE", "--outcome", "entered"], "no checklist template NOPE (known: "),
    (["nope", "--template", "RENTAL_FIRE", "--outcome", "entered"], "building: no building nope"),
    (["b-1", "--template", "RENTAL_FIRE"], "--outcome: entered, nobody_home, refused or vacant?"),
    (["b-1", "--outcome", "entered", "--photo", "FS-02"], "--photo: write ITEM=FILE"),
    (["b-1", "--template", "RENTAL_FIRE", "--outcome", "entered", "--photo", "FS-02=missing.jpg"],
     "FS-02: missing.jpg: no such file"),
    ([], "name a building to inspect, or --finish ID"),
    (["--finish", "nope"], "no inspection nope on this tablet"),
])
def test_bad_requests_say_why_in_one_line(data: Path, args: list[str], expected: str) -> None:
    assert expected in one_line_error(gridpad(data, "inspect", *args), "inspect")


def test_a_bad_answers_file_says_why(data: Path, tmp_path: Path) -> None:
    not_object = tmp_path / "list.json"
    not_object.write_text("[1]", encoding="utf-8")
    unknown = tmp_path / "unknown.json"
    unknown.write_text('{"XX-1": "yes"}', encoding="utf-8")
    base = ["b-1", "--template", "RENTAL_FIRE", "--outcome", "entered", "--answers"]
    assert "must be a JSON object of item ids" in one_line_error(
        gridpad(data, "inspect", *base, str(not_object)), "inspect")
    assert "XX-1: no item XX-1 in RENTAL_FIRE v1 (inspection.unknown_item)" in one_line_error(
        gridpad(data, "inspect", *base, str(unknown)), "inspect")
    # Nothing half-made is left behind by a refused request.
    listing = gridpad(data, "export")
    assert '"inspection"' not in listing.stdout


def test_apply_refuses_a_submitted_inspection_that_breaks_the_checklist(data: Path, tmp_path: Path) -> None:
    """``gridpad apply`` writes through the same shared rule as the runner and the server."""
    answers = {**passing_answers(shipped("RENTAL_FIRE"), building_facts(BUILDING)), "FS-02": "no"}
    edits = jsonl(tmp_path / "i.jsonl", {"table": "inspection", "id": "i-1", "fields": {
        "grid_id": GRID, "building_id": "b-1", "template_code": "RENTAL_FIRE", "template_version": 1,
        "status": "submitted", "outcome": "entered", "answers": answers,
        "facts": building_facts(BUILDING)}})
    r = gridpad(data, "apply", str(edits))
    assert r.returncode == 1
    assert r.stdout.splitlines()[0] == "line 1: photos: FS-02: a failed item needs a photo"

