"""The inspection record's rule (sync.rules.inspection_records), the one the device and the server run:
a submitted inspection passes its pinned checklist, and its recorded failures are what the answers
give (none hidden, none lowered; a repeat or a raised level, which only add, are taken as recorded)."""

from __future__ import annotations

import json
from typing import Any

from support.checklist_templates import passing_answers, shipped

from sync.rules.checklists import building_facts, failures
from sync.rules.inspection_records import failure_records, inspection_errors

BUILDING = {"floors_above": 4, "floors_below": 0, "gas_supply": "NONE", "rental_rooms": 8}
FACTS = building_facts(BUILDING)
SHA = "a" * 64


def _row(answers: dict[str, object], *, failed: list[dict[str, Any]] | None = None,
         **extra: object) -> dict[str, object]:
    template = shipped("RENTAL_FIRE")
    photos = {item: [SHA] for item, value in answers.items() if value == "no"}
    if failed is None:
        failed = failure_records(failures(template, FACTS, answers, photos=photos))
    row: dict[str, object] = {
        "status": "submitted", "outcome": "entered", "template_code": "RENTAL_FIRE", "template_version": 1,
        "answers": json.dumps(answers), "photos": json.dumps(photos), "facts": json.dumps(FACTS),
        "failures": json.dumps(failed)}
    row.update(extra)
    return row


def _rules(row: dict[str, object]) -> list[tuple[str, str]]:
    return [(e.field, e.rule) for e in inspection_errors(row)]


def _answers(**changed: object) -> dict[str, object]:
    return {**passing_answers(shipped("RENTAL_FIRE"), FACTS), **changed}


def test_a_consistent_submitted_inspection_passes_and_a_draft_is_not_judged() -> None:
    assert _rules(_row(_answers(**{"FS-02": "no"}))) == []
    assert _rules({"status": "draft", "template_code": "NOPE", "answers": "{}"}) == []


def test_a_hidden_failure_is_refused_naming_the_item() -> None:
    [error] = inspection_errors(_row(_answers(**{"FS-02": "no"}), failed=[]))
    assert (error.field, error.rule) == ("failures", "inspection.failures_mismatch")
    assert error.params["items"] == "FS-02" and "FS-02" in error.message


def test_a_lowered_level_is_refused_and_a_raised_one_or_a_repeat_is_taken() -> None:
    answers = _answers(**{"FS-02": "no", "FS-07": "no"})
    [fs02, fs07] = json.loads(str(_row(answers)["failures"]))
    assert (fs02["level"], fs07["kind"]) == ("MAJOR", "recorded")
    assert _rules(_row(answers, failed=[{**fs02, "level": "GENERAL"}, fs07])) == [
        ("failures", "inspection.failures_mismatch")]
    assert _rules(_row(answers, failed=[{**fs02, "level": "EMERGENCY"}, fs07])) == []
    repeat = {**fs07, "kind": "hazard", "level": "GENERAL", "repeated": True}
    assert _rules(_row(answers, failed=[fs02, repeat])) == []


def test_a_visit_that_did_not_enter_records_no_failures() -> None:
    assert _rules(_row({}, outcome="nobody_home", photos="{}")) == []
    assert _rules(_row({}, outcome="nobody_home", photos="{}", failed=[{"item": "FS-02"}])) == [
        ("failures", "inspection.failures_mismatch")]


def test_a_template_or_shape_the_rules_cannot_read_is_named() -> None:
    assert _rules(_row(_answers(), template_version=9)) == [("template_code", "inspection.unknown_template")]
    assert _rules(_row(_answers(), facts=json.dumps({"floors": 3}))) == [("facts", "inspection.shape")]
    assert _rules(_row(_answers(), photos=json.dumps({"FS-02": SHA}))) == [("photos", "inspection.shape")]
    assert _rules(_row(_answers(), failures='{"FS-02": 1}')) == [("failures", "inspection.shape")]
