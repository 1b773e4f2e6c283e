"""``gridpad demo --no-gui`` as a user runs it (a subprocess, no OS keyring on this machine): a
local server under the data dir, the demo grid seeded and pushed, the server stopped after, and a
second run reusing everything."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.cli import running_demo
from support.live_server import REPO

pytestmark = pytest.mark.slow


def _demo(data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    return subprocess.run([sys.executable, "-m", "gridpad", "--data-dir", str(data_dir), "demo", "--no-gui",
                           "--persons", "200"], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=300, check=False)


def _one(db: Path, sql: str) -> object:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def _count(db: Path, sql: str) -> int:
    return int(str(_one(db, sql)))


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_demo_sets_up_seeds_pushes_and_reuses_its_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    first = _demo(data)
    assert first.returncode == 0, first.stderr
    assert "seeding the demo grid" in first.stdout
    db = data / "gridpad.sqlite"
    persons = _count(db, "SELECT count(*) FROM person WHERE is_demo = 1")
    assert persons == 200
    assert _count(db, "SELECT count(*) FROM outbox") == 0  # the first sync pushed everything
    grids = json.loads(str(_one(db, "SELECT value FROM meta WHERE key = 'grids'")))
    assert grids == ["44190011900101", "44190011900102"]  # the demo manager's two grids
    server_db = data / "demo-server" / "server.sqlite3"
    assert _count(server_db, "SELECT count(*) FROM person") == 200  # the centre has the demo grid
    port = int((data / "demo-server" / "port").read_text())
    assert not _listening(port)  # the server stopped with the demo

    again = _demo(data)
    assert again.returncode == 0, again.stderr
    assert "seeding" not in again.stdout  # reused, not seeded twice
    assert _count(db, "SELECT count(*) FROM person WHERE is_demo = 1") == 200
    assert "pushed 0" in again.stdout


def test_a_killed_demo_leaves_no_server_behind(tmp_path: Path) -> None:
    """SIGKILL gives the demo no chance to stop its server: the server must end with it."""
    data = tmp_path / "demo"
    with running_demo(data):
        port = int((data / "demo-server" / "port").read_text())
        assert _listening(port)
    deadline = time.monotonic() + 10
    while _listening(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _listening(port)
