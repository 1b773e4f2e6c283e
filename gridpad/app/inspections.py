"""Inspections (巡查): start a draft, save answers and photos, submit (issue 11).

A draft is a synced ``inspection`` row with ``status = draft``: it survives a restart and syncs
like any record. Submit judges it with the shared checklist rules against the template version it
pinned at start (:func:`sync.rules.checklists.answer_errors`), records the failures
(:func:`sync.rules.checklists.failures`; the hazard workflow raises hazards from them) and, for an
entered visit only, the building's last-inspected date (its next due date follows from the cycle).
A refused submit writes nothing new and keeps the draft as it was saved. The server runs the same
rule on what is pushed (:mod:`sync.rules.inspection_records`).

Templates: the ones shipped in ``resources/checklists`` for now (publishing them through the
server comes later).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from gridpad.app.photos import PhotoFileError, add_photo
from gridpad.store import inspections as inspection_reads
from gridpad.store import repo
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.store.errors import ValidationFailed
from sync.rules import checklists
from sync.rules.checklist_template import ChecklistTemplate
from sync.rules.errors import FieldError
from sync.rules.inspection_records import (
    DRAFT,
    SUBMITTED,
    failure_records,
    latest_shipped,
    shipped_codes,
    shipped_template,
)

__all__ = ["DRAFT", "SUBMITTED", "InspectionError", "SubmitRefusedError", "Submitted", "add_fix",
           "add_item_photo", "add_to_draft", "pinned_template", "record", "save_answers", "start",
           "submit", "template_for"]

#: Dates (last inspected, due) are Dongguan's calendar days.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class InspectionError(ValueError):
    """A request that cannot be done (unknown building or template, a submitted inspection edited,
    a photo file that is no photo); the message says which in one line."""


class SubmitRefusedError(InspectionError):
    """Submit refused by the checklist rules; ``errors`` name each item (``field``) and rule. The
    draft stays as it was saved, nothing typed is lost."""

    def __init__(self, inspection_id: str, errors: Sequence[FieldError]) -> None:
        self.inspection_id = inspection_id
        self.errors = list(errors)
        super().__init__("; ".join(f"{e.message} ({e.rule})" for e in self.errors))


@dataclass(frozen=True)
class Submitted:
    inspection_id: str
    building_id: str
    outcome: str
    failures: tuple[checklists.Failure, ...]
    #: The building's new last-inspected date (``None``: a visit that is not an inspection).
    inspected_on: str | None

    @property
    def hazards(self) -> tuple[checklists.Failure, ...]:
        """Failures the hazard workflow raises (open or self-resolved)."""
        return tuple(f for f in self.failures if f.is_hazard)


def _now() -> dt.datetime:
    return dt.datetime.now(LOCAL_TZ)


def _row(store: Store, inspection_id: str) -> dict[str, Any]:
    row = repo.get(store, "inspection", inspection_id)
    if row is None or row.get("_deleted"):
        raise InspectionError(f"no inspection {inspection_id} on this tablet")
    return row


def _draft(store: Store, inspection_id: str) -> dict[str, Any]:
    row = _row(store, inspection_id)
    if row.get("status") != DRAFT:
        raise InspectionError(f"inspection {inspection_id} is already submitted; it cannot change")
    return row


def _obj(row: Mapping[str, Any], column: str) -> dict[str, Any]:
    value = row.get(column)
    parsed = json.loads(value) if isinstance(value, str) and value else value
    return dict(parsed) if isinstance(parsed, dict) else {}


def template_for(row: Mapping[str, Any]) -> ChecklistTemplate:
    """The template version the inspection pinned when it started."""
    template = shipped_template(str(row.get("template_code")), int(row.get("template_version") or 0))
    if template is None:
        raise InspectionError(f"template {row.get('template_code')} version {row.get('template_version')} "
                              "is not on this tablet")
    return template


def pinned_template(store: Store, inspection_id: str) -> ChecklistTemplate:
    """The template version an inspection on this tablet is pinned to."""
    return template_for(_row(store, inspection_id))


def start(store: Store, building_id: str, template_code: str, *, outcome: str | None = None,
          unit_id: str | None = None, now: dt.datetime | None = None) -> str:
    """A new draft on the newest version of ``template_code`` for a building; returns its id."""
    building = repo.get(store, "building", building_id)
    if building is None or building.get("_deleted"):
        raise InspectionError(f"building: no building {building_id} on this tablet")
    template = latest_shipped(template_code)
    if template is None:
        raise InspectionError(f"template: no checklist template {template_code} "
                              f"(known: {', '.join(shipped_codes())})")
    fields: dict[str, Any] = {
        "grid_id": building["grid_id"], "building_id": building_id, "unit_id": unit_id,
        "template_code": template.code, "template_version": template.version, "status": DRAFT,
        "outcome": outcome, "answers": {}, "photos": {}, "fixes": {},
        "facts": checklists.building_facts(building),
        "started_at": (now or _now()).isoformat(timespec="seconds"),
        "inspector": DeviceMeta(store).user_name,
    }
    try:
        return repo.insert(store, "inspection", {k: v for k, v in fields.items() if v is not None})
    except ValidationFailed as exc:
        raise InspectionError(str(exc)) from None


def save_answers(store: Store, inspection_id: str, answers: Mapping[str, object] | None = None, *,
                 outcome: str | None = None, notes: str | None = None) -> None:
    """Merge ``answers`` (item id -> answer; ``None`` clears one) into the draft. Nothing is judged
    yet: a draft may hold half an inspection. Unknown items are refused now (a typo would be lost)."""
    with store.transaction():
        row = _draft(store, inspection_id)
        template = template_for(row)
        merged = _obj(row, "answers")
        unknown = sorted(set(answers or {}) - set(template.item_ids))
        if unknown:
            raise SubmitRefusedError(inspection_id, [FieldError(
                k, "inspection.unknown_item", f"{k}: no item {k} in {template.code} v{template.version}",
                {"item": k}) for k in unknown])
        for item, value in (answers or {}).items():
            if value is None:
                merged.pop(item, None)
            else:
                merged[item] = value
        changes: dict[str, Any] = {"answers": merged}
        if outcome is not None:
            changes["outcome"] = outcome
        if notes is not None:
            changes["notes"] = notes
        try:
            repo.update(store, "inspection", inspection_id, changes)
        except ValidationFailed as exc:
            raise InspectionError(str(exc)) from None


def _item_of(template: ChecklistTemplate, inspection_id: str, item: str) -> None:
    if template.get(item) is None:
        raise SubmitRefusedError(inspection_id, [FieldError(
            item, "inspection.unknown_item", f"{item}: no item {item} in {template.code} v{template.version}",
            {"item": item})])


def add_item_photo(store: Store, inspection_id: str, item: str, path: Path) -> str:
    """Take a photo file for an item of the draft; returns the photo id (its SHA-256)."""
    with store.transaction():
        row = _draft(store, inspection_id)
        _item_of(template_for(row), inspection_id, item)
        sha = _photo(store, row, item, path)
        photos = _obj(row, "photos")
        shots = list(photos.get(item, []))
        if sha not in shots:
            photos[item] = [*shots, sha]
            repo.update(store, "inspection", inspection_id, {"photos": photos})
    return sha


def add_fix(store: Store, inspection_id: str, item: str, after_photo: Path) -> str:
    """Record an on-the-spot fix (即巡即整) of an item with its after-photo; returns the photo id."""
    with store.transaction():
        row = _draft(store, inspection_id)
        _item_of(template_for(row), inspection_id, item)
        sha = _photo(store, row, item, after_photo)
        repo.update(store, "inspection", inspection_id, {"fixes": {**_obj(row, "fixes"), item: sha}})
    return sha


def _photo(store: Store, row: Mapping[str, Any], item: str, path: Path) -> str:
    try:
        return add_photo(store, path, grid_id=str(row["grid_id"]), owner_table="inspection",
                         owner_id=str(row["id"]))
    except PhotoFileError as exc:
        raise InspectionError(f"{item}: {exc}") from None


def submit(store: Store, inspection_id: str, *, now: dt.datetime | None = None) -> Submitted:
    """Judge the draft, record its failures and submit it; for an entered visit, the building's
    last-inspected date becomes today (never earlier than it was). :class:`SubmitRefusedError`
    lists every item to fix; the draft is left as it was."""
    when = now or _now()
    with store.transaction():
        row = _draft(store, inspection_id)
        template = template_for(row)
        facts = _obj(row, "facts")
        answers, photos, fixes = _obj(row, "answers"), _obj(row, "photos"), _obj(row, "fixes")
        outcome = row.get("outcome")
        errors = checklists.answer_errors(template, facts, answers, outcome, photos=photos, fixes=fixes)
        if errors:
            raise SubmitRefusedError(inspection_id, errors)
        entered = outcome == checklists.VisitOutcome.ENTERED
        found: tuple[checklists.Failure, ...] = ()
        if entered:
            answers = checklists.applicable_answers(template, facts, answers)
            previous = inspection_reads.previous_failed_items(store, str(row["building_id"]), inspection_id)
            found = checklists.failures(template, facts, answers, photos=photos, fixes=fixes,
                                        previous_failures=previous)
        try:
            repo.update(store, "inspection", inspection_id, {
                "status": SUBMITTED, "answers": answers, "failures": failure_records(found),
                "submitted_at": when.isoformat(timespec="seconds")})
        except ValidationFailed as exc:  # the shared record rule: the same as answer_errors above
            raise SubmitRefusedError(inspection_id, exc.errors) from None
        inspected_on = _record_inspected(store, str(row["building_id"]), when.date()) if entered else None
    return Submitted(inspection_id, str(row["building_id"]), str(outcome), found, inspected_on)


def _record_inspected(store: Store, building_id: str, day: dt.date) -> str:
    building = repo.get(store, "building", building_id) or {}
    last = building.get("last_inspected_at")
    if isinstance(last, str) and last[:10] >= day.isoformat():
        return last[:10]  # a later inspection already counted (a clock set back, a synced one)
    repo.update(store, "building", building_id, {"last_inspected_at": day.isoformat()})
    return day.isoformat()


def record(store: Store, building_id: str, template_code: str, *, outcome: str,
           answers: Mapping[str, object] | None = None, photos: Sequence[tuple[str, Path]] = (),
           fixes: Sequence[tuple[str, Path]] = (), notes: str | None = None,
           now: dt.datetime | None = None) -> str:
    """Start a draft with its answers, item photos and fixes in one go (all or nothing): what a
    script hands over at once. Returns the draft's id; :func:`submit` it next."""
    with store.transaction():
        iid = start(store, building_id, template_code, outcome=outcome, now=now)
        add_to_draft(store, iid, answers, photos=photos, fixes=fixes, notes=notes)
    return iid


def add_to_draft(store: Store, inspection_id: str, answers: Mapping[str, object] | None = None, *,
                 photos: Sequence[tuple[str, Path]] = (), fixes: Sequence[tuple[str, Path]] = (),
                 outcome: str | None = None, notes: str | None = None) -> None:
    """Answers, item photos (item, file) and on-the-spot fixes (item, after-photo) added to a
    draft in one transaction: a bad file or unknown item leaves the draft as it was."""
    with store.transaction():
        if answers or outcome is not None or notes is not None:
            save_answers(store, inspection_id, answers, outcome=outcome, notes=notes)
        for item, path in photos:
            add_item_photo(store, inspection_id, item, path)
        for item, path in fixes:
            add_fix(store, inspection_id, item, path)
