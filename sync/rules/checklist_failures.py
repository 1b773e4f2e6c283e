"""What each failed item produces (domain.md §4 on-fail codes, §5.2 shortcut, §5.3 levels).

* fixed on the spot with an after-photo → a self-resolved hazard (即巡即整: counted as found and
  self-resolved; the centre may spot-check it);
* an S4 item (level ADVICE) → advice recorded, reported (as 一般) only when it repeats;
* hazard ``always`` → a hazard at the item's level (the reporter may raise it, never lower it);
* hazard ``when_repeated`` → a hazard only if the previous inspection failed it too, else recorded;
* hazard ``never`` → recorded (notice and data correction as the item says).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from sync.rules.checklist_answers import Answers, Facts, Fixes, Photos, failed_items
from sync.rules.checklist_codes import LEVEL_RANK, HazardLevel, ItemLevel, Severity
from sync.rules.checklist_template import ChecklistTemplate, EmergencyWhen, Item


class FailureKind(StrEnum):
    HAZARD = "hazard"  # reported (REPORTED), routed to the department
    SELF_RESOLVED = "self_resolved"  # reported as already fixed (SELF_RESOLVED)
    ADVICE = "advice"  # S4: advised and recorded, not reported
    RECORDED = "recorded"  # recorded with the inspection (notice/data correction), not reported


@dataclass(frozen=True)
class Failure:
    item_id: str
    kind: FailureKind
    category: str
    department: str
    severity: Severity
    level: HazardLevel | None  # set for HAZARD and SELF_RESOLVED
    notice: bool  # issue a 整改告知书
    emergency_call: EmergencyWhen  # "always": call 119/110/燃气抢修 before anything else
    data_correction: bool
    photos: tuple[str, ...]
    after_photo: str | None
    repeated: bool  # the previous inspection failed this item too

    @property
    def is_hazard(self) -> bool:
        """Whether it becomes a hazard record (open or self-resolved)."""
        return self.kind in (FailureKind.HAZARD, FailureKind.SELF_RESOLVED)


def _level(item: Item, repeated: bool, raised: HazardLevel | None) -> HazardLevel:
    base = HazardLevel.GENERAL if item.level == ItemLevel.ADVICE else HazardLevel(item.level.value)
    if raised is not None and LEVEL_RANK[raised] > LEVEL_RANK[base]:
        return raised
    return base


def _kind(item: Item, fixed: bool, repeated: bool) -> FailureKind:
    if item.level == ItemLevel.ADVICE and not repeated:
        return FailureKind.ADVICE
    if fixed:
        return FailureKind.SELF_RESOLVED
    if item.level == ItemLevel.ADVICE or item.on_fail.hazard == "always":
        return FailureKind.HAZARD
    if item.on_fail.hazard == "when_repeated" and repeated:
        return FailureKind.HAZARD
    return FailureKind.RECORDED


def failures(template: ChecklistTemplate, facts: Facts, answers: Answers, *,
             photos: Photos | None = None, fixes: Fixes | None = None,
             previous_failures: Collection[str] = (),
             raised: Mapping[str, HazardLevel] | None = None) -> tuple[Failure, ...]:
    """One :class:`Failure` per failed applicable item, in template order.

    ``previous_failures``: item ids the previous inspection of the same building failed (for S4 and
    ``when_repeated`` items). ``raised``: levels the reporter chose per item (only a raise counts).
    Call it on answers that :func:`~sync.rules.checklist_answers.answer_errors` accepts.
    """
    photos = photos or {}
    fixes = fixes or {}
    raised = raised or {}
    out = []
    for item in failed_items(template, facts, answers):
        repeated = item.id in previous_failures
        after = fixes.get(item.id) or None
        fixed = after is not None and item.on_fail.on_site_fix
        kind = _kind(item, fixed, repeated)
        out.append(Failure(
            item_id=item.id, kind=kind, category=item.category, department=item.department,
            severity=item.severity,
            level=_level(item, repeated, raised.get(item.id)) if kind in (
                FailureKind.HAZARD, FailureKind.SELF_RESOLVED) else None,
            notice=item.on_fail.notice and not fixed, emergency_call=item.on_fail.emergency_call,
            data_correction=item.on_fail.data_correction,
            photos=tuple(p for p in photos.get(item.id, ()) if p),
            after_photo=after if fixed else None, repeated=repeated,
        ))
    return tuple(out)
