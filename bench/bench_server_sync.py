"""Server-side sync timings over loopback HTTP against a real ``gridpad-server`` process (SQLite).

Prints each figure and its ratio to a baseline measured in the same run: the median round trip of
``GET /healthz`` (an HTTP request that touches no database), so machine noise cancels out.

    .venv/bin/python bench/bench_server_sync.py [--pg postgresql://…]
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.live_server import running_server

from sync import hlc
from sync.doorplate import public_key_text
from sync.protocol import token_message
from sync.server import admin


def timed(fn: Callable[[], object], n: int = 7) -> float:
    times: list[float] = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def enroll(http: httpx.Client, code: str) -> tuple[str, dict[str, str]]:
    key = Ed25519PrivateKey.generate()
    body = http.post("/v1/enroll", json={"code": code, "public_key": public_key_text(key)}).json()
    nonce = http.post("/v1/challenge", json={"device_id": body["device_id"],
                                             "device_nonce": "n" * 16}).json()["nonce"]
    sig = base64.b64encode(key.sign(token_message(body["device_id"], nonce))).decode()
    tok = http.post("/v1/token", json={"device_id": body["device_id"], "nonce": nonce,
                                       "signature": sig}).json()["token"]
    return body["device_id"], {"Authorization": f"Bearer {tok}"}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--pg", help="PostgreSQL URL (an empty database) instead of SQLite")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp, running_server(Path(tmp), args.pg) as server:
        grid = "B" + uuid.uuid4().hex[:8]
        admin.add_grid(server.engine, grid, "bench grid")
        admin.add_user(server.engine, "bench" + grid, "manager", [grid])
        codes = [admin.issue_code(server.engine, "bench" + grid, hlc.now_ms()) for _ in range(2)]
        with httpx.Client(base_url=server.url, timeout=60) as http:
            dev_a, auth_a = enroll(http, codes[0])
            _dev_b, auth_b = enroll(http, codes[1])
            baseline = timed(lambda: http.get("/healthz"), 21)
            print(f"baseline GET /healthz round trip: {baseline:.2f} ms")

            clock = 0
            change_id = 0

            def batch(n: int) -> bytes:
                nonlocal clock, change_id
                changes = []
                for _ in range(n):
                    change_id += 1
                    clock = hlc.send(clock, hlc.now_ms())
                    changes.append({"change_id": change_id, "table": "person", "row_id": str(uuid.uuid4()),
                                    "op": "insert", "hlc": clock, "base_seq": 0, "fields": {
                                        "grid_id": grid, "name": "张伟", "gender": "1",
                                        "phone": "13800138000", "employer": "东莞某电子厂"}})
                return gzip.compress(json.dumps({"device_id": dev_a, "changes": changes}).encode())

            headers = {**auth_a, "Content-Type": "application/json", "Content-Encoding": "gzip"}
            bodies = [batch(500) for _ in range(7)]
            it = iter(bodies)
            push_ms = timed(lambda: http.post("/v1/push", content=next(it),
                                              headers=headers).raise_for_status())
            print(f"push 500 changes (gzip): {push_ms:.1f} ms  ({push_ms / baseline:.1f}x baseline)")

            first = http.get("/v1/pull", params={"since": 0, "limit": 5000}, headers=auth_b).json()
            cursor = first["next_cursor"]
            start = cursor - 500
            pull_ms = timed(lambda: http.get("/v1/pull", params={"since": start, "limit": 500},
                                             headers=auth_b).raise_for_status())
            print(f"pull 500 rows: {pull_ms:.1f} ms  ({pull_ms / baseline:.1f}x baseline)")

            empty = http.get("/v1/pull", params={"since": cursor}, headers=auth_b)
            wire = len(empty.content) + sum(len(k) + len(v) + 4 for k, v in empty.headers.items())
            empty_ms = timed(lambda: http.get("/v1/pull", params={"since": cursor}, headers=auth_b), 21)
            print(f"empty pull: {empty_ms:.2f} ms  ({empty_ms / baseline:.1f}x baseline), "
                  f"~{wire} bytes response incl. headers")

            for _ in range(40 - 7):
                http.post("/v1/push", content=batch(500), headers=headers).raise_for_status()
            t = time.perf_counter()
            since, rows = 0, 0
            while True:
                page = http.get("/v1/pull", params={"since": since, "limit": 5000}, headers=auth_b).json()
                rows += len(page["rows"])
                since = page["next_cursor"]
                if not page["more"]:
                    break
            full = (time.perf_counter() - t) * 1000
            print(f"initial download of {rows} rows (pages of 5000): {full:.0f} ms  "
                  f"({full / baseline:.0f}x baseline)")
            sums = timed(lambda: http.get("/v1/checksums", headers=auth_b), 3)
            print(f"checksums over {rows} rows: {sums:.0f} ms  ({sums / baseline:.0f}x baseline)")


if __name__ == "__main__":
    main()
