"""Moving a draft's answers to a newer template version through its declared mapping.

An inspection is pinned to the version it started on; when a newer one arrives the runner may
offer to move a draft. The new version declares (``migration``) which items were renamed, removed
and added as required; :func:`mapping_errors` checks that declaration against the old version so
no item disappears or appears unannounced, and :func:`migrate_answers` returns the moved answers
with the differences to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from sync.rules.checklist_answers import Answers, value_error
from sync.rules.checklist_template import ChecklistTemplate, TemplateError
from sync.rules.errors import FieldError

V = TypeVar("V")


@dataclass(frozen=True)
class Migration:
    answers: dict[str, object]  # keyed by the new version's item ids
    item_map: Mapping[str, str]  # old id -> new id of every carried item (to move photos and fixes)
    renamed: tuple[tuple[str, str], ...]  # (old, new) for renamed items that had an answer
    removed: tuple[tuple[str, object], ...]  # (old id, dropped answer) for removed items that had one
    new_required: tuple[str, ...]  # items the new version added as required: the draft must answer them
    invalidated: tuple[tuple[str, object], ...]  # (new id, dropped answer) that no longer fits the item

    def move_keys(self, by_item: Mapping[str, V]) -> dict[str, V]:
        """Re-key per-item data (photos, fixes) to the new ids; removed items' entries are dropped."""
        return {self.item_map[k]: v for k, v in by_item.items() if k in self.item_map}


def _err(rule: str, message: str, **params: str) -> FieldError:
    return FieldError("template.migration", rule, f"template.migration: {message}", dict(params))


def mapping_errors(old: ChecklistTemplate, new: ChecklistTemplate) -> list[FieldError]:
    """Why ``new``'s declared mapping cannot move a draft from ``old`` (empty when it can)."""
    m = new.migration
    if old.code != new.code:
        return [_err("template.mapping", f"{old.code} and {new.code} are different templates")]
    if m is None or m.from_version != old.version:
        return [_err("template.mapping", f"{new.code} v{new.version} declares no mapping from v{old.version}",
                     version=str(old.version))]
    old_ids, new_ids = set(old.item_ids), set(new.item_ids)
    errors = []
    for gone in sorted([*m.renamed, *m.removed]):
        if gone not in old_ids:
            errors.append(_err("template.mapping", f"{gone} is no item of v{old.version}", item=gone))
    for kept in sorted(old_ids - new_ids - set(m.renamed) - set(m.removed)):
        errors.append(_err("template.mapping_undeclared", f"{kept} disappears but is not declared removed or "
                           "renamed", item=kept))
    arrived = new_ids - old_ids - set(m.renamed.values())
    for item in new.items:
        if item.id in arrived and item.required and item.id not in m.added_required:
            errors.append(_err("template.mapping_undeclared", f"{item.id} is new and required but not "
                               "declared in added_required", item=item.id))
    return errors


def migrate_answers(old: ChecklistTemplate, new: ChecklistTemplate, answers: Answers) -> Migration:
    """The draft's answers moved from ``old`` to ``new`` (TemplateError if the mapping doesn't fit).

    Items whose definition did not change keep their answers exactly (even a half-typed one: the
    draft judges it later); renamed ones move to the new id; answers of removed items, and answers a
    changed item no longer accepts (a choice code gone, a type changed), are dropped and listed so
    the runner can show them.
    """
    errors = mapping_errors(old, new)
    if errors:
        raise TemplateError(errors)
    assert new.migration is not None
    renamed = new.migration.renamed
    item_map = {i: i for i in old.item_ids if new.get(i) is not None}
    item_map.update({o: n for o, n in renamed.items()})
    moved: dict[str, object] = {}
    invalid: list[tuple[str, object]] = []
    for old_id, value in answers.items():
        if old_id not in item_map:
            continue
        new_id = item_map[old_id]
        new_item = new.item(new_id)
        unchanged = replace(old.item(old_id), id=new_id) == new_item
        if unchanged or value_error(new_item, value, na_allowed=True) is None:
            moved[new_id] = value
        else:
            invalid.append((new_id, value))
    return Migration(
        answers=moved, item_map=item_map,
        renamed=tuple((o, n) for o, n in sorted(renamed.items()) if o in answers),
        removed=tuple((o, answers[o]) for o in sorted(new.migration.removed) if o in answers),
        new_required=tuple(i.id for i in new.items if i.id in new.migration.added_required),
        invalidated=tuple(invalid),
    )
