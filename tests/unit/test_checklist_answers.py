"""Conditions, required answers and visit outcomes (issue 11 items 1, 2, 6): errors name the item
and a stable rule; conditions follow building facts and other answers as they change."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.checklist_templates import followups, shipped

from sync.rules.checklist_answers import (
    answer_errors,
    applicability,
    applicable_answers,
    applicable_items,
    failed_items,
)
from sync.rules.checklist_facts import building_facts
from sync.rules.checklist_template import ChecklistTemplate

PIPED_SMALL = building_facts({"rental_rooms": 8, "rental_beds": 12, "gas_supply": "PIPED",
                              "floors_above": 4, "floors_below": 0, "rent_use": "RESIDENTIAL"})
NO_GAS_SCALE = building_facts({"rental_rooms": 24, "gas_supply": "NONE", "floors_above": 12,
                               "floors_below": 1, "rent_use": "RESIDENTIAL"})


def _ids(template: ChecklistTemplate, facts: dict[str, Any],
         answers: dict[str, object] | None = None) -> set[str]:
    return {i.id for i in applicable_items(template, facts, answers or {})}


def _passing(template: ChecklistTemplate, facts: dict[str, Any]) -> dict[str, object]:
    """An answer that passes for every applicable item."""
    out: dict[str, object] = {}
    for item in applicable_items(template, facts, {}):
        kind = item.answer_type
        out[item.id] = {"yes_no": "yes", "number": 0, "choice": "READABLE"}[kind]
    return out


def test_conditions_follow_building_facts() -> None:
    daily = shipped("RENTAL_DAILY")
    small = _ids(daily, PIPED_SMALL)
    assert {"GS-01", "GS-02", "GS-04", "GS-07"} <= small  # gas piped
    assert "GS-03" not in small  # bottled gas only
    assert "PS-05" not in small and "FS-03" not in small  # scale rentals only
    scale = _ids(daily, NO_GAS_SCALE)
    assert {"PS-05", "FS-03"} <= scale
    assert not any(i.startswith("GS-") for i in scale)  # no gas at all
    fire = shipped("RENTAL_FIRE")
    assert "GS-05" in _ids(fire, NO_GAS_SCALE) and "GS-05" not in _ids(fire, PIPED_SMALL)  # high-rise


def test_unknown_facts_show_the_item_and_allow_na() -> None:
    daily = shipped("RENTAL_DAILY")
    unknown = building_facts({})
    state = applicability(daily, unknown, {})
    assert state["PS-05"] is None and state["GS-01"] is None and state["FS-01"] is True
    answers = _passing(daily, unknown) | {"PS-05": "na", "GS-01": "na"}
    assert answer_errors(daily, unknown, answers, "entered") == []
    # Where the fact is known the item applies and n.a. is no answer.
    scale = building_facts({"rental_rooms": 30})
    errors = answer_errors(daily, scale, _passing(daily, scale) | {"PS-05": "na"}, "entered")
    assert [(e.field, e.rule) for e in errors] == [("PS-05", "inspection.na_not_allowed")]


def test_conditions_over_answers_apply_as_answers_change() -> None:
    t = followups()
    assert _ids(t, {}, {}) == {"FS-01", "OT-09", "OT-10"}
    assert _ids(t, {}, {"FS-01": 0}) == {"FS-01", "OT-09", "OT-10"}
    assert _ids(t, {}, {"FS-01": 2}) == {"FS-01", "FS-03", "OT-09", "OT-10"}
    assert _ids(t, {}, {"FS-01": 2, "FS-03": "no"}) == {"FS-01", "FS-03", "FS-04", "OT-09", "OT-10"}
    # Changing the first answer folds the whole chain away; the typed answers stay in the draft
    # but are not submitted.
    answers: dict[str, object] = {"FS-01": 0, "FS-03": "no", "FS-04": "yes", "OT-10": None}
    assert _ids(t, {}, answers) == {"FS-01", "OT-09", "OT-10"}
    assert applicable_answers(t, {}, answers) == {"FS-01": 0, "OT-10": None}


def test_every_missing_or_wrong_answer_is_named() -> None:
    t = followups()
    answers: dict[str, object] = {"FS-01": 2.5, "OT-09": "x" * 21, "ZZ-01": "yes"}
    errors = answer_errors(t, {}, answers, "entered", photos={"OT-10": ["p1"]})
    assert [(e.field, e.rule) for e in errors] == [
        ("ZZ-01", "inspection.unknown_item"),
        ("FS-01", "inspection.answer_type"),
        ("OT-09", "inspection.text_too_long"),
        ("OT-10", "inspection.photo_required"),
    ]
    assert errors[1].message == "FS-01: answer a whole number"
    assert errors[3].params == {"item": "OT-10", "min": "2"}
    errors = answer_errors(t, {}, {"FS-01": 300}, "entered", photos={"OT-10": ["p1", "p2"]})
    assert [(e.field, e.rule, e.message) for e in errors] == [
        ("FS-01", "inspection.answer_range", "FS-01: answer a number in 0..200 e-bikes")]
    errors = answer_errors(t, {}, {"FS-01": True}, "entered", photos={"OT-10": ["p1", "p2"]})
    assert [e.rule for e in errors] == ["inspection.answer_type"]  # a bool is no count
    errors = answer_errors(t, {}, {}, "entered", photos={"OT-10": ["p1", "p2"]})
    assert [(e.field, e.rule) for e in errors] == [("FS-01", "inspection.item_required")]
    daily = shipped("RENTAL_DAILY")
    errors = answer_errors(daily, PIPED_SMALL, _passing(daily, PIPED_SMALL) | {"PS-07": "BROKEN"}, "entered")
    assert [(e.field, e.rule, e.params["choices"]) for e in errors] == [
        ("PS-07", "inspection.answer_choice", "READABLE, DAMAGED, MISSING")]


def test_a_failure_needs_its_photo_and_a_fix_its_after_photo() -> None:
    daily = shipped("RENTAL_DAILY")
    answers = _passing(daily, PIPED_SMALL) | {"FS-02": "no", "PS-01": "no"}
    errors = answer_errors(daily, PIPED_SMALL, answers, "entered")
    assert [(e.field, e.rule) for e in errors] == [("FS-02", "inspection.fail_photo_required")]
    assert answer_errors(daily, PIPED_SMALL, answers, "entered", photos={"FS-02": ["sha-a"]}) == []
    assert [i.id for i in failed_items(daily, PIPED_SMALL, answers)] == ["PS-01", "FS-02"]
    bad_fixes = {"FS-02": "", "PS-01": "sha-b", "FS-04": "sha-c"}
    errors = answer_errors(daily, PIPED_SMALL, answers, "entered", photos={"FS-02": ["sha-a"]},
                           fixes=bad_fixes)
    assert [(e.field, e.rule) for e in errors] == [
        ("PS-01", "inspection.fix_not_allowed"),  # registration data is corrected, not fixed on site
        ("FS-02", "inspection.fix_needs_after_photo"),
        ("FS-04", "inspection.fix_not_failed"),
    ]


def test_only_an_entered_visit_records_items() -> None:
    daily = shipped("RENTAL_DAILY")
    for outcome in ("nobody_home", "refused", "vacant"):
        assert answer_errors(daily, PIPED_SMALL, {}, outcome) == []
        [error] = answer_errors(daily, PIPED_SMALL, {"FS-02": "yes"}, outcome)
        assert (error.field, error.rule) == ("outcome", "inspection.answers_need_entry")
    [error] = answer_errors(daily, PIPED_SMALL, {}, "away")
    assert (error.field, error.rule) == ("outcome", "inspection.outcome")
    assert "entered, nobody_home, refused, vacant" in error.message
    required = answer_errors(daily, PIPED_SMALL, {}, "entered")
    assert {e.rule for e in required} == {"inspection.item_required"}
    assert [e.field for e in required] == [i.id for i in applicable_items(daily, PIPED_SMALL, {})]


_answer_values = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 500), st.floats(allow_nan=True), st.text(max_size=25),
    st.sampled_from(["yes", "no", "na", "READABLE", "MISSING", ""]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)
_item_keys = st.sampled_from(["PS-01", "PS-02", "PS-05", "PS-07", "FS-01", "FS-02", "FS-10", "GS-03",
                              "GS-07", "OT-01", "XX-01", "", "ps-01"])
_facts = st.fixed_dictionaries({
    "rental_rooms": st.none() | st.integers(0, 40),
    "gas_supply": st.sampled_from([None, "PIPED", "BOTTLED", "NONE"]),
    "floors_above": st.none() | st.integers(0, 30), "floors_below": st.none() | st.integers(0, 2),
})


@settings(max_examples=200, deadline=None)
@given(answers=st.dictionaries(_item_keys, _answer_values, max_size=8), row=_facts,
       code=st.sampled_from(["RENTAL_DAILY", "RENTAL_FIRE", "THREE_SMALL", "POPULATION_CHECK"]))
def test_any_answers_give_errors_naming_items_or_none(answers: dict[str, object], row: dict[str, Any],
                                                      code: str) -> None:
    template = shipped(code)
    facts = building_facts(row)
    errors = answer_errors(template, facts, answers, "entered")
    assert all(e.field in template.item_ids or e.field in answers for e in errors)
    assert all(e.rule.startswith("inspection.") and e.message.startswith(f"{e.field}: ") for e in errors)
    assert answer_errors(template, facts, answers, "entered") == errors  # deterministic
    if not errors:
        # Accepted answers are complete: every applicable required item has one.
        shown = applicable_items(template, facts, answers)
        assert all(i.id in answers for i in shown if i.required)


def test_building_facts_derive_what_conditions_test() -> None:
    facts = building_facts({"rental_rooms": 5, "rental_beds": 30, "floors_above": 11, "floors_below": 0,
                            "gas_supply": "BOTTLED", "rent_use": "THREE_IN_ONE"}, has_catering=True)
    assert (facts["is_scale_rental"], facts["is_high_rise"], facts["has_basement"]) == (True, True, False)
    assert (facts["has_business"], facts["has_catering"], facts["has_indoor_hydrant"]) == (True, True, None)
    unknown = building_facts({"floors_above": "3", "gas_supply": ""})  # not a number, no code: unknown
    assert unknown["is_scale_rental"] is None and unknown["is_high_rise"] is None
    assert unknown["gas_supply"] is None
    with pytest.raises(ValueError, match="has_pool"):
        building_facts({}, has_pool=True)
