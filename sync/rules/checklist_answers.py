"""What a visit must record: which items apply, and every wrong or missing answer.

Answers are what an answers file holds (issue 11): item id -> ``"yes"``/``"no"``/``"na"``, a
number, a choice's code, or text. Photos and on-the-spot fixes travel beside them, keyed by item:
``photos[item]`` the photo ids (content hashes) of that item, ``fixes[item]`` the after-photo id of
an on-the-spot fix (即巡即整). Every error names the item and a stable rule code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from sync.rules import checklist_conditions as cond
from sync.rules.checklist_codes import VisitOutcome
from sync.rules.checklist_facts import FactValue
from sync.rules.checklist_template import (
    ChecklistTemplate,
    Choice,
    FreeText,
    Item,
    Number,
    PhotoAnswer,
    YesNo,
)
from sync.rules.errors import FieldError

Answers = Mapping[str, object]
Facts = Mapping[str, FactValue]
Photos = Mapping[str, Sequence[str]]
Fixes = Mapping[str, str]

YES, NO, NA = "yes", "no", "na"
_EMPTY: Mapping[str, object] = {}


def _error(item: str, rule: str, message: str, **params: str) -> FieldError:
    return FieldError(item, rule, f"{item}: {message}", {"item": item, **params})


def applicability(template: ChecklistTemplate, facts: Facts, answers: Answers) -> dict[str, cond.Tri]:
    """Each item's condition: True (applies), None (unknown fact: shown, n.a. allowed), False (hidden).

    One pass in template order (conditions only name earlier items); the answer of a hidden item,
    and an answer that is no valid answer, count as absent, so a chain of follow-ups folds away together.
    """
    state: dict[str, cond.Tri] = {}
    visible: dict[str, object] = {}
    for item in template.items:
        result = True if item.applies_when is None else cond.evaluate(item.applies_when, facts, visible)
        state[item.id] = result
        if (result is not False and item.id in answers
                and value_error(item, answers[item.id], na_allowed=result is None) is None):
            visible[item.id] = answers[item.id]
    return state


def applicable_items(template: ChecklistTemplate, facts: Facts, answers: Answers) -> tuple[Item, ...]:
    """The items to show and judge now, in template order (re-run as answers change)."""
    state = applicability(template, facts, answers)
    return tuple(it for it in template.items if state[it.id] is not False)


def applicable_answers(template: ChecklistTemplate, facts: Facts, answers: Answers) -> dict[str, object]:
    """``answers`` without those of hidden or unknown items: what a submitted inspection records.

    A runner keeps the others in its draft (nothing typed is lost if the condition flips back).
    """
    ids = {it.id for it in applicable_items(template, facts, answers)}
    return {k: v for k, v in answers.items() if k in ids}


def value_error(item: Item, value: object, *, na_allowed: bool = False) -> FieldError | None:
    """Why ``value`` is no answer to ``item`` (type, range, choice code, length), or ``None``."""
    spec = item.answer
    if isinstance(spec, YesNo):
        if value == NA and not (spec.allow_na or na_allowed):
            return _error(item.id, "inspection.na_not_allowed",
                          "n.a. is not an answer here; answer yes or no")
        if value not in (YES, NO, NA):
            return _error(item.id, "inspection.answer_type", "answer yes, no or na", expected="yes_no")
        return None
    if isinstance(spec, Number):
        return _number_error(item, spec, value, na_allowed)
    if isinstance(spec, Choice):
        if value == NA and na_allowed:
            return None
        if not isinstance(value, str) or value not in spec.codes:
            return _error(item.id, "inspection.answer_choice", f"answer one of {', '.join(spec.codes)}",
                          choices=", ".join(spec.codes))
        return None
    if isinstance(spec, FreeText):
        if not isinstance(value, str):
            return _error(item.id, "inspection.answer_type", "answer text", expected="text")
        if len(value) > spec.max_length:
            return _error(item.id, "inspection.text_too_long", f"at most {spec.max_length} characters",
                          max=str(spec.max_length))
        return None
    assert isinstance(spec, PhotoAnswer)
    return _error(item.id, "inspection.answer_type", "this item is answered by photos, not a value",
                  expected="photo")


def _number_error(item: Item, spec: Number, value: object, na_allowed: bool) -> FieldError | None:
    if value == NA and na_allowed:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return _error(item.id, "inspection.answer_type", "answer a number", expected="number")
    if spec.integer and value != int(value):
        return _error(item.id, "inspection.answer_type", "answer a whole number", expected="integer")
    if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
        lo = "" if spec.min is None else f"{spec.min:g}"
        hi = "" if spec.max is None else f"{spec.max:g}"
        return _error(item.id, "inspection.answer_range", f"answer a number in {lo}..{hi} {spec.unit.en}",
                      min=lo, max=hi)
    return None


def fails(item: Item, value: object) -> bool:
    """Whether a valid answer is a failure: "no", a number outside the pass range, a failing choice."""
    spec = item.answer
    if isinstance(spec, YesNo):
        return value == NO
    if isinstance(spec, Number):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return ((spec.pass_min is not None and value < spec.pass_min)
                or (spec.pass_max is not None and value > spec.pass_max))
    if isinstance(spec, Choice):
        return any(o.code == value and o.fails for o in spec.options)
    return False


def failed_items(template: ChecklistTemplate, facts: Facts, answers: Answers) -> tuple[Item, ...]:
    """Applicable items whose (valid) answer fails, in template order."""
    state = applicability(template, facts, answers)
    out = []
    for item in template.items:
        if state[item.id] is False or item.id not in answers:
            continue
        value = answers[item.id]
        if value_error(item, value, na_allowed=state[item.id] is None) is None and fails(item, value):
            out.append(item)
    return tuple(out)


def _outcome_errors(outcome: object, answers: Answers, photos: Photos, fixes: Fixes) -> list[FieldError]:
    if outcome not in {o.value for o in VisitOutcome}:
        allowed = ", ".join(o.value for o in VisitOutcome)
        return [FieldError("outcome", "inspection.outcome", f"outcome: answer one of {allowed}",
                           {"choices": allowed})]
    if outcome != VisitOutcome.ENTERED and (answers or any(photos.values()) or fixes):
        return [FieldError("outcome", "inspection.answers_need_entry",
                           f"outcome: a visit with outcome {outcome} records no item answers",
                           {"outcome": str(outcome)})]
    return []


def answer_errors(template: ChecklistTemplate, facts: Facts, answers: Answers, outcome: object, *,
                  photos: Photos | None = None, fixes: Fixes | None = None) -> list[FieldError]:
    """Every reason the visit cannot be submitted, each naming its item (or ``outcome``) and rule.

    Rules: ``inspection.outcome``, ``inspection.answers_need_entry``, ``inspection.unknown_item``,
    ``inspection.item_required``, ``inspection.answer_type``, ``inspection.answer_range``,
    ``inspection.answer_choice``, ``inspection.na_not_allowed``, ``inspection.text_too_long``,
    ``inspection.photo_required``, ``inspection.fail_photo_required``, ``inspection.fix_not_allowed``,
    ``inspection.fix_not_failed``, ``inspection.fix_needs_after_photo``. Answers to hidden items
    are not judged (see :func:`applicable_answers`).
    """
    photos = photos or {}
    fixes = fixes or {}
    errors = _outcome_errors(outcome, answers, photos, fixes)
    if errors or outcome != VisitOutcome.ENTERED:
        return errors
    known = set(template.item_ids)
    for key in sorted({*answers, *photos, *fixes} - known):
        errors.append(_error(key, "inspection.unknown_item", f"no item {key} in {template.code} "
                             f"v{template.version}", template=template.code))
    state = applicability(template, facts, answers)
    for item in template.items:
        if state[item.id] is not False:
            errors.extend(_item_errors(item, answers, photos, fixes, na_allowed=state[item.id] is None))
    return errors


def _item_errors(item: Item, answers: Answers, photos: Photos, fixes: Fixes, *,
                 na_allowed: bool) -> list[FieldError]:
    shots = [p for p in photos.get(item.id, ()) if p]
    if isinstance(item.answer, PhotoAnswer):
        if item.id in answers:
            bad = value_error(item, answers[item.id])
            return [] if bad is None else [bad]
        if item.required and len(shots) < item.answer.min_photos:
            least = item.answer.min_photos
            return [_error(item.id, "inspection.photo_required", f"take at least {least} photo(s)",
                           min=str(least))]
        return []
    if item.id not in answers or answers[item.id] is None or answers[item.id] == "":
        if item.required:
            return [_error(item.id, "inspection.item_required", "this item needs an answer")]
        return []
    value = answers[item.id]
    bad = value_error(item, value, na_allowed=na_allowed)
    if bad is not None:
        return [bad]
    failed = fails(item, value)
    errors = []
    if failed and item.on_fail.photo and not shots:
        errors.append(_error(item.id, "inspection.fail_photo_required", "a failed item needs a photo"))
    if item.id in fixes:
        if not item.on_fail.on_site_fix:
            errors.append(_error(item.id, "inspection.fix_not_allowed",
                                 "this item cannot be fixed on the spot"))
        elif not failed:
            errors.append(_error(item.id, "inspection.fix_not_failed", "only a failed item can be fixed"))
        elif not fixes[item.id]:
            errors.append(_error(item.id, "inspection.fix_needs_after_photo",
                                 "an on-the-spot fix needs its after-photo"))
    return errors
