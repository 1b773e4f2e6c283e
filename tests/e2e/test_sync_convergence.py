"""Convergence of 2–5 devices under random offline edits and sync orders (hypothesis).

Devices are in-process (each its own data dir and SQLite file); the server is a real process, one
per session, with a fresh grid and users per example. An independent model of the merge rule,
driven only by *who had pulled what when they edited* (not by the server's sequence numbers),
predicts the final state and every conflict; the test checks the server and every device
against it, and that no acknowledged write is lost.
"""

from __future__ import annotations

import json
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.devices import Device, export_store
from support.live_server import ServerProcess

from gridpad.store import outbox, repo
from gridpad.sync_client import conflicts
from gridpad.sync_client.enroll import client_for
from sync.schema import DELETED

pytestmark = pytest.mark.slow

PERSON_FIELDS = ("name", "employer", "occupation", "hukou_address")
REASONS = ("LEASE_ENDED", "CHANGED_HOME", "LEFT_DONGGUAN", "LOST_CONTACT", "OTHER")


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
    edit_knew: dict[tuple[int, int], float] = field(default_factory=dict)  # (device, change_id) -> knew
    acked: list[tuple[str, str, str, Any]] = field(default_factory=list)
    tick: int = 0
    counter: int = 0

    def sync(self, i: int) -> None:
        dev = self.devices[i]
        pending = outbox.pending(dev.store, limit=100_000)
        self.tick += 1
        dev.sync()
        for c in pending:  # they arrived now, in change order
            knew = self.edit_knew.pop((i, c.change_id), self.knew.get(i, -1.0))
            self.model.arrive(dev.device_id, knew, self.tick, c)
            self.acked += [(c.table, c.row_id, k, v) for k, v in c.fields.items()]
        self.knew[i] = self.tick + 0.5  # pulled after its own push

    def _remember(self, i: int, before: int) -> None:
        for c in outbox.pending(self.devices[i].store, limit=100_000):
            if c.change_id > before:
                self.edit_knew[(i, c.change_id)] = self.knew.get(i, -1.0)

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
), min_size=5, max_size=35)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(n=st.integers(2, 5), script=ops)
def test_devices_converge_and_no_acknowledged_write_is_lost(server: ServerProcess,
                                                            tmp_path_factory: pytest.TempPathFactory,
                                                            n: int, script: list[tuple[Any, ...]]) -> None:
    base = tmp_path_factory.mktemp("conv")
    scope = server.new_scope(users=n + 1)
    devices = [Device(base / f"d{i}") for i in range(n)]
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
        for op in script:
            w.act(op)
        for _round in range(2):
            for i in range(n):
                w.sync(i)
        _check(w, base / "fresh", scope.codes[n])
    finally:
        for d in devices:
            d.close()


def _check(w: World, fresh_dir: Path, code: str) -> None:
    fresh = Device(fresh_dir)
    try:
        fresh.enroll(w.server.url, code)
        fresh.sync()
        truth = export_store(fresh.store)
        for d in w.devices:
            assert outbox.count(d.store) == 0
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
