"""Faults on the way: a server SIGKILLed mid-push, connections cut mid-response, batches replayed
and reordered, a clock a day ahead. Afterwards: databases intact, no duplicate, no stuck outbox,
and every device converges within two syncs."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from support.devices import Device, export_store
from support.live_server import BACKENDS, ServerProcess, backend_url
from support.tcp_proxy import TcpProxy

from gridpad.store import capture, outbox, repo
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client.enroll import client_for
from gridpad.sync_client.errors import ServerUnreachableError
from sync.hlc import now_ms
from sync.protocol import Change, PushRequest, PushResponse

pytestmark = pytest.mark.slow


@pytest.fixture(params=BACKENDS)
def own_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    """A server of this test's own: these tests kill it."""
    with backend_url(request.param) as url:
        server = ServerProcess(tmp_path / "server", url).start()
        yield server
        server.stop()


@pytest.fixture
def proxy(own_server: ServerProcess) -> Iterator[TcpProxy]:
    p = TcpProxy(own_server.port)
    yield p
    p.close()


def _devices(server: ServerProcess, tmp_path: Path, n: int, url: str) -> tuple[str, list[Device]]:
    scope = server.new_scope(users=n)
    devs = []
    for i in range(n):
        d = Device(tmp_path / f"dev{i}")
        d.enroll(server.url, scope.codes[i])
        d.retarget(url)
        devs.append(d)
    return scope.grid, devs


def _people(dev: Device, grid: str, n: int, tag: str) -> list[str]:
    return repo.insert_many(dev.store, "person", [{"grid_id": grid, "name": f"{tag}{i}"} for i in range(n)])


def _assert_healthy_and_converged(server: ServerProcess, devs: list[Device], tmp_path: Path) -> None:
    for _round in range(2):  # convergence within two syncs
        for d in devs:
            d.sync()
    for d in devs:
        assert d.store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert outbox.count(d.store) == 0  # nothing stuck
    if server.db_url.startswith("sqlite:///"):
        with closing(sqlite3.connect(server.db_url.removeprefix("sqlite:///"))) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The server's state, pulled from scratch by a fresh device with the same grid.
    fresh = Device(tmp_path / f"fresh{time.monotonic_ns()}")
    try:
        scope_code = server.issue_code(_user_of(server, devs[0]))
        fresh.enroll(server.url, scope_code)
        fresh.sync()
        truth = export_store(fresh.store)
        ids = [(t, i) for t, i, _f in truth]
        assert len(ids) == len(set(ids))  # no duplicate
        for d in devs:
            assert export_store(d.store) == truth
    finally:
        fresh.close()


def _user_of(server: ServerProcess, dev: Device) -> str:
    return DeviceMeta(dev.store).user_name or ""


def test_server_killed_mid_push_then_restarted(own_server: ServerProcess, proxy: TcpProxy,
                                               tmp_path: Path) -> None:
    grid, (a, b) = _devices(own_server, tmp_path, 2, proxy.url)
    _people(a, grid, 1300, "甲")  # three batches of ≤ 500
    _people(b, grid, 40, "乙")
    pushes = {"n": 0}

    def kill_on_second_push(data: bytes) -> None:
        if data.startswith(b"POST /v1/push"):
            pushes["n"] += 1
            if pushes["n"] == 2:
                threading.Timer(0.01, own_server.kill).start()

    proxy.on_request = kill_on_second_push
    with pytest.raises(ServerUnreachableError):
        a.sync()
    proxy.on_request = None
    assert 0 < outbox.count(a.store) <= 1300  # the first batch was receipted, the rest waits
    own_server.start()  # same data, same port
    _assert_healthy_and_converged(own_server, [a, b], tmp_path)
    assert sum(1 for t, *_ in a.export() if t == "person") == 1340


def test_connection_cut_mid_response_is_retried_without_duplicates(own_server: ServerProcess, proxy: TcpProxy,
                                                                   tmp_path: Path) -> None:
    grid, (a, b) = _devices(own_server, tmp_path, 2, proxy.url)
    _people(a, grid, 600, "丙")
    proxy.cut_on, proxy.cut_after, proxy.cuts_left = b"POST /v1/push", 120, 1
    first = a.sync()  # the cut answer is retried; the server already holds the batch (ledger)
    assert proxy.cuts == 1
    assert first.pushed == 600 and outbox.count(a.store) == 0
    # Every answer cut: the sync fails in plain words, the outbox stays.
    _people(b, grid, 5, "丁")
    proxy.cut_on, proxy.cut_after, proxy.cuts_left = b"GET /v1/pull", 300, 100
    with pytest.raises(ServerUnreachableError, match=r"^server unreachable: "):
        b.sync()
    assert outbox.count(b.store) == 0  # the push itself got through before the pulls were cut
    proxy.cut_on, proxy.cut_after = None, None  # the network heals
    _assert_healthy_and_converged(own_server, [a, b], tmp_path)


def test_batches_delivered_twice_and_out_of_order_change_nothing_twice(own_server: ServerProcess,
                                                                       tmp_path: Path) -> None:
    grid, (a, b) = _devices(own_server, tmp_path, 2, own_server.url)
    old = _people(a, grid, 20, "戊")
    a.sync()
    b.sync()
    _people(a, grid, 30, "己")                       # batch 1: inserts
    for pid in old:                                   # batch 2: updates of rows the server holds
        repo.update(a.store, "person", pid, {"employer": "凤岗五金厂"})
    changes = outbox.pending(a.store, limit=1000)
    first, second = changes[:30], changes[30:]
    with closing(client_for(a.store)) as c:
        def send(batch: list[outbox.OutboxChange]) -> PushResponse:
            changes = [Change.model_validate(x, from_attributes=True) for x in batch]
            return c.call("POST", "/v1/push", PushResponse, gzip_body=True,
                          body=PushRequest(device_id=c.device_id or "", changes=changes))
        r2 = send(second)
        r1 = send(first)
        again2 = send(second)
        again1 = send(first)
    assert r2.receipt == again2.receipt and r1.receipt == again1.receipt
    assert r1.conflicts == r2.conflicts == 0
    # The device never saw those receipts (as if every answer was lost): its next sync replays all.
    result = a.sync()
    assert result.pushed == 50 and result.conflicts == 0
    _assert_healthy_and_converged(own_server, [a, b], tmp_path)
    people = [f for t, _i, f in b.export() if t == "person"]
    assert len(people) == 50 and sum("凤岗五金厂" in f for f in people) == 20


def test_a_clock_once_a_day_ahead_recovers_at_the_next_sync_and_nothing_is_lost(own_server: ServerProcess,
                                                                               tmp_path: Path) -> None:
    grid, (a, b) = _devices(own_server, tmp_path, 2, own_server.url)
    _people(a, grid, 3, "庚")
    a.sync()
    day_ahead = (now_ms() + 24 * 3600 * 1000) << 16
    capture.observe_remote_hlc(a.store, day_ahead)  # the tablet's clock ran a day ahead, now right
    pid = _people(a, grid, 1, "辛")[0]
    assert outbox.pending(a.store)[0].hlc >= day_ahead
    assert a.sync().pushed == 1  # re-stamped to the server's time (docs/clocks.md), not refused
    assert a.outbox_count() == 0 and DeviceMeta(a.store).last_error is None
    assert capture.current_hlc(a.store) >> 16 < now_ms() + 60_000  # the clock state came back too
    b.sync()
    assert any(i == pid for _t, i, _f in b.export())
