"""Applying a pushed batch: checks first, then one transaction that merges every change.

Nothing of a batch is written unless all of it passes: a refused batch changes nothing, and the
device sees why (change id, field, rule).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync import hlc, merge
from sync.protocol import (
    PROTOCOL_VERSION,
    Change,
    Problem,
    PushRequest,
    PushResponse,
    normalise_fields,
    row_values_digest,
)
from sync.rules.normalise import canonical_fields
from sync.rules.records import errors_after_edit, validate_record, value_errors
from sync.schema import BY_OWNER_TABLE, DELETED, TABLES, referenced_table
from sync.server import db, legacy_rows
from sync.server.refusal import Refused

#: Problems listed in one refusal: a full batch's worth, one per change.
MAX_PROBLEMS = 500


@dataclass(frozen=True)
class Checked:
    change: Change
    fields: dict[str, Any]  # storage form


def _check_change(change: Change, now_ms: int) -> tuple[dict[str, Any], list[Problem]]:
    cid = change.change_id
    spec = TABLES.get(change.table)
    if spec is None:
        return {}, [Problem(change_id=cid, rule="unknown_table",
                            message=f"unknown table {change.table[:32]!r}")]
    if spec.server_owned:
        return {}, [Problem(change_id=cid, rule="read_only_table",
                            message=f"{spec.name} is written by the central system only")]
    if hlc.too_far_ahead(change.hlc, now_ms):
        return {}, [Problem(change_id=cid, rule="clock_ahead", message=(
            "the change's clock is more than 5 minutes ahead of the server's: fix the device's time"))]
    fields, problems = normalise_fields(change.table, change.fields)
    if change.op == "delete" and fields.get(DELETED) != 1:
        problems.append(Problem(field=DELETED, rule="delete", message="a delete must set _deleted to 1"))
    if change.op == "insert" and not fields.get("grid_id"):
        problems.append(Problem(field="grid_id", rule="required", message="an insert must carry grid_id"))
    if not problems and change.op == "insert" and fields.get(DELETED) != 1:
        # A new row is whole here; an update is judged at merge time, as the row it makes
        # (merged_problems): its fields alone may depend on stored ones (an ID number's type).
        record = {k: v for k, v in fields.items() if k != DELETED}
        problems += [Problem(field=e.field, rule=e.rule, message=e.message)
                     for e in validate_record(change.table, record)]
    elif not problems:
        # Each value on its own (a NUL, a cap, a non-finite number) is refused before any merge.
        problems += [Problem(field=e.field, rule=e.rule, message=e.message)
                     for e in value_errors(change.table, fields)]
    return fields, [p.model_copy(update={"change_id": cid}) for p in problems]


def check_batch(req: PushRequest, device_id: str, now_ms: int) -> list[Checked]:
    """Everything that does not need the database; raises :class:`Refused`."""
    if req.protocol != PROTOCOL_VERSION:
        raise Refused(400, "protocol", f"protocol {req.protocol} is not supported; "
                      f"this server speaks {PROTOCOL_VERSION}: update the app")
    if req.device_id != device_id:
        raise Refused(403, "wrong_device", "device_id does not match the credential")
    out: list[Checked] = []
    problems: list[Problem] = []
    for change in req.changes:
        fields, found = _check_change(change, now_ms)
        problems += found
        out.append(Checked(change, fields))
    if problems:
        error = "clock_ahead" if any(p.rule == "clock_ahead" for p in problems) else "invalid_change"
        status = 403 if any(p.rule == "read_only_table" for p in problems) else 422
        # Every problem (bounded): the device sets aside each refused change and sends the rest.
        refused = Refused(status, error, problems[0].message, problems[:MAX_PROBLEMS])
        if error == "clock_ahead":  # a device whose clock is right again re-stamps from this
            refused.body = refused.body.model_copy(update={"server_time_ms": now_ms})
        raise refused
    return out


def change_digest(change: Change) -> str:
    """What a change says, as the device sent it (not as this server normalises it, which may
    change between versions): a replay matches it, a reused id with other content does not."""
    text = json.dumps([change.table, change.row_id, change.op, change.fields, change.base_seq, change.hlc],
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _refuse_reused(conn: Connection, device_id: str, reused: Sequence[int]) -> None:
    """A change id this device used before, now with other content: its database was put back
    from an older copy. Refused loudly (never taken as a replay, which would drop the edit); the
    device re-keys its unsent changes from ``next_change_id`` and sends them again."""
    top = conn.execute(sa.select(sa.func.max(db.ledger.c.change_id))
                       .where(db.ledger.c.device_id == device_id)).scalar()
    refused = Refused(409, "change_id_reused", (
        "change ids this device used before came again with other content (was its database put "
        "back from an older copy?): the device sends them again under new ids"),
        [Problem(change_id=cid, rule="change_id_reused", message="change id already used for another change")
         for cid in reused[:100]])
    refused.body = refused.body.model_copy(update={"next_change_id": int(top or 0) + 1})
    raise refused


def _stored(row: Mapping[str, Any], table: str) -> tuple[merge.StoredRow, dict[str, list[Any]]]:
    """The row for the merge, and its field metadata as stored (JSON form)."""
    fields = {c: row[c] for c in TABLES[table].column_names}
    fields[DELETED] = int(row["deleted"])
    raw = json.loads(row["field_meta"])
    return merge.StoredRow(fields, merge.MetaView(raw), bool(row["deleted"])), raw


#: field_meta text, as json.dumps(..., sort_keys=True) wrote it; made once, not per row.
_META_JSON = json.JSONEncoder(sort_keys=True)


def _scope(change: Change, grid_id: str | None, grids: set[str]) -> None:
    if grid_id not in grids:
        raise Refused(403, "out_of_scope", f"change {change.change_id}: {change.table} {change.row_id} "
                      "belongs to a grid this device does not hold",
                      [Problem(change_id=change.change_id, field="grid_id", rule="scope",
                               message="grid not held by this device")])


def _refuse(change: Change, problems: list[Problem]) -> None:
    if problems:
        raise Refused(422, "invalid_change", f"change {change.change_id}: {problems[0].message}",
                      [p.model_copy(update={"change_id": change.change_id}) for p in problems[:100]])


def merged_problems(table: str, stored: merge.StoredRow, apply: Mapping[str, Any]) -> list[Problem]:
    """Why the row ``stored`` + ``apply`` (what the merge decided to write) breaks the shared
    rules, judging the result, not the past (:func:`sync.rules.records.errors_after_edit`)."""
    after = {**stored.fields, **apply}
    if not apply or after.get(DELETED) == 1:
        return []  # nothing written, or a tombstone: its values are no longer a record
    columns = TABLES[table].column_names
    before = {c: stored.fields.get(c) for c in columns}
    errors = errors_after_edit(table, before, {c: after.get(c) for c in columns}, apply)
    return [Problem(field=e.field, rule=e.rule, message=e.message) for e in errors]


class _Batch:
    """The rows a batch touches, loaded in one query per table, merged in memory, written in bulk."""

    def __init__(self, conn: Connection, checked: Sequence[Checked], own_top: int = 0) -> None:
        self.conn = conn
        #: The device's highest change id applied so far, and which of its changes wrote at which
        #: seq in this batch (the ledger rows are written at the end).
        self.own_top = own_top
        self.own_seq_ids: dict[int, int] = {}
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}
        self.new: set[tuple[str, str]] = set()
        self.dirty: dict[tuple[str, str], None] = {}
        self.conflicts: list[dict[str, Any]] = []
        self.ref_grids: dict[tuple[str, str], str | None] = {}
        wanted: dict[str, set[str]] = {}
        for item in checked:
            wanted.setdefault(item.change.table, set()).add(item.change.row_id)
        for table, ids in wanted.items():
            t = db.synced[table]
            id_list = sorted(ids)
            names = [c.name for c in t.columns]
            for i in range(0, len(id_list), 500):
                # all() then plain tuples: row mappings fetch and build one row at a time.
                for r in conn.execute(sa.select(t).where(t.c.id.in_(id_list[i:i + 500]))).all():
                    row = dict(zip(names, r, strict=True))
                    self.rows[(table, row["id"])] = row
        self._load_referenced(checked)

    def _load_referenced(self, checked: Sequence[Checked]) -> None:
        """The grids of the rows the batch's changes point at, one query per table (a batch of
        tenancies names ~3 rows each); what is not found here is looked up one by one."""
        wanted: dict[str, set[str]] = {}
        for item in checked:
            for col in TABLES[item.change.table].reference_columns:
                value, target = item.fields.get(col.name), referenced_table(col, item.fields)
                if isinstance(value, str) and value and target and (target, value) not in self.rows:
                    wanted.setdefault(target, set()).add(value)
        for table, ids in wanted.items():
            t = db.synced[table]
            id_list = sorted(ids)
            for i in range(0, len(id_list), 500):
                chunk = id_list[i:i + 500]
                self.ref_grids.update(dict.fromkeys(((table, x) for x in chunk), None))
                q = sa.select(t.c.id, t.c.grid_id).where(t.c.id.in_(chunk))
                self.ref_grids.update({(table, r[0]): r[1] for r in self.conn.execute(q).all()})

    def apply(self, item: Checked, device_id: str, grids: set[str], seq: int) -> tuple[int, int]:
        """Merge one change at ``seq``; returns ``(applied 0/1, conflicts)``."""
        change, fields = item.change, item.fields
        key = (change.table, change.row_id)
        row = self.rows.get(key)
        if row is None and change.op == "update":
            _refuse(change, [Problem(field="id", rule="unknown_row", message=(
                f"no {change.table} row with this id on the server: an update needs its insert first"))])
        if row is None:
            _scope(change, fields.get("grid_id"), grids)
        else:
            _scope(change, row["grid_id"], grids)
            if "grid_id" in fields and fields["grid_id"] != row["grid_id"]:
                raise Refused(422, "grid_change", f"change {change.change_id}: moving a row to another "
                              "grid needs a transfer by the central system",
                              [Problem(change_id=change.change_id, field="grid_id", rule="grid_change",
                                       message="grid_id cannot change through sync")])
        author = merge.Author(change.hlc, device_id)
        stored, raw = _stored(row, change.table) if row is not None else (None, {})
        fields = canonical_fields(change.table, fields, stored.fields if stored else None)
        if stored is not None and change.change_id < self.own_top:
            fields = self._without_own_newer(fields, stored, device_id, change.change_id)
        result = merge.merge_change(stored, merge.Incoming(fields, change.base_seq, author))
        if stored is not None:
            _refuse(change, merged_problems(change.table, stored, result.apply))
        after = {**(stored.fields if stored else {}), **result.apply}
        self.check_references(change, after, result.apply, grids)
        meta = merge.stamp_raw(raw, result.apply, seq, author)
        if row is None:
            row = {c: None for c in TABLES[change.table].column_names}
            row.update(id=change.row_id, deleted=0, digest=None, digest_seq=None)
            self.rows[key] = row
            self.new.add(key)
        for k, v in result.apply.items():
            row["deleted" if k == DELETED else k] = v
        row["server_seq"] = seq
        row["field_meta"] = _META_JSON.encode(meta)
        self.dirty[key] = None
        for c in result.conflicts:
            self.conflicts.append(dict(
                tbl=change.table, row_id=change.row_id, grid_id=row["grid_id"], kind=c.kind, field=c.field,
                kept_value=json.dumps(c.kept_value, ensure_ascii=False),
                lost_value=json.dumps(c.lost_value, ensure_ascii=False),
                kept_device=c.kept.device_id, kept_hlc=c.kept.hlc,
                lost_device=c.lost.device_id, lost_hlc=c.lost.hlc, server_seq=seq))
        return (1 if result.apply else 0), len(result.conflicts)

    def _without_own_newer(self, fields: dict[str, Any], stored: merge.StoredRow, device_id: str,
                           change_id: int) -> dict[str, Any]:
        """A device's change that arrives after a later change of its own (its batches delivered out
        of order) must not undo that later write: the fields the device itself wrote since are left
        as they are (the merge never sees a device's own writes as concurrent). A device sends its
        outbox in order, so this costs a lookup only for such late arrivals."""
        keep = {}
        for name, value in fields.items():
            version = stored.meta.get(name)
            if version is not None and version.device_id == device_id \
                    and self._own_change_at(device_id, version.modified_seq) > change_id:
                continue
            keep[name] = value
        return keep

    def _own_change_at(self, device_id: str, seq: int) -> int:
        """The id of the device's change that wrote at ``seq`` (0 when none is known)."""
        if seq in self.own_seq_ids:
            return self.own_seq_ids[seq]
        found = self.conn.execute(sa.select(db.ledger.c.change_id).where(
            db.ledger.c.device_id == device_id, db.ledger.c.server_seq == seq)).scalar()
        return int(found or 0)

    def grid_of(self, table: str, row_id: str) -> str | None:
        """The grid of a row this batch has loaded or made, else as stored (None: no such row)."""
        key = (table, row_id)
        if key in self.rows:
            return str(self.rows[key]["grid_id"])
        if key not in self.ref_grids:
            t = db.synced[table]
            self.ref_grids[key] = self.conn.execute(sa.select(t.c.grid_id).where(t.c.id == row_id)).scalar()
        return self.ref_grids[key]

    def check_references(self, change: Change, after: Mapping[str, Any], apply: Mapping[str, Any],
                         grids: set[str]) -> None:
        """Refuse a row that now points at a row of a grid the device does not hold (it could not
        see it). A reference to a row the server does not know yet is let through: an outbox may
        hold a child before its parent (an import writes both in one transaction)."""
        if not apply or after.get(DELETED) == 1:
            return
        problems = []
        for col in TABLES[change.table].reference_columns:
            if col.name not in apply and not (col.references == BY_OWNER_TABLE and "owner_table" in apply):
                continue
            value, target = after.get(col.name), referenced_table(col, after)
            if not isinstance(value, str) or not value or target is None:
                continue
            grid = self.grid_of(target, value)
            if grid is not None and grid not in grids:
                problems.append(Problem(field=col.name, rule="reference.out_of_scope", message=(
                    f"{col.name}: points at a {target} row of a grid this device does not hold")))
        _refuse(change, problems)

    def write(self) -> None:
        by_table: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
        for key in self.dirty:
            inserts, updates = by_table.setdefault(key[0], ([], []))
            row = self.rows[key]
            # Checksums then read this instead of hashing every row of the grid again.
            values = [row[c] for c in TABLES[key[0]].column_names]
            row["digest"] = f"{row_values_digest(key[0], key[1], bool(row['deleted']), values):064x}"
            row["digest_seq"] = row["server_seq"]
            (inserts if key in self.new else updates).append(row)
        for table, (inserts, updates) in by_table.items():
            t = db.synced[table]
            if inserts:
                db.insert_many(self.conn, t, inserts)
            if updates:
                db.update_many(self.conn, t, updates)
        if self.conflicts:
            self.conn.execute(db.conflict.insert(), self.conflicts)


def _known_content(conn: Connection, device_id: str, checked: Sequence[Checked], digests: Mapping[int, str],
                   done: dict[int, tuple[int, int]]) -> tuple[list[dict[str, Any]], int]:
    """Changes new by id but held already under another id (the device re-keyed them, then its
    database was put back once more): replays. Their new ids join the ledger with the first
    one's receipt (updates ``done``). Returns those ledger rows and the device's new ``max_hlc``.

    A device's clock only grows, so a change stamped above every one it pushed before is new:
    only the rest (none, unless a database was put back) are looked up, by a scan of the device's
    ledger (no index to keep up on every push for this rare case)."""
    top = conn.execute(sa.select(db.device.c.max_hlc).where(db.device.c.id == device_id)).scalar()
    top = int(top) if top is not None else -1
    new = {digests[c.change.change_id]: c.change.change_id for c in checked
           if c.change.change_id not in done and c.change.hlc <= top}
    rows: list[dict[str, Any]] = []
    keys = list(new)
    led = db.ledger.c
    for i in range(0, len(keys), 400):
        q = sa.select(led.digest, led.server_seq, led.applied, led.conflicts).where(
            led.device_id == device_id, led.digest.in_(keys[i:i + 400]))
        for digest, seq, applied, conflicts in conn.execute(q):
            cid = new.pop(digest, None)
            if cid is not None:
                done[cid] = (int(applied), int(conflicts))
                rows.append({"device_id": device_id, "change_id": cid, "server_seq": int(seq),
                             "applied": int(applied), "conflicts": int(conflicts), "digest": digest})
    return rows, max([top, *(c.change.hlc for c in checked)])


def device_grids(conn: Connection, device_id: str) -> set[str]:
    """The grids a device holds now (its user's grids), read at request time."""
    q = (sa.select(db.user_grid.c.grid_id)
         .join(db.device, db.device.c.user_name == db.user_grid.c.user_name)
         .where(db.device.c.id == device_id))
    return {r[0] for r in conn.execute(q)}


def apply_batch(conn: Connection, device_id: str, checked: Sequence[Checked], req: PushRequest,
                now_ms: int) -> PushResponse:
    """Run inside a write transaction. Idempotent by ``(device_id, change_id)`` and the change's
    content: a known id with other content is refused (409 ``change_id_reused``)."""
    seqs = db.SeqAllocator(conn)  # first: serialises concurrent pushes
    grids = device_grids(conn, device_id)
    ids = [c.change.change_id for c in checked]
    digests: dict[int, str] = {}
    reused: list[int] = []
    for item in checked:
        digest = change_digest(item.change)
        if digests.setdefault(item.change.change_id, digest) != digest:
            reused.append(item.change.change_id)  # one id, two contents in one batch
    done: dict[int, tuple[int, int]] = {}
    for i in range(0, len(ids), 400):
        q = sa.select(db.ledger.c.change_id, db.ledger.c.applied, db.ledger.c.conflicts,
                      db.ledger.c.digest).where(
            db.ledger.c.device_id == device_id, db.ledger.c.change_id.in_(ids[i:i + 400]))
        for r in conn.execute(q):
            done[int(r[0])] = (int(r[1]), int(r[2]))
            if r[3] is not None and r[3] != digests[int(r[0])]:
                reused.append(int(r[0]))
    if reused:
        _refuse_reused(conn, device_id, sorted(set(reused)))
    ledger_rows, max_hlc = _known_content(conn, device_id, checked, digests, done)
    fresh = [item for item in checked if item.change.change_id not in done]  # replays: no-op
    top = conn.execute(sa.select(sa.func.max(db.ledger.c.change_id))
                       .where(db.ledger.c.device_id == device_id)).scalar()
    batch = _Batch(conn, fresh, int(top or 0))
    for item in fresh:
        cid = item.change.change_id
        if cid in done:
            continue  # the same change twice in one batch
        seq = seqs.next()
        applied, conflicts = batch.apply(item, device_id, grids, seq)
        batch.own_seq_ids[seq] = cid
        batch.own_top = max(batch.own_top, cid)
        ledger_rows.append({"device_id": device_id, "change_id": cid, "server_seq": seq,
                            "applied": applied, "conflicts": conflicts, "digest": digests[cid]})
        done[cid] = (applied, conflicts)
    batch.write()
    legacy_rows.refresh(conn, batch.dirty)
    if ledger_rows:
        db.insert_many(conn, db.ledger, ledger_rows)
    seqs.save()
    upd: dict[str, Any] = {"last_sync_ms": now_ms}
    if max_hlc >= 0:
        upd["max_hlc"] = max_hlc
    if req.backlog is not None:
        upd["backlog"] = req.backlog
    if req.photo_backlog is not None:
        upd["photo_backlog"] = req.photo_backlog
    conn.execute(db.device.update().where(db.device.c.id == device_id).values(**upd))
    receipt = list(dict.fromkeys(ids))
    return PushResponse(receipt=receipt, applied=sum(done[i][0] for i in receipt),
                        conflicts=sum(done[i][1] for i in receipt), server_time_ms=now_ms)
