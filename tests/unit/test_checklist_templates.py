"""Checklist templates as versioned data (issue 11 item 1): the four shipped templates validate and
cover the 42 items of domain.md §4; the schema and the semantic checks reject broken templates."""

from __future__ import annotations

import json
from typing import Any

import pytest
from support.checklist_templates import V2_FIXTURE, raw, template_data, yes_no

from sync.rules.checklist_codes import DEPARTMENT, HAZARD_CATEGORY, ItemLevel, Severity, default_level
from sync.rules.checklist_template import (
    CHECKLIST_DIR,
    TemplateError,
    load_template,
    shipped_template_files,
    shipped_templates,
    template_errors,
)

#: The 42 item ids of domain.md §4.1–§4.4.
DOMAIN_ITEMS = (
    [f"PS-{n:02d}" for n in range(1, 12)] + [f"FS-{n:02d}" for n in range(1, 18)]
    + [f"GS-{n:02d}" for n in range(1, 8)] + ["HS-01", "HS-02", "HS-03"]
    + [f"OT-{n:02d}" for n in range(1, 5)]
)
#: S1 items domain.md §5.3 puts at 较大 rather than 紧急 (refused e-bike parking and charging,
#: three-in-one sites, people living in shops).
DECLARED_MAJOR = {"FS-01", "FS-02", "FS-13", "FS-14"}


def test_the_four_suggested_templates_ship_and_validate() -> None:
    templates = {t.code: t for t in shipped_templates()}
    assert {c: t.title.zh for c, t in templates.items()} == {
        "RENTAL_DAILY": "出租屋日常巡查", "RENTAL_FIRE": "出租屋消防专项",
        "POPULATION_CHECK": "人口信息核采", "THREE_SMALL": "三小场所",
    }
    for path in shipped_template_files():
        assert template_errors(json.loads(path.read_text(encoding="utf-8"))) == [], path.name
        t = load_template(path.read_text(encoding="utf-8"))
        assert path.name == f"{t.code}.v{t.version}.json"
        assert t.version == 1 and t.migration is None
    assert templates["THREE_SMALL"].object_type == "place"
    # The suggested contents of domain.md §4 are all there.
    assert set(templates["POPULATION_CHECK"].item_ids) == {"PS-01", "PS-02", "PS-03", "PS-04", "PS-09"}
    assert {i for i in DOMAIN_ITEMS if i[:2] in ("FS", "GS")} == set(templates["RENTAL_FIRE"].item_ids)


def test_all_42_domain_items_are_covered_once_defined() -> None:
    templates = shipped_templates()
    covered: dict[str, Any] = {}
    for t in templates:
        for item in t.items:
            # An item means the same everywhere it appears.
            assert covered.setdefault(item.id, item) == item, item.id
    assert len(DOMAIN_ITEMS) == 42
    assert sorted(covered) == sorted(DOMAIN_ITEMS)


def test_items_carry_what_the_runner_and_the_hazard_need() -> None:
    for t in shipped_templates():
        for item in t.items:
            assert item.text.zh and item.text.en
            assert item.department in DEPARTMENT and item.category in HAZARD_CATEGORY
            expected = (ItemLevel.MAJOR if item.id in DECLARED_MAJOR
                        else default_level(item.severity, item.category))
            assert item.level == expected, item.id
    by_code = {t.code: t for t in shipped_templates()}
    daily = by_code["RENTAL_DAILY"]
    fs02 = daily.item("FS-02")
    assert (fs02.department, fs02.severity, fs02.level, fs02.category) == (
        "FIRE_RESCUE", Severity.S1, ItemLevel.MAJOR, "FIRE")
    assert fs02.on_fail.photo and fs02.on_fail.on_site_fix and fs02.on_fail.hazard == "always"
    assert daily.item("GS-07").on_fail.emergency_call == "always"
    assert daily.item("PS-10").level == ItemLevel.ADVICE  # S4: advice unless repeated
    assert daily.item("HS-03").level == ItemLevel.COMPLEX  # 违法建设
    assert by_code["THREE_SMALL"].item("OT-01").level == ItemLevel.COMPLEX  # 无证照经营, though S4
    assert daily.item("PS-05").applies_when is not None and daily.item("GS-01").applies_when is not None


def test_the_v2_fixture_declares_its_mapping() -> None:
    v2 = load_template(V2_FIXTURE.read_text(encoding="utf-8"))
    assert v2.key == ("RENTAL_DAILY", 2)
    assert v2.migration is not None
    assert dict(v2.migration.renamed) == {"OT-04": "DS-01"}
    assert v2.migration.removed == ("PS-06",) and v2.migration.added_required == ("FS-18",)


def _rules(data: object) -> set[tuple[str, str]]:
    return {(e.field, e.rule) for e in template_errors(data)}


def test_schema_rejects_a_missing_field() -> None:
    data = raw("RENTAL_FIRE")
    del data["items"][0]["severity"]
    with pytest.raises(TemplateError) as caught:
        load_template(data)
    [error] = caught.value.errors
    assert error.field == "template.items[0]" and error.rule == "template.schema"
    assert "'severity' is a required property" in error.message
    missing_version = raw("RENTAL_FIRE")
    del missing_version["version"]
    assert _rules(missing_version) == {("template", "template.schema")}


def test_schema_rejects_an_unknown_answer_type() -> None:
    data = raw("RENTAL_FIRE")
    data["items"][2]["answer"] = {"type": "date"}
    errors = template_errors(data)
    assert errors and {e.rule for e in errors} == {"template.schema"}
    assert all(e.field.startswith("template.items[2].answer") for e in errors)
    assert [e.message for e in errors] == [
        "template.items[2].answer.type: 'date' is not one of ['yes_no', 'number', 'choice', 'text', 'photo']"]
    # Each type's own fields are checked, and the message says which one is missing.
    data["items"][2]["answer"] = {"type": "number"}
    assert [e.message for e in template_errors(data)] == [
        "template.items[2].answer: 'unit' is a required property"]
    data["items"][2]["answer"] = {"type": "yes_no", "options": []}
    assert [e.rule for e in template_errors(data)] == ["template.schema"]


def test_a_condition_naming_an_unknown_item_or_fact_is_rejected() -> None:
    unknown_item = template_data(yes_no("FS-01"),
                                 yes_no("FS-02", applies_when={"answer": "FS-99", "eq": "no"}))
    assert _rules(unknown_item) == {("template.items[1].applies_when", "template.unknown_item")}
    later_item = template_data(yes_no("FS-01", applies_when={"answer": "FS-02", "eq": "no"}), yes_no("FS-02"))
    assert _rules(later_item) == {("template.items[0].applies_when", "template.condition_order")}
    unknown_fact = template_data(yes_no("FS-01", applies_when={"not": {"fact": "has_pool"}}))
    assert _rules(unknown_fact) == {("template.items[0].applies_when", "template.unknown_fact")}
    bad_code = template_data(yes_no("FS-01", applies_when={"fact": "gas_supply", "eq": "PIPE"}))
    assert _rules(bad_code) == {("template.items[0].applies_when", "template.unknown_code")}
    code_as_python = template_data(yes_no("FS-01", applies_when={"expr": "__import__('os')"}))
    assert {r for _, r in _rules(code_as_python)} == {"template.schema"}


def test_semantic_checks() -> None:
    dup = template_data(yes_no("FS-01"), yes_no("FS-01"))
    assert _rules(dup) == {("template.items[1]", "template.duplicate_item")}
    dept = template_data(yes_no("FS-01", department="FIRE"), yes_no("FS-02", category="ARSON"))
    assert _rules(dept) == {("template.items[0]", "template.unknown_department"),
                            ("template.items[1]", "template.unknown_category")}
    choice = template_data(yes_no("PS-07", answer={"type": "choice", "options": [
        {"code": "A", "text": {"zh": "甲", "en": "A"}}, {"code": "A", "text": {"zh": "乙", "en": "B"}}]}))
    assert _rules(choice) == {("template.items[0].answer", "template.duplicate_code")}


def test_versions_need_a_mapping_that_names_real_items() -> None:
    no_mapping = template_data(yes_no("FS-01"), version=2)
    assert {r for _, r in _rules(no_mapping)} == {"template.schema"}
    v1_with_mapping = template_data(yes_no("FS-01"), migration={"from_version": 1})
    assert {r for _, r in _rules(v1_with_mapping)} == {"template.schema"}
    bad = template_data(
        yes_no("FS-01"), yes_no("FS-02", required=False), version=3,
        migration={"from_version": 3, "renamed": {"FS-01": "FS-01", "OT-01": "FS-77"}, "removed": ["FS-02"],
                   "added_required": ["FS-02"]})
    messages = sorted(e.message for e in template_errors(bad))
    assert messages == [
        "template.migration: FS-01 is renamed but still an item",
        "template.migration: FS-02 is added as required but is no required item",
        "template.migration: FS-02 is removed but still an item",
        "template.migration: OT-01 is renamed to FS-77, which is no item",
        "template.migration: from_version must be older than version",
    ]


def test_load_template_reports_text_that_is_no_json() -> None:
    with pytest.raises(TemplateError) as caught:
        load_template('{"code": ')
    assert caught.value.errors[0].rule == "template.json"


def test_schema_file_is_where_the_server_will_find_it() -> None:
    assert (CHECKLIST_DIR / "template.schema.json").is_file()


def test_a_condition_must_fit_what_it_tests() -> None:
    count = yes_no("FS-01", answer={"type": "number", "unit": {"zh": "辆", "en": "e-bikes"}})
    def after_fs02(condition: dict[str, Any]) -> dict[str, Any]:
        return template_data(yes_no("FS-02"), yes_no("FS-03", applies_when=condition))

    never_answered = after_fs02({"answer": "FS-02", "eq": "No"})
    assert _rules(never_answered) == {("template.items[1].applies_when", "template.unknown_code")}
    ordered_yes_no = after_fs02({"answer": "FS-02", "gt": 1})
    assert _rules(ordered_yes_no) == {("template.items[1].applies_when", "template.condition_type")}
    assert _rules(template_data(count, yes_no("FS-03", applies_when={"answer": "FS-01", "gte": 1}))) == set()
    ordered_code = template_data(yes_no("FS-02", applies_when={"fact": "gas_supply", "gt": 1}))
    assert _rules(ordered_code) == {("template.items[0].applies_when", "template.condition_type")}
    pass_range = template_data(yes_no("FS-01", answer={"type": "number", "unit": {"zh": "个", "en": "items"},
                                                       "pass_min": 3, "pass_max": 1}))
    assert _rules(pass_range) == {("template.items[0].answer", "template.range")}
