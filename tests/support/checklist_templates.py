"""Checklist templates for tests: the shipped ones (cached), small ones built in code, a v2 fixture."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from sync.rules.checklist_template import CHECKLIST_DIR, ChecklistTemplate, load_template

#: A second version of 出租屋日常巡查 with a declared mapping (PS-06 removed, OT-04 renamed DS-01,
#: FS-18 added as required, PS-07's DAMAGED code replaced): for version-migration tests.
V2_FIXTURE = Path(__file__).resolve().parent / "checklist_data" / "RENTAL_DAILY.v2.json"


@cache
def shipped(code: str) -> ChecklistTemplate:
    return load_template((CHECKLIST_DIR / f"{code}.v1.json").read_text(encoding="utf-8"))


def raw(code: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CHECKLIST_DIR / f"{code}.v1.json").read_text(encoding="utf-8"))
    return data


def yes_no(item_id: str, **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": item_id, "text": {"zh": f"条目{item_id}", "en": f"item {item_id}"},
        "department": "FIRE_RESCUE", "severity": "S3", "category": "FIRE",
        "answer": {"type": "yes_no"}, "on_fail": {"hazard": "always"},
    }
    item.update(copy.deepcopy(extra))
    return item


def template_data(*items: dict[str, Any], code: str = "TEST_T", version: int = 1,
                  migration: dict[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "gridpad.checklist/1", "code": code, "version": version,
        "title": {"zh": "测试", "en": "Test"}, "object_type": "building", "items": list(items),
    }
    if migration is not None:
        data["migration"] = migration
    return data


def followups(version: int = 1) -> ChecklistTemplate:
    """FS-01 (count of e-bikes) → FS-03 only when some were seen → FS-04 only when FS-03 fails;
    plus a text note and a photo item, to exercise every answer type. Version 2 changes nothing."""
    return load_template(template_data(
        yes_no("FS-01", answer={"type": "number", "unit": {"zh": "辆", "en": "e-bikes"}, "integer": True,
                                "min": 0, "max": 200, "pass_max": 0},
               on_fail={"hazard": "always", "photo": True, "on_site_fix": True}),
        yes_no("FS-03", applies_when={"answer": "FS-01", "gt": 0}),
        yes_no("FS-04", applies_when={"answer": "FS-03", "eq": "no"}),
        yes_no("OT-09", answer={"type": "text", "max_length": 20}, required=False,
               on_fail={"hazard": "never"}),
        yes_no("OT-10", answer={"type": "photo", "min_photos": 2}, on_fail={"hazard": "never"}),
        version=version, migration={"from_version": 1} if version == 2 else None,
    ))


def passing_answers(template: ChecklistTemplate, facts: Mapping[str, Any]) -> dict[str, object]:
    """An answer that passes for every item shown for ``facts`` (photo items are left out)."""
    from sync.rules.checklist_answers import applicable_items

    out: dict[str, object] = {}
    for _ in range(3):  # follow-up items appear as the answers they test are given
        _fill(out, applicable_items(template, facts, out))
    return {k: v for k, v in out.items() if k in {it.id for it in applicable_items(template, facts, out)}}


def _fill(out: dict[str, object], items: Any) -> None:
    from sync.rules.checklist_template import Choice, FreeText, Number, YesNo

    for item in items:
        spec = item.answer
        if isinstance(spec, YesNo):
            out[item.id] = "yes"
        elif isinstance(spec, Number):
            low = spec.pass_min if spec.pass_min is not None else (spec.min or 0)
            out[item.id] = int(low) if spec.integer else low
        elif isinstance(spec, Choice):
            out[item.id] = next(o.code for o in spec.options if not o.fails)
        elif isinstance(spec, FreeText):
            out[item.id] = "ok"
