"""Convergence of 2–5 devices under random offline edits and sync orders (hypothesis).

Devices are in-process (each its own data dir and SQLite file); the server is a real process, one
per session, with a fresh grid and users per example. An independent model of the merge rule,
driven only by *who had pulled what when they edited* (not by the server's sequence numbers),
predicts the final state and every conflict; the test checks the server and every device
against it, and that no acknowledged write is lost.

Two steps break the device's own bookkeeping (docs/clocks.md): ``restore`` puts a device's database
back from a copy taken at an earlier step (``backup``), and ``skew`` leaves a device's clock state a
random time (up to a day) ahead, as a clock that ran ahead does; the edits it then makes are stamped
in the future. The in-process device's wall clock is the machine's, so the clock is right again by
its next sync (the "fixed" state; a device still ahead is refused, tests/unit/test_outbox_repair.py).
The model learns what each push really carried (ids after re-keying, stamps after re-stamping) from
the requests the device sent and the server receipted. A lost write, with restores: an edit the
server receipted must be in the final state, in a conflict, or knowingly replaced; an edit made in
a discarded future (after the copy, not synced before the restore) is legitimately gone.

``GRIDPAD_SOAK_EXAMPLES`` raises the example count (a soak run, bench/soak.py); CI keeps the default.
Each example run appends a line to the file named by ``GRIDPAD_SOAK_TALLY`` (support.soak_tally).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from support.devices import Device, export_store
from support.live_server import ServerProcess
from support.soak_tally import tally

from gridpad.store import capture, outbox, repo
from gridpad.store.db import open_store
from gridpad.sync_client import conflicts
from gridpad.sync_client.enroll import client_for
from gridpad.sync_client.transport import ServerClient
from sync.hlc import MAX_AHEAD_MS, now_ms
from sync.protocol import Change, PushRequest, PushResponse
from sync.schema import DELETED

pytestmark = pytest.mark.slow

PERSON_FIELDS = ("name", "employer", "occupation", "hukou_address")
REASONS = ("LEASE_ENDED", "CHANGED_HOME", "LEFT_DONGGUAN", "LOST_CONTACT", "OTHER")
EXAMPLES = int(os.environ.get("GRIDPAD_SOAK_EXAMPLES", "15"))
DAY_MIN = 24 * 60

#: An edit as the model knows it across re-keying and re-stamping: (device, table, row, op, fields, base_seq).
EditKey = tuple[int, str, str, str, str, int]


def _edit_key(i: int, table: str, row_id: str, op: str, fields: dict[str, Any], base_seq: int) -> EditKey:
    return (i, table, row_id, op, json.dumps(fields, sort_keys=True), base_seq)


class RecordingClient(ServerClient):
    """The device's real client, noting each push the server receipted: the changes as sent."""

    def __init__(self, base: ServerClient) -> None:
        super().__init__(base.base_url, device_id=base.device_id, keys=base._keys, retry=base.retry)
        self.pushed: list[tuple[list[Change], list[int]]] = []

    def call(self, method: str, path: str, reply: Any, **kw: Any) -> Any:
        answer = super().call(method, path, reply, **kw)
        if path == "/v1/push" and isinstance(kw.get("body"), PushRequest):
            assert isinstance(answer, PushResponse)
            self.pushed.append((kw["body"].changes, answer.receipt))
        return answer


@dataclass
class Version:
    value: Any
    device: str
    hlc: int
    tick: float


@dataclass
class ModelRow:
    fields: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Version] = field(default_factory=dict)

    @property
    def deleted(self) -> bool:
        return bool(self.fields.get(DELETED))


@dataclass
class Model:
    """The server as the design describes it, judged by causality: a write is concurrent with the
    current version of a field when another device wrote that version and the writer had not
    pulled it before editing."""

    rows: dict[tuple[str, str], ModelRow] = field(default_factory=dict)
    #: (table, row, kind, field, lost value)
    conflicts: list[tuple[str, str, str, str, Any]] = field(default_factory=list)
    superseded: set[tuple[str, str, str, str]] = field(default_factory=set)   # knowingly overwritten

    @staticmethod
    def _concurrent(v: Version | None, device: str, knew: float) -> bool:
        return v is not None and v.device != device and v.tick > knew

    def arrive(self, dev: str, knew: float, tick: float, change: outbox.OutboxChange) -> None:
        key = (change.table, change.row_id)
        row = self.rows.get(key)
        incoming = change.fields
        if row is None:
            row = self.rows[key] = ModelRow()
            for k, v in incoming.items():
                row.fields[k] = v
                row.meta[k] = Version(v, dev, change.hlc, tick)
            return
        edits = {k: v for k, v in incoming.items() if k != DELETED}
        if row.deleted and DELETED not in incoming and edits \
                and self._concurrent(row.meta.get(DELETED), dev, knew):
            self.conflicts.append((*key, "delete", DELETED, edits))
            return
        apply: dict[str, Any] = {}
        for k, value in incoming.items():
            v = row.meta.get(k)
            mine_wins = v is None or (change.hlc, dev) > (v.hlc, v.device)
            if not self._concurrent(v, dev, knew):
                apply[k] = value
                if v is not None:
                    self.superseded.add((*key, k, json.dumps(v.value)))
            elif row.fields.get(k) == value:
                if mine_wins:
                    apply[k] = value
            else:
                loser = row.fields.get(k) if mine_wins else value
                self.conflicts.append((*key, "field", k, loser))
                if mine_wins:
                    apply[k] = value
        if apply.get(DELETED) == 1 and not row.deleted:
            raced = {k: row.fields.get(k) for k, v in row.meta.items()
                     if k != DELETED and self._concurrent(v, dev, knew)}
            if raced:
                self.conflicts.append((*key, "delete", DELETED, raced))
        for k, value in apply.items():
            row.fields[k] = value
            row.meta[k] = Version(value, dev, change.hlc, tick)


@dataclass
class World:
    server: ServerProcess
    grid: str
    devices: list[Device]
    model: Model = field(default_factory=Model)
    knew: dict[int, float] = field(default_factory=dict)     # device -> tick of its last pull
    edit_knew: dict[EditKey, float] = field(default_factory=dict)  # an edit -> what its device knew
    #: (device, change_id) -> (edit, hlc) the server holds: a replay is not a new arrival.
    ledger: dict[tuple[int, int], tuple[EditKey, int]] = field(default_factory=dict)
    arrived: set[tuple[EditKey, int]] = field(default_factory=set)  # (edit, hlc) the server applied
    backups: dict[int, list[tuple[Path, float]]] = field(default_factory=dict)
    acked: list[tuple[str, str, str, Any]] = field(default_factory=list)
    tick: int = 0
    counter: int = 0

    def sync(self, i: int) -> None:
        dev = self.devices[i]
        self.tick += 1
        before = {c.change_id: c.hlc for c in outbox.pending(dev.store, limit=100_000)}
        with closing(client_for(dev.store)) as base, closing(RecordingClient(base)) as client:
            dev.sync(client=client)
        sent = [c for changes, _r in client.pushed for c in changes]
        if any(c.change_id not in before for c in sent):
            event("a restored device's changes re-keyed")
        if any(before.get(c.change_id, c.hlc) != c.hlc for c in sent):
            event("future stamps re-stamped")
        for changes, receipt in client.pushed:  # they arrived now, in change order
            held = set(receipt)
            for c in changes:
                if c.change_id not in held:
                    continue
                content = _edit_key(i, c.table, c.row_id, c.op, c.fields, c.base_seq)
                seen = self.ledger.get((i, c.change_id))
                if seen is not None:  # a replay (a restored copy's outbox): nothing written twice
                    assert seen == (content, c.hlc), "a known change id came back with other content"
                    continue
                self.ledger[(i, c.change_id)] = (content, c.hlc)
                if (content, c.hlc) in self.arrived:  # re-keyed, then restored again: held already
                    continue
                self.arrived.add((content, c.hlc))
                knew = self.edit_knew.pop(content, self.knew.get(i, -1.0))
                self.model.arrive(dev.device_id, knew, self.tick,
                                  outbox.OutboxChange(c.change_id, c.table, c.row_id, c.op, dict(c.fields),
                                                      c.base_seq, c.hlc))
                self.acked += [(c.table, c.row_id, k, v) for k, v in c.fields.items()]
        self.knew[i] = self.tick + 0.5  # pulled after its own push

    def _remember(self, i: int, before: int) -> None:
        for c in outbox.pending(self.devices[i].store, limit=100_000):
            if c.change_id > before:
                key = _edit_key(i, c.table, c.row_id, c.op, c.fields, c.base_seq)
                self.edit_knew[key] = self.knew.get(i, -1.0)

    def backup(self, i: int) -> None:
        """A copy of the device's database as it is now (SQLite's online backup: a consistent file)."""
        dev = self.devices[i]
        copy = dev.data_dir.parent / f"{dev.data_dir.name}-copy{len(self.backups.get(i, []))}.sqlite"
        with closing(sqlite3.connect(dev.data_dir / "gridpad.sqlite")) as src, \
                closing(sqlite3.connect(copy)) as dst:
            src.backup(dst)
        self.backups.setdefault(i, []).append((copy, self.knew.get(i, -1.0)))

    def restore(self, i: int, k: int) -> None:
        """Put a copy taken earlier back in place of the device's database, as a user restoring a
        backup does: the device knows only what it knew when the copy was made."""
        copies = self.backups.get(i)
        if not copies:
            return
        copy, knew = copies[k % len(copies)]
        event("restored")
        dev = self.devices[i]
        dev.store.close()
        path = dev.data_dir / "gridpad.sqlite"
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        shutil.copyfile(copy, path)
        dev.store = open_store(path)
        self.knew[i] = knew

    def skew(self, i: int, minutes: int) -> None:
        """The device's clock ran ``minutes`` ahead: its clock state (and so its next edits) is there."""
        capture.observe_remote_hlc(self.devices[i].store, (now_ms() + minutes * 60_000) << 16)

    def _last_change(self, i: int) -> int:
        rows = outbox.pending(self.devices[i].store, limit=100_000)
        return rows[-1].change_id if rows else 0

    def _pick(self, i: int, table: str, n: int) -> str | None:
        live = [r["id"] for r in repo.rows(self.devices[i].store, table)]
        return live[n % len(live)] if live else None

    def act(self, op: tuple[Any, ...]) -> None:
        kind, i = op[0], op[1] % len(self.devices)
        if kind == "sync":
            self.sync(i)
            return
        if kind == "backup":
            self.backup(i)
            return
        if kind == "restore":
            self.restore(i, op[2])
            return
        if kind == "skew":
            self.skew(i, op[2])
            return
        store = self.devices[i].store
        before = self._last_change(i)
        self.counter += 1
        if kind == "edit":
            pid = self._pick(i, "person", op[2])
            if pid:
                name = PERSON_FIELDS[op[3] % len(PERSON_FIELDS)]
                repo.update(store, "person", pid, {name: f"v{self.counter}"})
        elif kind == "insert":
            repo.insert(store, "person", {"grid_id": self.grid, "name": f"新{self.counter}"})
        elif kind == "delete":
            pid = self._pick(i, "person", op[2])
            if pid:
                repo.mark_deleted(store, "person", pid)
        elif kind == "move_out":
            tid = self._pick(i, "tenancy", op[2])
            if tid:
                day = date(2026, 1, 1) + timedelta(days=self.counter)
                repo.update(store, "tenancy", tid, {"move_out_at": day.isoformat(),
                                                    "move_out_reason": REASONS[op[3] % len(REASONS)]})
        self._remember(i, before)


ops = st.lists(st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 4), st.integers(0, 9), st.integers(0, 3)),
    st.tuples(st.just("insert"), st.integers(0, 4)),
    st.tuples(st.just("delete"), st.integers(0, 4), st.integers(0, 9)),
    st.tuples(st.just("move_out"), st.integers(0, 4), st.integers(0, 9), st.integers(0, 4)),
    st.tuples(st.just("sync"), st.integers(0, 4)),
    st.tuples(st.just("backup"), st.integers(0, 4)),
    st.tuples(st.just("restore"), st.integers(0, 4), st.integers(0, 9)),
    st.tuples(st.just("skew"), st.integers(0, 4), st.integers(6, DAY_MIN)),
), min_size=5, max_size=35)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(n=st.integers(2, 5), script=ops)
def test_devices_converge_and_no_acknowledged_write_is_lost(server: ServerProcess,
                                                            tmp_path_factory: pytest.TempPathFactory,
                                                            n: int, script: list[tuple[Any, ...]]) -> None:
    base = tmp_path_factory.mktemp("conv")
    scope = server.new_scope(users=n + 1)
    devices = [Device(base / f"d{i}") for i in range(n)]
    outcome = "fail"
    try:
        for d, code in zip(devices, scope.codes, strict=False):
            d.enroll(server.url, code)
        w = World(server, scope.grid, devices)
        # Shared records everyone starts from: four people, two of them tenants.
        before = w._last_change(0)
        people = repo.insert_many(devices[0].store, "person",
                                  [{"grid_id": scope.grid, "name": f"居民{k}"} for k in range(4)])
        for k in range(2):
            repo.insert(devices[0].store, "tenancy", {"grid_id": scope.grid, "person_id": people[k],
                                                      "building_id": "B1", "move_in_at": "2025-01-01"})
        w._remember(0, before)
        for i in range(n):
            w.sync(i)
            w.backup(i)  # the first copy a restore may go back to; ``backup`` steps add later ones
        for op in script:
            w.act(op)
        for i in range(n):  # one more edit each: a clock state left ahead is brought back by its sync
            w.act(("insert", i))
        for _round in range(2):
            for i in range(n):
                w.sync(i)
        _check(w, base / "fresh", scope.codes[n])
        outcome = "ok"
    finally:
        tally("convergence", server.backend, outcome, f"devices={n} steps={len(script)}")
        for d in devices:
            d.close()


def _check(w: World, fresh_dir: Path, code: str) -> None:
    fresh = Device(fresh_dir)
    try:
        fresh.enroll(w.server.url, code)
        fresh.sync()
        truth = export_store(fresh.store)
        for d in w.devices:
            assert outbox.count(d.store) == 0  # no stuck outbox
            assert capture.current_hlc(d.store) >> 16 <= now_ms() + MAX_AHEAD_MS  # every clock came back
            assert export_store(d.store) == truth  # every device equals the server's state
        # The server's state is the model's state.
        server_rows = {(t, i): json.loads(f) for t, i, f in truth if t in ("person", "tenancy")}
        assert set(server_rows) == set(w.model.rows)
        for key, row in w.model.rows.items():
            got = server_rows[key]
            assert {k: got.get(k) for k in row.fields} == row.fields, key
        # Conflicts: exactly the concurrent same-field writes (and edit/delete races), no others.
        with closing(client_for(fresh.store)) as client:
            found = conflicts.fetch_open(fresh.store, client)
        got_conflicts = sorted((c.table, c.row_id, c.kind, c.field, json.dumps(c.lost_value, sort_keys=True))
                               for c in found)
        want = sorted((t, r, kind, fld, json.dumps(lost, sort_keys=True))
                      for t, r, kind, fld, lost in w.model.conflicts)
        assert got_conflicts == want
        # No acknowledged write is lost: it is in the final state, or a conflict holds it, or a
        # later write by someone who had seen it replaced it.
        kept = {(c.table, c.row_id, json.dumps(v, sort_keys=True))
                for c in found for v in _values(c.kept_value) + _values(c.lost_value)}
        for t, r, k, v in w.acked:
            if (t, r) not in server_rows or server_rows[(t, r)].get(k, v if k == DELETED else None) == v:
                continue
            held = (t, r, json.dumps(v, sort_keys=True)) in kept
            assert held or (t, r, k, json.dumps(v)) in w.model.superseded, (t, r, k, v)
    finally:
        fresh.close()


def _values(value: Any) -> list[Any]:
    return [*value.values(), value] if isinstance(value, dict) else [value]
