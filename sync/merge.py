"""The field-level merge rule, as pure functions (the server calls them inside its push transaction).

Per field the server keeps the ``server_seq`` of its last write and that write's ``(hlc, device)``.
An incoming field the device edited from a version at least as new (``base_seq >= modified_seq``)
fast-forwards. Otherwise the two writes were concurrent: the larger ``(hlc, device_id)`` wins,
whichever arrived first, and the loser's value is kept in a conflict for review.

A device's later edit of a field it wrote itself is never concurrent with that write (the device
saw its own value), even though it cannot know the write's ``server_seq`` before it pulls.

Edits racing a delete become conflicts of kind ``delete``: an edit to a row deleted behind the
editor's back is not applied (the tombstone stays; the edit is kept in the conflict), and a delete
of a row edited behind the deleter's back is applied (the edited values stay in the tombstone).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sync.schema import DELETED


@dataclass(frozen=True, order=True)
class Author:
    hlc: int
    device_id: str


@dataclass(frozen=True)
class FieldVersion:
    """Who wrote a field last, and at which server_seq."""
    modified_seq: int
    hlc: int
    device_id: str

    @property
    def author(self) -> Author:
        return Author(self.hlc, self.device_id)

    def to_json(self) -> list[Any]:
        return [self.modified_seq, self.hlc, self.device_id]

    @classmethod
    def from_json(cls, value: list[Any]) -> FieldVersion:
        return cls(int(value[0]), int(value[1]), str(value[2]))


class MetaView(Mapping[str, FieldVersion]):
    """Stored field metadata (``{field: [modified_seq, hlc, device_id]}``, as decoded from JSON)
    read as FieldVersions on access: a merge looks at the few fields a change carries, while a row
    holds a version for each of its columns."""

    def __init__(self, raw: Mapping[str, list[Any]]) -> None:
        self.raw = raw

    def __getitem__(self, name: str) -> FieldVersion:
        return FieldVersion.from_json(self.raw[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)


@dataclass(frozen=True)
class StoredRow:
    fields: Mapping[str, Any]
    meta: Mapping[str, FieldVersion]
    deleted: bool = False


@dataclass(frozen=True)
class Incoming:
    fields: Mapping[str, Any]
    base_seq: int
    author: Author


@dataclass(frozen=True)
class FieldConflict:
    kind: Literal["field", "delete"]
    field: str
    kept_value: Any
    lost_value: Any
    kept: Author
    lost: Author


@dataclass(frozen=True)
class MergeResult:
    #: Fields to write (new values), each to be stamped with the new server_seq and the incoming author.
    apply: dict[str, Any]
    conflicts: list[FieldConflict] = field(default_factory=list)


def _concurrent(version: FieldVersion | None, incoming: Incoming) -> bool:
    if version is None:
        return False
    if version.device_id == incoming.author.device_id:
        return False
    return incoming.base_seq < version.modified_seq


def merge_change(stored: StoredRow | None, incoming: Incoming) -> MergeResult:
    """What of ``incoming`` to apply to ``stored`` (``None``: the row is new), and the conflicts."""
    if stored is None:
        return MergeResult(dict(incoming.fields))
    meta = stored.meta
    edits = {k: v for k, v in incoming.fields.items() if k != DELETED}

    # An edit to a row someone else deleted, unseen by the editor: keep the tombstone, park the edit.
    if stored.deleted and DELETED not in incoming.fields and edits \
            and _concurrent(meta.get(DELETED), incoming):
        deleter = meta[DELETED].author
        return MergeResult({}, [FieldConflict("delete", DELETED, {DELETED: 1}, edits,
                                              kept=deleter, lost=incoming.author)])

    apply: dict[str, Any] = {}
    conflicts: list[FieldConflict] = []
    for name, value in incoming.fields.items():
        version = meta.get(name)
        if not _concurrent(version, incoming):
            apply[name] = value
            continue
        assert version is not None
        current = stored.fields.get(name)
        if current == value:  # both wrote the same value: nothing to review; the later author stays
            if incoming.author > version.author:
                apply[name] = value
            continue
        if incoming.author > version.author:
            apply[name] = value
            conflicts.append(FieldConflict("field", name, value, current,
                                           kept=incoming.author, lost=version.author))
        else:
            conflicts.append(FieldConflict("field", name, current, value,
                                           kept=version.author, lost=incoming.author))

    # A delete of a row others edited unseen by the deleter: delete, but list what they wrote.
    if apply.get(DELETED) == 1 and not stored.deleted:
        raced = {k: stored.fields.get(k) for k, v in meta.items()
                 if k != DELETED and _concurrent(v, incoming)}
        if raced:
            last = max(meta[k].author for k in raced)
            conflicts.append(FieldConflict("delete", DELETED, {DELETED: 1}, raced,
                                           kept=incoming.author, lost=last))
    return MergeResult(apply, conflicts)


def stamp_raw(raw: Mapping[str, list[Any]], applied: Mapping[str, Any], seq: int,
              author: Author) -> dict[str, list[Any]]:
    """:func:`stamp` on the JSON form of the metadata (what the server stores)."""
    out = dict(raw)
    for name in applied:
        out[name] = [seq, author.hlc, author.device_id]
    return out


def stamp(meta: Mapping[str, FieldVersion], applied: Mapping[str, Any], seq: int,
          author: Author) -> dict[str, FieldVersion]:
    """The row's field metadata after writing ``applied`` at ``seq`` by ``author``."""
    out = dict(meta)
    for name in applied:
        out[name] = FieldVersion(seq, author.hlc, author.device_id)
    return out
