"""Sync over loopback against a real ``gridpad-server`` process (DESIGN.md targets), with ratios to
baselines measured in the same run and to the PouchDB anchor run beside it.

* initial download of a 20k-row grid: apply ≤ 2× a raw insert of the same rows; whole sync ≤ 1.5 s
* 500 changes pushed, then pulled by a second device: < 60 ms each
* an empty sync: < 10 ms and < 2 KB on the wire (bytes counted by a TCP proxy)
* the server under 100 concurrent simulated devices (threads: empty syncs and small pushes)

Run: .venv/bin/python bench/bench_sync.py [--rows 20000] [--runs 3] [--no-pouchdb | --pouchdb-results F]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import keyring  # noqa: E402
from pydantic import JsonValue  # noqa: E402
from support.devices import Device  # noqa: E402
from support.live_server import ServerProcess  # noqa: E402
from support.tcp_proxy import TcpProxy  # noqa: E402

from gridpad.demo.generator import generate  # noqa: E402
from gridpad.demo.grids import grids_for  # noqa: E402
from gridpad.store import capture, remote, repo  # noqa: E402
from gridpad.store.db import open_store  # noqa: E402
from gridpad.sync_client import engine as sync_engine  # noqa: E402
from gridpad.sync_client.credentials import DeviceKeys, SessionKeyring, new_private_key  # noqa: E402
from gridpad.sync_client.enroll import client_for  # noqa: E402
from gridpad.sync_client.transport import ServerClient  # noqa: E402
from sync import hlc  # noqa: E402
from sync.protocol import (  # noqa: E402
    Change,
    EnrollRequest,
    EnrollResponse,
    Me,
    PullQuery,
    PullResponse,
    PushRequest,
    PushResponse,
)
from sync.schema import TABLES  # noqa: E402
from sync.server import admin  # noqa: E402


def med(xs: list[float]) -> float:
    return statistics.median(xs)


def ms(s: float) -> str:
    return f"{s * 1000:.1f} ms"


class Phases:
    """Wall time per sync stage from the progress callback, which the engine calls after each push
    batch ('push'), after each pulled page ('pull'), before the checksums ('verify') and at the end
    ('done'). Each interval is charged to the call that ends it; 'done' holds the end-of-sync
    checks (checksums, photo queue, conflict list)."""

    def __init__(self) -> None:
        self.marks: list[tuple[str, float]] = [("start", time.perf_counter())]

    def __call__(self, stage: str, _done: int, _total: int) -> None:
        self.marks.append((stage, time.perf_counter()))

    def split(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for (_n, t), (name, t2) in zip(self.marks, self.marks[1:], strict=False):
            key = "checks" if name == "done" else name
            out[key] = out.get(key, 0.0) + (t2 - t)
        return out


class ApplyTimer:
    """Time spent inside gridpad.store.remote.apply_rows during a sync."""

    def __init__(self) -> None:
        self.total = 0.0
        self._orig: Callable[..., int] = remote.apply_rows

    def __enter__(self) -> ApplyTimer:
        def timed(*a: Any, **k: Any) -> int:
            t = time.perf_counter()
            try:
                return self._orig(*a, **k)
            finally:
                self.total += time.perf_counter() - t
        remote.apply_rows = timed
        return self

    def __exit__(self, *exc: object) -> None:
        remote.apply_rows = self._orig


def new_device(server: ServerProcess, base: Path, name: str, grid: str) -> Device:
    user = f"bench_{name}"
    admin.add_user(server.engine, user, "manager", [grid])
    d = Device(base / name)
    d.enroll(server.url, server.issue_code(user))
    return d


def raw_insert(base: Path, rows: list[tuple[Any, ...]], cols: list[str], *, bare: bool) -> float:
    """executemany of the same rows into a fresh store's person table (capture suppressed, as when
    applying) or, with ``bare``, into a clone of it without triggers."""
    store = open_store(base / f"raw{time.monotonic_ns()}.sqlite")
    table = "person"
    if bare:
        sql = store.db.execute("SELECT sql FROM sqlite_master WHERE name = 'person'").fetchone()[0]
        store.db.execute(sql.replace("CREATE TABLE person", "CREATE TABLE person_bare", 1))
        table = "person_bare"
    marks = ",".join("?" * len(cols))
    t = time.perf_counter()
    with store.transaction(), capture.applying_remote(store):
        store.executemany(f"INSERT INTO {table} ({','.join(cols)}) VALUES ({marks})", rows)
    took = time.perf_counter() - t
    store.close()
    return took


def initial_download(server: ServerProcess, base: Path, grid: str, runs: int) -> dict[str, float]:
    whole, apply, phases = [], [], []
    dev = None
    for r in range(runs):
        dev = new_device(server, base, f"init{r}", grid)
        ph = Phases()
        with ApplyTimer() as at:
            t = time.perf_counter()
            res = dev.sync(progress=ph)
            whole.append(time.perf_counter() - t)
        apply.append(at.total)
        phases.append(ph.split())
        assert res.pulled >= 20000 or res.pulled > 0
        print(f"  initial download run {r + 1}: {ms(whole[-1])} (apply {ms(at.total)}, pulled {res.pulled}; "
              + ", ".join(f"{k} {ms(v)}" for k, v in ph.split().items()) + ")")
        if r < runs - 1:
            dev.close()
    assert dev is not None
    cols = ["id", *TABLES["person"].column_names, "_server_seq", "_deleted"]
    rows = list(dev.store.db.execute(f"SELECT {','.join(cols)} FROM person"))
    dev.close()
    raw = [raw_insert(base, rows, cols, bare=False) for _ in range(runs)]
    bare = [raw_insert(base, rows, cols, bare=True) for _ in range(runs)]
    out = {"whole": med(whole), "apply": med(apply), "raw": med(raw), "bare": med(bare),
           "rows": float(len(rows))}
    print(f"initial download of {len(rows)} rows: whole sync median {ms(out['whole'])} (target ≤ 1500 ms); "
          f"apply {ms(out['apply'])}")
    print(f"  raw executemany of the same rows into the same table (capture suppressed): {ms(out['raw'])}"
          f" -> apply/raw = {out['apply'] / out['raw']:.2f}x (target ≤ 2x)")
    print(f"  raw executemany into a bare copy without triggers: {ms(out['bare'])}"
          f" -> apply/bare = {out['apply'] / out['bare']:.2f}x")
    return out


def incremental(server: ServerProcess, base: Path, grid: str, runs: int) -> dict[str, float]:
    a = new_device(server, base, "incA", grid)
    b = new_device(server, base, "incB", grid)
    a.sync()
    b.sync()
    ids = [r[0] for r in a.store.db.execute("SELECT id FROM person ORDER BY id")]
    ca, cb = client_for(a.store), client_for(b.store)  # kept across syncs, as the app's worker may
    push_t, pull_t, whole_a, whole_b = [], [], [], []
    for r in range(runs + 1):
        chosen = ids[r * 500 % len(ids):][:500]
        with a.store.transaction():
            for i, pid in enumerate(chosen):
                repo.update(a.store, "person", pid, {"occupation": f"工种{r}-{i}"}, validate=False)
        pa = Phases()
        t = time.perf_counter()
        ra = sync_engine.sync_once(a.store, data_dir=a.data_dir, client=ca, progress=pa)
        wa = time.perf_counter() - t
        pb = Phases()
        t = time.perf_counter()
        rb = sync_engine.sync_once(b.store, data_dir=b.data_dir, client=cb, progress=pb)
        wb = time.perf_counter() - t
        assert ra.pushed == 500 and rb.pulled == 500, (ra, rb)
        sa, sb = pa.split(), pb.split()
        label = "warm-up" if r == 0 else f"run {r}"
        print(f"  500 changes {label}: A sync {ms(wa)} (" + ", ".join(f"{k} {ms(v)}" for k, v in sa.items())
              + f"); B sync {ms(wb)} (" + ", ".join(f"{k} {ms(v)}" for k, v in sb.items()) + ")")
        if r:
            push_t.append(sa["push"])
            pull_t.append(sb["pull"])
            whole_a.append(wa)
            whole_b.append(wb)
    ca.close()
    cb.close()
    a.close()
    b.close()
    out = {"push": med(push_t), "pull": med(pull_t), "whole_a": med(whole_a), "whole_b": med(whole_b)}
    print(f"500 changes: push (A) median {ms(out['push'])}, pull by B median {ms(out['pull'])} "
          f"(target < 60 ms each); whole syncs A {ms(out['whole_a'])}, B {ms(out['whole_b'])}")
    return out


def empty_sync(server: ServerProcess, base: Path, grid: str, runs: int) -> dict[str, float]:
    d = new_device(server, base, "empty", grid)
    d.sync()
    proxy = TcpProxy(server.port)
    try:
        signing_client = client_for(d.store)
        warm = ServerClient(server.url, device_id=signing_client.device_id, keys=signing_client._keys)
        via_proxy = ServerClient(proxy.url, device_id=signing_client.device_id, keys=signing_client._keys)
        signing_client.close()
        sync_engine.sync_once(d.store, data_dir=d.data_dir, client=warm)
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            res = sync_engine.sync_once(d.store, data_dir=d.data_dir, client=warm)
            times.append(time.perf_counter() - t)
            assert res.pushed == res.pulled == 0
        cold = []
        for _ in range(max(3, runs // 4)):
            t = time.perf_counter()
            d.sync()
            cold.append(time.perf_counter() - t)
        sync_engine.sync_once(d.store, data_dir=d.data_dir, client=via_proxy)  # token + connection
        proxy.reset_counts()
        sync_engine.sync_once(d.store, data_dir=d.data_dir, client=via_proxy)
        warm_bytes = proxy.bytes_up + proxy.bytes_down
        via_proxy.close()
        proxy.reset_counts()
        cold_client = ServerClient(proxy.url, device_id=warm.device_id, keys=warm._keys)
        sync_engine.sync_once(d.store, data_dir=d.data_dir, client=cold_client)
        cold_bytes = proxy.bytes_up + proxy.bytes_down
        cold_client.close()
        warm.close()
    finally:
        proxy.close()
        d.close()
    out = {"warm": med(times), "cold": med(cold),
           "warm_bytes": float(warm_bytes), "cold_bytes": float(cold_bytes)}
    print(f"empty sync: median {ms(out['warm'])} with a kept client (token and connection reused), "
          f"{warm_bytes} bytes on the wire (targets < 10 ms, < 2048 B); "
          f"cold (new token, new connection, as `gridpad sync`): {ms(out['cold'])}, {cold_bytes} bytes")
    return out


def concurrent_devices(server: ServerProcess, grid: str, devices: int, ops: int) -> dict[str, float]:
    clients = []
    for i in range(devices):
        user = f"bench_sim{i}"
        admin.add_user(server.engine, user, "manager", [grid])
        code = server.issue_code(user)
        keys = DeviceKeys(new_private_key(), "")
        c = ServerClient(server.url, keys=keys)
        body = c.call("POST", "/v1/enroll", EnrollResponse, auth=False,
                      body=EnrollRequest(code=code, device_name=f"sim{i}", public_key=keys.public_key))
        c.device_id, c._keys = body.device_id, DeviceKeys(keys.private_key, body.server_key)
        clients.append(c)
    top = clients[0].call("GET", "/v1/pull", PullResponse, params=PullQuery(since=0, limit=1)).next_cursor
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def run(k: int, c: ServerClient) -> None:
        since = 10**12  # nothing newer: an empty pull, as an idle tablet's sync
        cid = 0
        for j in range(ops):
            t = time.perf_counter()
            try:
                if j % 5 == 4:  # every fifth operation pushes a small batch of 5 new residents
                    now = hlc.now_ms() << 16
                    changes = []
                    for _ in range(5):
                        cid += 1
                        fields: dict[str, JsonValue] = {"grid_id": grid, "name": f"模拟{k}-{cid}",
                                                        "_deleted": 0}
                        changes.append(Change(change_id=cid, table="person", row_id=repo.new_id(),
                                              op="insert", base_seq=0, hlc=now + cid, fields=fields))
                    c.call("POST", "/v1/push", PushResponse, gzip_body=True,
                           body=PushRequest(device_id=c.device_id or "", changes=changes))
                else:
                    query = PullQuery(since=min(since, top + 10**9), limit=1000)
                    c.call("GET", "/v1/pull", PullResponse, params=query)
            except Exception as exc:  # noqa: BLE001 - any failure is counted and printed, not hidden
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                lat.append(time.perf_counter() - t)

    for c in clients:  # tokens first, so the timed part measures syncs
        c.call("GET", "/v1/me", Me)
    threads = [threading.Thread(target=run, args=(k, c)) for k, c in enumerate(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    for c in clients:
        c.close()
    lat.sort()
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else float("nan")
    out = {"throughput": len(lat) / wall, "p50": med(lat) if lat else float("nan"), "p99": p99,
           "errors": float(len(errors)), "wall": wall, "requests": float(len(lat))}
    print(f"{devices} concurrent devices × {ops} operations (4 empty pulls : 1 push of 5 rows): "
          f"{len(lat)} ok, {len(errors)} failed in {wall:.2f} s -> {out['throughput']:.0f} req/s; "
          f"latency p50 {ms(out['p50'])}, p99 {ms(out['p99'])}")
    if errors:
        print(f"  first error: {errors[0]}")
    return out


def pouchdb(results: str | None, runs: int) -> dict[str, Any] | None:
    if results is None:
        print("running the PouchDB anchor (npm install of pinned packages, then its bench.js)…", flush=True)
        proc = subprocess.run(["bash", str(REPO / "bench" / "bench_pouchdb.sh")], capture_output=True,
                              text=True, env={**os.environ, "RUNS": str(runs)}, timeout=3600)
        if proc.returncode != 0:
            print("PouchDB anchor could not run:\n" + (proc.stderr or proc.stdout)[-2000:])
            return None
        results = proc.stdout.strip().splitlines()[-1]
    anchor: dict[str, Any] = json.loads(Path(results).read_text())["results"]
    return anchor


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--empty-runs", type=int, default=30)
    ap.add_argument("--devices", type=int, default=100)
    ap.add_argument("--ops", type=int, default=10, help="operations per simulated device")
    ap.add_argument("--db", help="server database URL (default: SQLite in a temp dir)")
    ap.add_argument("--no-pouchdb", action="store_true")
    ap.add_argument("--pouchdb-results", help="results.json of an anchor run made beside this one")
    args = ap.parse_args()
    keyring.set_keyring(SessionKeyring())

    with tempfile.TemporaryDirectory(prefix="gridpad-bench-sync-") as tmp:
        base = Path(tmp)
        server = ServerProcess(base / "server", args.db).start()
        try:
            grid = grids_for(1)[0]
            admin.add_grid(server.engine, grid, "基准网格")
            people = generate(args.rows, 1, grid_ids=[grid]).person[: args.rows]
            seeder = new_device(server, base, "seed", grid)
            repo.insert_many(seeder.store, "person", people)
            t = time.perf_counter()
            seeder.sync()
            print(f"seeding: {len(people)} persons pushed by one device in {time.perf_counter() - t:.1f} s "
                  f"({len(people) // 500 + 1} batches)")
            seeder.close()
            init = initial_download(server, base, grid, args.runs)
            inc = incremental(server, base, grid, args.runs)
            emp = empty_sync(server, base, grid, args.empty_runs)
            conc = concurrent_devices(server, grid, args.devices, args.ops)
            print(f"  p99 under load / single-device empty sync = {conc['p99'] / emp['warm']:.1f}x")
        finally:
            server.stop()

    pdb = None if args.no_pouchdb else pouchdb(args.pouchdb_results, args.runs)
    if pdb is None:
        if not args.no_pouchdb:
            print("no PouchDB figures: ratios to PouchDB not printed")
        return
    pull = pdb["initialPull"]["default(batch_size=100)"]["median"] / 1000
    best = min(v["median"] for v in pdb["initialPull"].values()) / 1000
    i5 = pdb["incremental500"]
    es = pdb["emptySync"]
    print("\nGridPad / PouchDB (same machine, this run; < 1 means GridPad is faster):")
    print(f"  initial download: {init['whole'] * 1000:.0f} ms vs {pull * 1000:.0f} ms (default batch) -> "
          f"{init['whole'] / pull:.2f}; vs its best batch size {best * 1000:.0f} ms -> "
          f"{init['whole'] / best:.2f}")
    print(f"  500 changes push: {inc['push'] * 1000:.1f} vs {i5['push']['median']:.0f} ms -> "
          f"{inc['push'] * 1000 / i5['push']['median']:.3f}")
    print(f"  500 changes pull: {inc['pull'] * 1000:.1f} vs {i5['pull']['median']:.0f} ms -> "
          f"{inc['pull'] * 1000 / i5['pull']['median']:.3f}")
    print(f"  empty sync: {emp['warm'] * 1000:.1f} vs {es['syncBothWays']['median']:.1f} ms -> "
          f"{emp['warm'] * 1000 / es['syncBothWays']['median']:.2f}; bytes {emp['warm_bytes']:.0f} vs "
          f"{es['syncBothBytes']} -> {emp['warm_bytes'] / es['syncBothBytes']:.2f}")


if __name__ == "__main__":
    main()
