"""Template versioning (issue 11 item 1, "Done when"): a draft moves to a newer version through the
declared mapping, with renamed, removed and new required items shown; nothing unchanged is lost."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.checklist_templates import V2_FIXTURE, followups, shipped, template_data, yes_no

from sync.rules.checklist_answers import answer_errors
from sync.rules.checklist_facts import building_facts
from sync.rules.checklist_migration import mapping_errors, migrate_answers
from sync.rules.checklist_template import TemplateError, load_template

V1 = shipped("RENTAL_DAILY")
V2 = load_template(V2_FIXTURE.read_text(encoding="utf-8"))
FACTS = building_facts({"rental_rooms": 8, "gas_supply": "PIPED", "floors_above": 4, "floors_below": 0})


def test_a_draft_moves_to_v2_with_the_differences_listed() -> None:
    draft: dict[str, object] = {"FS-02": "no", "PS-06": "no", "OT-04": "yes", "PS-07": "DAMAGED", "PS-02": 1}
    moved = migrate_answers(V1, V2, draft)
    assert moved.answers == {"FS-02": "no", "DS-01": "yes", "PS-02": 1}
    assert moved.renamed == (("OT-04", "DS-01"),)
    assert moved.removed == (("PS-06", "no"),)
    assert moved.new_required == ("FS-18",)
    assert moved.invalidated == (("PS-07", "DAMAGED"),)  # v2 has no DAMAGED code
    photos = {"FS-02": ["sha-1"], "PS-06": ["sha-2"], "OT-04": ["sha-3"]}
    assert moved.move_keys(photos) == {"FS-02": ["sha-1"], "DS-01": ["sha-3"]}
    # The moved draft is judged by v2: the new required item and the dropped answer are asked for.
    errors = answer_errors(V2, FACTS, moved.answers, "entered", photos=moved.move_keys(photos))
    missing = {e.field for e in errors if e.rule == "inspection.item_required"}
    assert {"FS-18", "PS-07"} <= missing and "DS-01" not in missing and "PS-06" not in missing


def test_a_mapping_must_fit_the_old_version() -> None:
    assert mapping_errors(V1, V2) == []
    assert [e.rule for e in mapping_errors(V1, shipped("RENTAL_FIRE"))] == ["template.mapping"]
    assert [e.rule for e in mapping_errors(V2, V2)] == ["template.mapping"]  # no mapping from v2
    v1 = load_template(template_data(yes_no("FS-01"), yes_no("FS-02")))
    sloppy = load_template(template_data(
        yes_no("FS-01"), yes_no("FS-03"), yes_no("FS-04", required=False), version=2,
        migration={"from_version": 1, "renamed": {"OT-01": "FS-04"}}))
    assert sorted(e.message for e in mapping_errors(v1, sloppy)) == [
        "template.migration: FS-02 disappears but is not declared removed or renamed",
        "template.migration: FS-03 is new and required but not declared in added_required",
        "template.migration: OT-01 is no item of v1",
    ]
    with pytest.raises(TemplateError):
        migrate_answers(v1, sloppy, {"FS-01": "yes"})


_values = st.one_of(st.sampled_from(["yes", "no", "na", "READABLE", "MISSING", "DAMAGED"]),
                    st.integers(-3, 300), st.text(max_size=5), st.none())


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from([*V1.item_ids, "ZZ-99"]), _values, max_size=15))
def test_migration_preserves_answers_of_unchanged_items(answers: dict[str, object]) -> None:
    moved = migrate_answers(V1, V2, answers)
    for old_id, value in answers.items():
        new_item = V2.get(old_id)
        if new_item is not None and new_item == V1.get(old_id):
            assert moved.answers[old_id] == value  # unchanged item: kept exactly, even if not yet valid
    assert set(moved.answers) <= set(V2.item_ids)
    dropped = {o for o, _ in moved.removed} | {n for n, _ in moved.invalidated}
    carried = {moved.item_map[k] for k in answers if k in moved.item_map}
    assert carried == set(moved.answers) | (dropped & set(V2.item_ids))


def test_an_unchanged_version_keeps_everything() -> None:
    answers: dict[str, object] = {"FS-01": 3, "FS-03": "no", "OT-09": "hi"}
    moved = migrate_answers(followups(1), followups(2), answers)
    assert moved.answers == answers and moved.renamed == moved.removed == moved.invalidated == ()
    assert moved.new_required == ()
