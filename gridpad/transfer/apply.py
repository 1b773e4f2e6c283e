"""Applying a jsonl file of edits: ``{"table", "id", "op": "upsert"|"delete", "fields"}`` per line.

An export line (no ``op``) is an upsert, so an export applies as it is. Each line is validated
with the shared rules; bad lines are reported with their line number and skipped, good ones are
written through the repositories, so the capture triggers record them for sync like any edit.
A value that already matches is not written again: applying the same file twice makes no new
outbox entries. Ids and values must pass the checks the server runs (:mod:`sync.rules.values`),
bookkeeping fields (``_deleted``, ``_server_seq``: any ``_`` name) are the store's own and refused,
and an enrolled device refuses rows of grids it does not hold (their edits could never sync).
Grid rows are the central system's reference data: they are written with capture suppressed (a
device never sends them).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from gridpad.store import people, repo
from gridpad.store.capture import applying_remote
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.store.errors import write_refusal
from gridpad.store.validation import check
from gridpad.transfer.values import changed_fields, to_store
from sync.rules.values import check_id
from sync.schema import DELETED, TABLES

_OPS = ("upsert", "delete")


@dataclass
class Edit:
    line: int
    table: str
    id: str
    op: str
    fields: dict[str, Any]


@dataclass
class ApplyResult:
    inserted: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)  # "line N: reason"
    #: Person ids whose line was refused for a known ID number: their tenancies are refused too.
    refused_people: set[str] = field(default_factory=set)
    #: "line N: ..." for lines written but worth a look: a current tenancy with no room.
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        def per_table(c: Counter[str]) -> str:
            return ", ".join(f"{t} {n}" for t, n in sorted(c.items())) or "0"
        unplaced = f"; {len(self.warnings)} tenancies without a room" if self.warnings else ""
        return (f"inserted {per_table(self.inserted)}; updated {per_table(self.updated)}; "
                f"deleted {per_table(self.deleted)}; unchanged {self.unchanged}; "
                f"rejected {len(self.rejected)} lines{unplaced}")


def parse_lines(lines: Iterable[str], result: ApplyResult) -> Iterator[Edit]:
    """Edits from jsonl text; a malformed line goes to ``result.rejected``."""
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            result.rejected.append(f"line {number}: not JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:
            result.rejected.append(f"line {number}: not JSON this app reads (nested too deep)")
            continue
        problem = _shape_problem(obj)
        if problem:
            result.rejected.append(f"line {number}: {problem}")
            continue
        yield Edit(number, obj["table"], obj["id"], obj.get("op", "upsert"), dict(obj.get("fields") or {}))


def _shape_problem(obj: object) -> str | None:
    if not isinstance(obj, dict):
        return "a line must be a JSON object"
    if obj.get("table") not in TABLES:
        return f"table: {obj.get('table')!r} is not a synced table ({', '.join(TABLES)})"
    if not isinstance(obj.get("id"), str) or not obj["id"].strip():
        return "id: is required (text)"
    bad_id = check_id(obj["id"])
    if bad_id:
        return bad_id.message
    if obj.get("op", "upsert") not in _OPS:
        return f"op: must be upsert or delete, got {str(obj.get('op'))[:20]!r}"
    fields = obj.get("fields", {})
    if not isinstance(fields, dict):
        return "fields: must be a JSON object"
    own = sorted(k for k in fields if k.startswith("_"))
    if own:
        # The store's bookkeeping: a delete is op "delete", the server assigns _server_seq.
        return f'{own[0][:40]}: bookkeeping field, not accepted in a file (delete with "op": "delete")'
    return None


def apply_edits(store: Store, edits: Iterable[Edit], result: ApplyResult, *, batch: int = 500) -> ApplyResult:
    """Apply ``edits`` in transactions of ``batch`` lines."""
    chunk: list[Edit] = []
    for edit in edits:
        chunk.append(edit)
        if len(chunk) >= batch:
            _apply_chunk(store, chunk, result)
            chunk = []
    if chunk:
        _apply_chunk(store, chunk, result)
    return result


def _apply_chunk(store: Store, chunk: list[Edit], result: ApplyResult) -> None:
    """Apply ``chunk`` in one transaction. When the database refuses a value (a number beyond 64
    bits, a constraint), the transaction is rolled back and the halves are tried again, so only
    the offending lines are rejected and every good line is still written."""
    attempt = ApplyResult()
    try:
        _apply_chunk_once(store, chunk, attempt)
    except Exception as exc:
        reason = write_refusal(exc)
        if reason is None:
            raise
        if len(chunk) == 1:
            result.rejected.append(f"line {chunk[0].line}: {reason}")
            return
        half = len(chunk) // 2
        _apply_chunk(store, chunk[:half], result)
        _apply_chunk(store, chunk[half:], result)
        return
    result.inserted.update(attempt.inserted)
    result.updated.update(attempt.updated)
    result.deleted.update(attempt.deleted)
    result.unchanged += attempt.unchanged
    result.rejected += attempt.rejected
    result.warnings += attempt.warnings
    result.refused_people |= attempt.refused_people


def _apply_chunk_once(store: Store, chunk: list[Edit], result: ApplyResult) -> None:
    existing: dict[tuple[str, str], dict[str, Any]] = {}
    for table in {e.table for e in chunk}:
        rows = repo.get_many(store, table, [e.id for e in chunk if e.table == table])
        existing.update({(table, i): r for i, r in rows.items()})
    with store.transaction():
        writer = _ChunkWriter(store, existing, result, set(DeviceMeta(store).grids))
        writer.refused_people = set(result.refused_people)
        for edit in chunk:
            reason = writer.apply(edit)
            if reason:
                result.rejected.append(f"line {edit.line}: {reason}")
            elif edit.op == "upsert" and edit.table == "tenancy" and _unplaced(writer.existing[(edit.table,
                                                                                               edit.id)]):
                # Accepted (a file may not know the room), but said: nothing is silently unplaced.
                result.warnings.append(f"line {edit.line}: unit_id: empty, so the resident is counted in "
                                       "the building but in none of its rooms; choose their room on the "
                                       "building card")
        writer.flush()


class _ChunkWriter:
    """Applies one chunk's edits; new rows wait for one bulk insert at the chunk's end."""

    def __init__(self, store: Store, existing: dict[tuple[str, str], dict[str, Any]],
                 result: ApplyResult, held: set[str]) -> None:
        self.store, self.existing, self.result = store, existing, result
        #: Grids of an enrolled device (empty: not enrolled, any grid may be made locally).
        self.held = held
        self.pending: dict[str, list[dict[str, Any]]] = {}
        self.pending_keys: set[tuple[str, str]] = set()
        #: ID numbers of the persons this chunk inserts (not in the store until the flush).
        self.pending_numbers: dict[str, str] = {}
        self.refused_people: set[str] = set()

    def flush(self) -> None:
        for table, records in self.pending.items():
            repo.insert_many(self.store, table, records, validate=False)
        self.pending.clear()
        self.pending_keys.clear()
        self.pending_numbers.clear()

    def _known_number(self, edit: Edit, record: dict[str, Any]) -> str | None:
        """Why a person line is refused: its ID number belongs to another person this device holds
        (one person per ID number: the file should update that person's id instead)."""
        number = record.get("id_number")
        if edit.table != "person" or not isinstance(number, str) or not number:
            return None
        row = self.existing.get((edit.table, edit.id))
        if row is not None and row.get("id_number") == number and not row[DELETED]:
            return None  # unchanged: a pair already held (two tablets offline) is a review item
        others = {self.pending_numbers[number]} if number in self.pending_numbers else set()
        others |= {str(r["person_id"]) for r in people.find_by_id_number(self.store, number)}
        others.discard(edit.id)
        if not others:
            return None
        self.refused_people.add(edit.id)
        self.result.refused_people.add(edit.id)
        return (f"id_number: already registered to person {sorted(others)[0]}; "
                "edit that person (its id) instead of adding a second one")

    def _write(self, key: tuple[str, str], remote: bool, write: Callable[[], object]) -> None:
        if key in self.pending_keys:
            self.flush()  # the row must exist before it is changed again
        with self.store.transaction(), _maybe_remote(self.store, remote):
            write()

    def apply(self, edit: Edit) -> str | None:
        table = TABLES[edit.table]
        key = (edit.table, edit.id)
        row = self.existing.get(key)
        remote = table.server_owned
        if edit.op == "delete":
            if row is None or row[DELETED]:
                self.result.unchanged += 1
                return None
            self._write(key, remote, lambda: repo.mark_deleted(self.store, edit.table, edit.id))
            row[DELETED] = 1
            self.result.deleted[edit.table] += 1
            return None
        fields = {k: to_store(table.column(k), v) if k in table.column_names else v
                  for k, v in edit.fields.items() if k != "id"}
        record, errors = check(edit.table, fields, partial=row is not None)
        if errors:
            return "; ".join(e.message for e in errors)
        if edit.table == "tenancy" and record.get("person_id") in self.refused_people:
            return f"person_id: the line of person {record['person_id']} was refused (a known ID number)"
        known = self._known_number(edit, record)
        if known:
            return known
        grid = edit.id if edit.table == "grid" else record.get("grid_id", row and row["grid_id"])
        if self.held and grid not in self.held:
            return (f"grid_id: this device does not hold grid {str(grid)[:64]} "
                    f"(it holds {', '.join(sorted(self.held))}); check the grid code")
        if row is None:
            if remote:
                self._write(key, remote, lambda: repo.insert(self.store, edit.table, record, id=edit.id,
                                                             validate=False))
            else:
                self.pending.setdefault(edit.table, []).append({"id": edit.id, **record})
                self.pending_keys.add(key)
                if edit.table == "person" and record.get("id_number"):
                    self.pending_numbers[str(record["id_number"])] = edit.id
            self.existing[key] = {"id": edit.id, **record, DELETED: 0}
            self.result.inserted[edit.table] += 1
            return None
        diff = changed_fields(table, row, {k: v for k, v in record.items() if k in table.column_names})
        if row[DELETED]:
            diff[DELETED] = 0  # an upsert of a tombstoned row brings it back
        if not diff:
            self.result.unchanged += 1
            return None
        self._write(key, remote, lambda: repo.update(self.store, edit.table, edit.id, diff, validate=False))
        row.update(diff)
        self.result.updated[edit.table] += 1
        return None


def _unplaced(tenancy: dict[str, Any]) -> bool:
    """A current, live tenancy with no room."""
    return not tenancy.get("unit_id") and not tenancy.get("move_out_at") and not tenancy.get(DELETED)


def _maybe_remote(store: Store, remote: bool) -> AbstractContextManager[None]:
    return applying_remote(store) if remote else nullcontext()
