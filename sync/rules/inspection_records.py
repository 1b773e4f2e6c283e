"""The inspection record's rule: a submitted inspection passes the checklist of the version it names.

An ``inspection`` row (:data:`sync.schema.INSPECTION`) holds its answers, photos, fixes and the
building facts its conditions were judged with as JSON. A draft may hold anything well-formed; a
submitted one must pass :func:`sync.rules.checklists.answer_errors` against the template version
it pins. The device checks this before it writes, and the server on every pushed change
(:func:`sync.rules.records.validate_record` runs :func:`inspection_errors` as the table's cross
check), so a tampered inspection is refused and set aside like any refused change.

Templates: the shipped ones (``resources/checklists``) for now; publishing through the server is a
later step, and :func:`inspection_errors` takes the lookup to use.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

from sync.rules.checklist_answers import answer_errors
from sync.rules.checklist_codes import HazardLevel, VisitOutcome
from sync.rules.checklist_facts import FACTS, FactValue
from sync.rules.checklist_failures import Failure, failures
from sync.rules.checklist_template import ChecklistTemplate, shipped_templates
from sync.rules.errors import FieldError

DRAFT, SUBMITTED = "draft", "submitted"

#: The columns the rule reads together: an edit of any of them is judged with all of them.
JUDGED_TOGETHER = frozenset({"status", "outcome", "answers", "photos", "fixes", "facts",
                             "template_code", "template_version"})

TemplateLookup = Callable[[str, int], "ChecklistTemplate | None"]

_PHOTO_RULES = {"inspection.photo_required", "inspection.fail_photo_required"}
_FIX_RULES = {"inspection.fix_not_allowed", "inspection.fix_not_failed", "inspection.fix_needs_after_photo"}


@cache
def _shipped() -> dict[tuple[str, int], ChecklistTemplate]:
    return {t.key: t for t in shipped_templates()}


def shipped_template(code: str, version: int) -> ChecklistTemplate | None:
    """The shipped template ``code`` version ``version`` (``None``: not shipped)."""
    return _shipped().get((code, version))


def latest_shipped(code: str) -> ChecklistTemplate | None:
    """The newest shipped version of ``code`` (``None``: no such template)."""
    versions = [t for (c, _), t in _shipped().items() if c == code]
    return max(versions, key=lambda t: t.version, default=None)


def shipped_codes() -> list[str]:
    return sorted({c for c, _ in _shipped()})


def _parsed(value: object) -> object:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _shape_error(column: str, expected: str) -> FieldError:
    return FieldError(column, "inspection.shape", f"{column}: must be a JSON object of {expected}",
                      {"expected": expected})


def _object(fields: Mapping[str, object], column: str) -> dict[str, Any] | None:
    value = _parsed(fields.get(column))
    if value is None or value == "":
        return {}
    return value if isinstance(value, dict) else None


def _facts(fields: Mapping[str, object]) -> tuple[dict[str, FactValue], list[FieldError]]:
    raw = _object(fields, "facts")
    if raw is None or any(k not in FACTS or isinstance(v, dict | list) for k, v in raw.items()):
        return {}, [_shape_error("facts", "building facts (sync.rules.checklist_facts.FACTS)")]
    facts: dict[str, FactValue] = dict.fromkeys(FACTS)
    facts.update(raw)
    return facts, []


def _record_error(e: FieldError) -> FieldError:
    """A checklist error as the record's: reported on its column, still naming the item and rule."""
    if e.field == "outcome":
        return e
    column = "photos" if e.rule in _PHOTO_RULES else "fixes" if e.rule in _FIX_RULES else "answers"
    return FieldError(column, e.rule, f"{column}: {e.message}", {**e.params, "item": e.field})


def inspection_errors(fields: Mapping[str, object],
                      templates: TemplateLookup = shipped_template) -> list[FieldError]:
    """Why the inspection row ``fields`` may not be stored as it is (drafts: nothing to judge).

    Each error names its column (``answers``, ``photos``, ``fixes``, ``outcome``, ``facts``,
    ``template_code``), and for an item the item in its message and ``params["item"]``.
    """
    if fields.get("status") != SUBMITTED:
        return []
    code, version = fields.get("template_code"), fields.get("template_version")
    template = (templates(code, version)
                if isinstance(code, str) and isinstance(version, int) and not isinstance(version, bool)
                else None)
    if template is None:
        return [FieldError("template_code", "inspection.unknown_template",
                           f"template_code: no checklist template {code} version {version} here",
                           {"template": str(code), "version": str(version)})]
    answers, photos, fixes = (_object(fields, c) for c in ("answers", "photos", "fixes"))
    errors: list[FieldError] = []
    if answers is None:
        errors.append(_shape_error("answers", "item ids to answers"))
    if photos is None or any(not isinstance(v, list) or not all(isinstance(x, str) for x in v)
                             for v in photos.values()):
        errors.append(_shape_error("photos", "item ids to lists of photo ids"))
    if fixes is None or any(not isinstance(v, str) for v in fixes.values()):
        errors.append(_shape_error("fixes", "item ids to after-photo ids"))
    facts, bad_facts = _facts(fields)
    errors += bad_facts
    if errors:
        return errors
    assert answers is not None and photos is not None and fixes is not None
    found = answer_errors(template, facts, answers, fields.get("outcome"), photos=photos, fixes=fixes)
    if found:
        return [_record_error(e) for e in found]
    return _failures_errors(template, facts, answers, photos, fixes, fields)


def _failures_errors(template: ChecklistTemplate, facts: Mapping[str, FactValue], answers: Mapping[str, Any],
                     photos: Mapping[str, Any], fixes: Mapping[str, Any],
                     fields: Mapping[str, object]) -> list[FieldError]:
    """The recorded failures must be what the answers produce: none hidden, none lowered. What the
    rules cannot see here is taken from the record, as it can only add: an item the previous
    inspection failed too (``repeated``) and a level the reporter raised."""
    stored = _parsed(fields.get("failures"))
    if stored is None or stored == "":
        stored = []
    if not isinstance(stored, list) or not all(isinstance(f, dict) for f in stored):
        return [_shape_error("failures", "failures (a JSON list of objects)")]
    repeated = {str(f.get("item")) for f in stored if f.get("repeated") is True}
    raised: dict[str, HazardLevel] = {}
    for f in stored:
        if f.get("level") in {lv.value for lv in HazardLevel}:
            raised[str(f.get("item"))] = HazardLevel(str(f["level"]))
    entered = fields.get("outcome") == VisitOutcome.ENTERED
    expected = failure_records(failures(template, facts, answers, photos=photos, fixes=fixes,
                                        previous_failures=repeated, raised=raised)) if entered else []
    if stored == expected:
        return []
    want = {f["item"]: f for f in expected}
    have = {str(f.get("item")): f for f in stored}
    items = sorted(i for i in {*want, *have} if want.get(i) != have.get(i))
    return [FieldError("failures", "inspection.failures_mismatch",
                       f"failures: not what the answers give (check {', '.join(items[:10])})",
                       {"items": ", ".join(items[:10])})]


#: What a submitted inspection may still change: its notes (and a tombstone, which is no edit here).
_OPEN_AFTER_SUBMIT = frozenset({"notes"})


def edit_errors(before: Mapping[str, object], after: Mapping[str, object],
                touched: Iterable[str]) -> list[FieldError]:
    """A submitted inspection is final: what it recorded (answers, photos, outcome, failures, its
    template …) is what hazards were raised from, so an edit may change only its notes."""
    if before.get("status") != SUBMITTED:
        return []
    changed = sorted(c for c in set(touched) - _OPEN_AFTER_SUBMIT if before.get(c) != after.get(c))
    return [FieldError(c, "inspection.submitted_is_final",
                       f"{c}: the inspection is submitted; what it recorded no longer changes")
            for c in changed]


def failure_records(found: Iterable[Failure]) -> list[dict[str, Any]]:
    """Failures as the ``failures`` column stores them (what the hazard workflow raises from)."""
    return [{
        "item": f.item_id, "kind": f.kind.value, "category": f.category, "department": f.department,
        "severity": f.severity.value, "level": None if f.level is None else f.level.value,
        "notice": f.notice, "emergency_call": f.emergency_call, "data_correction": f.data_correction,
        "photos": list(f.photos), "after_photo": f.after_photo, "repeated": f.repeated,
    } for f in found]
