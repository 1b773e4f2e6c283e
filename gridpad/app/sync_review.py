"""What the sync screen asks a person to look at, said so they can act on it: which record (masked
name, address, room) a conflict, a refused change or a rule breach is about, the records to correct
with the rules each breaks, and who may resolve a conflict.

Read-only; the reads are :mod:`gridpad.store.record_labels` (names masked there, before any widget).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from gridpad.store import remote
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.store.record_labels import OWNER_COLUMN, RecordLabel, live_row, owner_of, record_label
from sync.protocol import Conflict
from sync.rules.records import validate_record
from sync.schema import TABLES

__all__ = ["NotAllowedError", "OpenTarget", "RecordLabel", "RecordToCorrect", "ResolvePolicy", "Resolver",
           "breaches_of", "everyone", "labels_for", "records_to_correct", "resolver_of"]


def labels_for(store: Store, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], RecordLabel]:
    return {k: record_label(store, *k) for k in set(keys)}


@dataclass(frozen=True)
class OpenTarget:
    """Where to fix a record: the registry screen's ``open`` arguments."""

    person_id: str | None = None
    building_id: str | None = None


def _target(store: Store, table: str, row_id: str) -> OpenTarget | None:
    if table == "person":
        return OpenTarget(person_id=row_id)
    if table == "building":
        return OpenTarget(building_id=row_id)
    owner = owner_of(store, table, row_id)
    if owner is None:
        return None
    if OWNER_COLUMN[table] == "person_id":
        return OpenTarget(person_id=owner)
    return OpenTarget(building_id=owner)


@dataclass(frozen=True)
class RecordToCorrect:
    """A row the server holds that breaks shared rules: which, the ``(field, rule)`` pairs still
    broken on this tablet, and where to fix it."""

    table: str
    row_id: str
    label: RecordLabel
    problems: list[tuple[str, str]] = field(default_factory=list)
    target: OpenTarget | None = None


def _still_broken(store: Store, table: str, row_id: str,
                  listed: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The listed breaches the tablet's copy still has (a fix made here leaves the list at once,
    before the server judges it again at the next sync)."""
    row = live_row(store, table, row_id)
    if row is None:
        return []
    now = {(e.field, e.rule) for e in validate_record(table, row)}
    return [p for p in listed if p in now]


def records_to_correct(store: Store) -> list[RecordToCorrect]:
    """Rows the server listed as breaking the shared rules, that still do here (oldest listing order)."""
    by_row: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for table, row_id, fld, rule in remote.rule_breaches(store):
        if table in TABLES:
            by_row.setdefault((table, row_id), []).append((fld, rule))
    out = []
    for (table, row_id), listed in by_row.items():
        problems = _still_broken(store, table, row_id, listed)
        if problems:
            out.append(RecordToCorrect(table, row_id, record_label(store, table, row_id), problems,
                                       _target(store, table, row_id)))
    return out


def breaches_of(store: Store, table: str, row_id: str) -> list[tuple[str, str]]:
    """``(field, rule)`` to correct on the page of one person (their tenancies too) or building
    (its rooms and organisations too)."""
    out: list[tuple[str, str]] = []
    for item in records_to_correct(store):
        mine = (item.table, item.row_id) == (table, row_id)
        if mine or (item.table in OWNER_COLUMN and OWNER_COLUMN[item.table] == f"{table}_id"
                    and owner_of(store, item.table, item.row_id) == row_id):
            out += item.problems
    return out


# -- who may resolve a conflict ----------------------------------------------------------------

@dataclass(frozen=True)
class Resolver:
    """The person holding the tablet, as enrolled."""

    user: str | None
    role: str | None


#: Decides whether ``Resolver`` may resolve ``Conflict``. Role rules (the review issue) plug in here.
ResolvePolicy = Callable[[Resolver, Conflict], bool]


def everyone(_resolver: Resolver, _conflict: Conflict) -> bool:
    """Today's rule: whoever holds the conflict's grid may resolve it."""
    return True


def resolver_of(store: Store) -> Resolver:
    meta = DeviceMeta(store)
    return Resolver(meta.user_name, meta.user_role)


class NotAllowedError(PermissionError):
    """This user's role may not resolve this conflict."""

    def __init__(self, conflict_id: int) -> None:
        super().__init__(f"conflict {conflict_id}: your role may not resolve it; ask your supervisor")
