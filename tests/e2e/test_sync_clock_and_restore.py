"""A clock that was once ahead, and a database put back from an older copy, through the real
``gridpad`` commands and a real ``gridpad-server`` (issue #9, items 3 and 4).

Clock: the device's stored HLC is set a day ahead (as a clock that ran ahead leaves it) and then
the clock is right again: the next sync must go through, nothing lost, and the edits made while the
HLC was ahead must not win later conflicts. Restore: a copy of ``gridpad.sqlite`` put back after
more edits were synced reuses change ids; the server must refuse the reuse loudly and the device
must send its edit under fresh ids, so it arrives.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from support.devices import Device
from support.live_server import REPO, ServerProcess

from gridpad.store import repo
from sync.hlc import now_ms

pytestmark = pytest.mark.slow

DAY_MS = 24 * 3600 * 1000
Cli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'tests'}",
           "PYTHON_KEYRING_BACKEND": "support.file_keyring.FileKeyring",
           "GRIDPAD_TEST_KEYRING_DIR": str(tmp_path / "ring")}

    def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "gridpad", "--data-dir", str(data_dir), *args],
                              capture_output=True, text=True, env=env, timeout=120, cwd=REPO)
    return run


def _apply(cli: Cli, data: Path, lines: list[dict[str, Any]]) -> None:
    f = data.parent / f"{data.name}-edits.jsonl"
    f.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    r = cli(data, "apply", str(f))
    assert r.returncode == 0, r.stdout + r.stderr


def _person(pid: str, grid: str, **fields: Any) -> dict[str, Any]:
    return {"table": "person", "id": pid, "op": "upsert", "fields": {"grid_id": grid, **fields}}


def _sql(data: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(data / "gridpad.sqlite")) as conn, conn:
        return conn.execute(sql, args).fetchall()


def _sync(cli: Cli, data: Path) -> subprocess.CompletedProcess[str]:
    return cli(data, "sync")


def test_a_clock_once_a_day_ahead_syncs_once_right_and_its_edits_do_not_win_later(
        server: ServerProcess, cli: Cli, tmp_path: Path, make_device: Callable[[str], Device]) -> None:
    scope = server.new_scope(users=2)
    data = tmp_path / "a"
    assert cli(data, "enroll", "--server", server.url, "--code", scope.codes[0]).returncode == 0
    _apply(cli, data, [_person("p-clock", scope.grid, name="钟表", employer="旧厂")])
    assert _sync(cli, data).returncode == 0
    other = make_device("b")
    other.enroll(server.url, scope.codes[1])
    other.sync()

    # The tablet's clock ran a day ahead and stamped its clock state; now it is right again.
    _sql(data, "UPDATE hlc_state SET value = ?", (now_ms() + DAY_MS) << 16)
    _apply(cli, data, [_person("p-clock", scope.grid, name="钟表", employer="未来厂"),
                       _person("p-new", scope.grid, name="新人")])
    stamped = [h for (h,) in _sql(data, "SELECT hlc FROM outbox ORDER BY change_id")]
    assert len(stamped) == 2 and all(h >> 16 > now_ms() + DAY_MS // 2 for h in stamped)

    r = _sync(cli, data)
    assert r.returncode == 0, r.stderr  # before the fix: "clock is more than 5 minutes ahead" for a day
    assert _sql(data, "SELECT count(*) FROM outbox") == [(0,)]
    other.sync()
    assert repo.get(other.store, "person", "p-new") is not None  # no edit lost
    assert (repo.get(other.store, "person", "p-clock") or {})["employer"] == "未来厂"
    # New edits carry the right time again.
    _apply(cli, data, [_person("p-new", scope.grid, name="新人", occupation="普工")])
    (fresh,) = _sql(data, "SELECT hlc FROM outbox")
    assert abs((fresh[0] >> 16) - now_ms()) < 60_000
    assert _sync(cli, data).returncode == 0

    # A later edit of the same field by another device, concurrent (it has not pulled the
    # recovered one), wins: the day-ahead stamp did not survive into the merge.
    _sql(data, "UPDATE hlc_state SET value = ?", (now_ms() + DAY_MS) << 16)
    _apply(cli, data, [_person("p-clock", scope.grid, name="钟表", employer="又一个未来厂")])
    assert _sync(cli, data).returncode == 0
    repo.update(other.store, "person", "p-clock", {"employer": "现在厂"})
    result = other.sync()
    assert result.conflicts == 1
    assert (repo.get(other.store, "person", "p-clock") or {})["employer"] == "现在厂"
    assert _sync(cli, data).returncode == 0
    got = _sql(data, "SELECT employer FROM person WHERE id = 'p-clock'")
    assert got == [("现在厂",)]


def test_a_database_put_back_from_an_older_copy_loses_no_edit(
        server: ServerProcess, cli: Cli, tmp_path: Path, make_device: Callable[[str], Device]) -> None:
    scope = server.new_scope(users=2)
    data = tmp_path / "a"
    assert cli(data, "enroll", "--server", server.url, "--code", scope.codes[0]).returncode == 0
    _apply(cli, data, [_person("p-1", scope.grid, name="一")])
    assert _sync(cli, data).returncode == 0
    backup = tmp_path / "backup.sqlite"
    shutil.copy(data / "gridpad.sqlite", backup)

    _apply(cli, data, [_person("p-lost-future", scope.grid, name="未来")])  # synced: must come back
    assert _sync(cli, data).returncode == 0
    (used,) = _sql(data, "SELECT change_seq FROM hlc_state")

    for suffix in ("-wal", "-shm"):
        (data / f"gridpad.sqlite{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, data / "gridpad.sqlite")
    _apply(cli, data, [_person("p-after", scope.grid, name="恢复后")])
    (reused,) = _sql(data, "SELECT change_id FROM outbox")
    assert reused[0] <= used[0]  # the restored file hands out an id the server has seen

    r = _sync(cli, data)
    assert r.returncode == 0, r.stderr
    assert _sql(data, "SELECT count(*) FROM outbox") == [(0,)]
    other = make_device("b")
    other.enroll(server.url, scope.codes[1])
    other.sync()
    assert repo.get(other.store, "person", "p-after") is not None  # before the fix: never arrived
    assert repo.get(other.store, "person", "p-lost-future") is not None
    # A checksum check afterwards keeps it locally too.
    _sql(data, "INSERT OR REPLACE INTO meta(key, value) VALUES ('sync_verify_due', '1')")
    assert _sync(cli, data).returncode == 0
    assert _sql(data, "SELECT name FROM person WHERE id = 'p-after'") == [("恢复后",)]
    assert _sql(data, "SELECT name FROM person WHERE id = 'p-lost-future'") == [("未来",)]


def test_the_server_refuses_a_known_change_id_with_other_content_and_replays_the_same(
        server: ServerProcess, api_factory: Callable[..., Any]) -> None:
    scope = server.new_scope()
    api = api_factory(scope)
    first = [api.change("person", "p-r1", "insert", {"grid_id": scope.grid, "name": "甲"}),
             api.change("person", "p-r2", "insert", {"grid_id": scope.grid, "name": "乙"})]
    r = api.push(first)
    assert r.status_code == 200 and r.json()["receipt"] == [1, 2]
    again = api.push(first)  # a replay: the same receipt and counts, nothing written twice
    assert again.status_code == 200 and again.json()["receipt"] == [1, 2]
    assert again.json()["applied"] == r.json()["applied"]

    other = {**first[1], "row_id": "p-r3", "fields": {"grid_id": scope.grid, "name": "丙"}}
    fresh = api.change("person", "p-r4", "insert", {"grid_id": scope.grid, "name": "丁"})
    refused = api.push([first[0], other, fresh])
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["error"] == "change_id_reused" and body["next_change_id"] == 3
    assert [p["change_id"] for p in body["problems"]] == [2]
    rows, _ = api.pull_all()
    assert {x["id"] for x in rows if x["table"] == "person"} == {"p-r1", "p-r2"}  # nothing written


def test_a_change_sent_again_under_a_new_id_is_a_replay(server: ServerProcess,
                                                        api_factory: Callable[..., Any]) -> None:
    """Re-keyed once, then the database put back again: the same change comes under a third id."""
    scope = server.new_scope()
    api = api_factory(scope)
    change = api.change("person", "p-k1", "insert", {"grid_id": scope.grid, "name": "甲"})
    assert api.push([change]).status_code == 200
    rows, _ = api.pull_all()
    again = api.push([{**change, "change_id": 40}])
    assert again.status_code == 200 and again.json()["receipt"] == [40]
    assert again.json()["applied"] == 1  # the first arrival's counts
    assert api.push([{**change, "change_id": 40}]).json()["receipt"] == [40]
    after, _ = api.pull_all()
    assert after == rows  # applied once: the row was not written again (same server_seq)
