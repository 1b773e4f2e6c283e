"""What a failed item produces (issue 11 items 2, 3): hazards with category, department and the
§5.3 default level, self-resolved hazards for on-the-spot fixes, notices, S4 advice until it repeats."""

from __future__ import annotations

from support.checklist_templates import shipped

from sync.rules.checklist_answers import applicable_items
from sync.rules.checklist_codes import HazardLevel, Severity
from sync.rules.checklist_facts import building_facts
from sync.rules.checklist_failures import Failure, FailureKind, failures
from sync.rules.checklist_template import ChecklistTemplate

FACTS = building_facts({"rental_rooms": 8, "gas_supply": "PIPED", "floors_above": 4, "floors_below": 0,
                        "rent_use": "RESIDENTIAL_BUSINESS"})


def _answers(template: ChecklistTemplate, **failed: object) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in applicable_items(template, FACTS, {}):
        out[item.id] = {"yes_no": "yes", "number": 0, "choice": "READABLE"}[item.answer_type]
    return out | {k.replace("_", "-"): v for k, v in failed.items()}


def _by_item(found: tuple[Failure, ...]) -> dict[str, Failure]:
    return {f.item_id: f for f in found}


def test_all_passing_produces_nothing() -> None:
    daily = shipped("RENTAL_DAILY")
    assert failures(daily, FACTS, _answers(daily)) == ()


def test_refused_indoor_charging_is_a_major_fire_hazard() -> None:
    daily = shipped("RENTAL_DAILY")
    [f] = failures(daily, FACTS, _answers(daily, FS_02="no"), photos={"FS-02": ["sha-before"]})
    assert f == Failure(
        item_id="FS-02", kind=FailureKind.HAZARD, category="FIRE", department="FIRE_RESCUE",
        severity=Severity.S1, level=HazardLevel.MAJOR, notice=False, emergency_call="never",
        data_correction=False, photos=("sha-before",), after_photo=None, repeated=False)
    assert f.is_hazard


def test_fixed_on_the_spot_is_a_self_resolved_hazard() -> None:
    daily = shipped("RENTAL_DAILY")
    [f] = failures(daily, FACTS, _answers(daily, FS_01=2), photos={"FS-01": ["sha-b"]},
                   fixes={"FS-01": "sha-after"})
    assert (f.kind, f.level, f.after_photo, f.is_hazard) == (
        FailureKind.SELF_RESOLVED, HazardLevel.MAJOR, "sha-after", True)
    # A notice is for what is left to rectify: none once it is fixed.
    [g] = failures(daily, FACTS, _answers(daily, GS_04="no"), fixes={"GS-04": "sha-hose"})
    assert (g.kind, g.notice) == (FailureKind.SELF_RESOLVED, False)
    [h] = failures(daily, FACTS, _answers(daily, GS_04="no"))
    assert (h.kind, h.notice, h.level) == (FailureKind.RECORDED, True, None)


def test_s4_is_advice_until_it_repeats() -> None:
    daily = shipped("RENTAL_DAILY")
    answers = _answers(daily, PS_10="no", PS_07="MISSING")
    first = _by_item(failures(daily, FACTS, answers))
    assert {k: (f.kind, f.level) for k, f in first.items()} == {
        "PS-07": (FailureKind.ADVICE, None), "PS-10": (FailureKind.ADVICE, None)}
    assert first["PS-07"].data_correction and first["PS-10"].notice
    again = _by_item(failures(daily, FACTS, answers, previous_failures={"PS-10"}))
    assert (again["PS-10"].kind, again["PS-10"].level, again["PS-10"].repeated) == (
        FailureKind.HAZARD, HazardLevel.GENERAL, True)
    assert again["PS-07"].kind == FailureKind.ADVICE


def test_when_repeated_items_are_reported_the_second_time() -> None:
    daily = shipped("RENTAL_DAILY")
    answers = _answers(daily, FS_07="no", PS_02=3)
    first = _by_item(failures(daily, FACTS, answers, photos={"FS-07": ["sha-gauge"]}))
    assert first["FS-07"].kind == FailureKind.RECORDED and first["FS-07"].notice
    assert first["PS-02"].kind == FailureKind.RECORDED and first["PS-02"].data_correction
    again = _by_item(failures(daily, FACTS, answers, previous_failures=["FS-07", "PS-02"]))
    assert again["FS-07"].kind == again["PS-02"].kind == FailureKind.HAZARD
    assert (again["FS-07"].level, again["PS-02"].level) == (HazardLevel.GENERAL, HazardLevel.MAJOR)


def test_enforcement_categories_are_complex_and_gas_smell_calls_first() -> None:
    small = shipped("THREE_SMALL")
    facts = building_facts({"rent_use": "BUSINESS", "gas_supply": "BOTTLED"})
    answers: dict[str, object] = {
        i.id: "yes" for i in applicable_items(small, facts, {}) if i.answer_type == "yes_no"}
    answers |= {"GS-01": 0, "OT-01": "no", "GS-07": "no"}
    found = _by_item(failures(small, facts, answers))
    assert (found["OT-01"].kind, found["OT-01"].level, found["OT-01"].department) == (
        FailureKind.HAZARD, HazardLevel.COMPLEX, "MARKET_SUPERVISION")
    assert (found["GS-07"].level, found["GS-07"].emergency_call, found["GS-07"].department) == (
        HazardLevel.EMERGENCY, "always", "URBAN_MANAGEMENT")


def test_the_reporter_may_raise_a_level_but_not_lower_it() -> None:
    daily = shipped("RENTAL_DAILY")
    answers = _answers(daily, FS_02="no", FS_11="no")
    found = _by_item(failures(daily, FACTS, answers,
                              raised={"FS-02": HazardLevel.EMERGENCY, "FS-11": HazardLevel.GENERAL}))
    assert found["FS-02"].level == HazardLevel.EMERGENCY
    assert found["FS-11"].level == HazardLevel.MAJOR


def test_hidden_and_invalid_answers_produce_nothing() -> None:
    daily = shipped("RENTAL_DAILY")
    no_gas = building_facts({"gas_supply": "NONE", "rental_rooms": 2})
    assert failures(daily, no_gas, {"GS-07": "no", "FS-02": "nope", "FS-01": -1}) == ()
