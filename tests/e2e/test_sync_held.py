"""A change the server refuses is set aside, never blocking the queue (issue #9 items 1 and 10).

Through the real ``gridpad`` command and a real ``gridpad-server`` process. The bad value goes into
the outbox through a store API with the device's own checks off: whatever the server refuses (a
rule it learns later, say) must be set aside the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from support.devices import MakeDevice
from support.live_server import REPO, ApiFactory, ServerProcess

from gridpad import config
from gridpad.store import outbox, repo
from gridpad.store.db import open_store

pytestmark = pytest.mark.slow

BAD = "张\x00伟"  # a NUL character: the server refuses it (rule "text")


def _cli(data_dir: Path, *args: str, ring: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'tests'}",
           "PYTHON_KEYRING_BACKEND": "support.file_keyring.FileKeyring",
           "GRIDPAD_TEST_KEYRING_DIR": str(ring)}
    return subprocess.run([sys.executable, "-m", "gridpad", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=env, timeout=120, cwd=REPO)



def _enrolled(server: ServerProcess, tmp_path: Path, code: str) -> tuple[Path, Path]:
    ring, data = tmp_path / "ring", tmp_path / "a"
    r = _cli(data, "enroll", "--server", server.url, "--code", code, ring=ring)
    assert r.returncode == 0, r.stderr
    return data, ring


def _server_person(server: ServerProcess, row_id: str) -> dict[str, object] | None:
    with server.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT name, phone, employer FROM person WHERE id = :id"),
                           {"id": row_id}).first()
    return None if row is None else {"name": row[0], "phone": row[1], "employer": row[2]}


def test_a_refused_change_is_set_aside_the_rest_syncs_and_a_retry_sends_the_fix(
        server: ServerProcess, make_device: MakeDevice, tmp_path: Path) -> None:
    scope = server.new_scope(users=2)
    data, ring = _enrolled(server, tmp_path, scope.codes[0])
    other = make_device("b")
    other.enroll(server.url, scope.codes[1])
    with open_store(config.db_path(data)) as a:
        p1 = repo.insert(a, "person", {"grid_id": scope.grid, "name": "张伟"})
    assert _cli(data, "sync", ring=ring).returncode == 0
    other.sync()
    with open_store(config.db_path(data)) as a:
        repo.update(a, "person", p1, {"name": BAD}, validate=False)   # refused by the server …
        repo.update(a, "person", p1, {"employer": "虎门服装厂"})       # … so this one must wait
        child = repo.insert(a, "tenancy", {"grid_id": scope.grid, "person_id": p1, "building_id": "b-1"})
        p2 = repo.insert(a, "person", {"grid_id": scope.grid, "name": "李娜"})  # this one goes
    theirs = repo.insert(other.store, "person", {"grid_id": scope.grid, "name": "王芳"})
    other.sync()

    r = _cli(data, "sync", ring=ring)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert r.stdout.startswith("pushed 1, pulled ")  # p2 only: the tenancy refers to p1
    said = r.stdout + r.stderr
    assert "1 change set aside" in said
    assert f"person {p1[:8]}" in said and "name" in said and "gridpad held" in said
    assert BAD not in said
    assert _server_person(server, p2) == {"name": "李娜", "phone": None, "employer": None}
    with open_store(config.db_path(data)) as a:
        assert repo.get(a, "person", theirs) is not None  # the pull still ran
        assert outbox.count(a) == 3  # the refused change, and the two waiting behind it
    assert _server_person(server, p1) == {"name": "张伟", "phone": None, "employer": None}
    with server.engine.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT count(*) FROM tenancy WHERE id = '{child}'").scalar() == 0

    listed = _cli(data, "held", ring=ring)
    assert listed.returncode == 0, listed.stderr
    assert p1 in listed.stdout and "name" in listed.stdout and "2 later changes waiting" in listed.stdout
    held_id = listed.stdout.split()[0]

    again = _cli(data, "sync", ring=ring)  # still set aside; nothing sent twice
    assert again.returncode == 1 and again.stdout.startswith("pushed 0")

    with open_store(config.db_path(data)) as a:
        repo.update(a, "person", p1, {"name": "张卫"})  # the fix, a later edit of the same row
    done = _cli(data, "held", "retry", held_id, ring=ring)
    assert done.returncode == 0, done.stderr
    r = _cli(data, "sync", ring=ring)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "set aside" not in r.stdout
    assert _server_person(server, p1) == {"name": "张卫", "phone": None, "employer": "虎门服装厂"}
    with server.engine.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT count(*) FROM tenancy WHERE id = '{child}'").scalar() == 1
    with open_store(config.db_path(data)) as a:
        assert outbox.count(a) == 0
    assert "nothing set aside" in _cli(data, "held", ring=ring).stdout


def test_discard_unblocks_the_rows_later_changes_and_says_the_local_value_is_not_on_the_server(
        server: ServerProcess, tmp_path: Path) -> None:
    scope = server.new_scope()
    data, ring = _enrolled(server, tmp_path, scope.codes[0])
    with open_store(config.db_path(data)) as a:
        p1 = repo.insert(a, "person", {"grid_id": scope.grid, "name": "张伟"})
    assert _cli(data, "sync", ring=ring).returncode == 0
    with open_store(config.db_path(data)) as a:
        repo.update(a, "person", p1, {"name": BAD}, validate=False)
        repo.update(a, "person", p1, {"employer": "虎门服装厂"})
    assert _cli(data, "sync", ring=ring).returncode == 1
    held_id = _cli(data, "held", ring=ring).stdout.split()[0]

    done = _cli(data, "held", "discard", held_id, ring=ring)
    assert done.returncode == 0, done.stderr
    assert "not on the server" in done.stdout
    r = _cli(data, "sync", ring=ring)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("pushed 1")
    assert _server_person(server, p1) == {"name": "张伟", "phone": None, "employer": "虎门服装厂"}
    with open_store(config.db_path(data)) as a:
        row = repo.get(a, "person", p1)
        assert row is not None and row["name"] == BAD  # nothing restored silently …
    listed = _cli(data, "held", ring=ring).stdout
    assert p1 in listed and "not on the server" in listed  # … and it says so
    assert _cli(data, "held", "discard", "999999", ring=ring).returncode == 2


def test_a_grid_change_is_set_aside_too(
        server: ServerProcess, make_device: MakeDevice, tmp_path: Path) -> None:
    scope = server.new_scope(grids=2)
    data, ring = _enrolled(server, tmp_path, scope.codes[0])
    second = scope.grids[1]
    with open_store(config.db_path(data)) as a:
        p1 = repo.insert(a, "person", {"grid_id": scope.grid, "name": "张伟"})
    assert _cli(data, "sync", ring=ring).returncode == 0
    with open_store(config.db_path(data)) as a:
        repo.update(a, "person", p1, {"grid_id": second}, validate=False)
        p2 = repo.insert(a, "person", {"grid_id": scope.grid, "name": "李娜"})
    r = _cli(data, "sync", ring=ring)
    assert r.returncode == 1, r.stderr
    assert "1 change set aside" in r.stdout and "grid_id" in r.stdout
    assert _server_person(server, p2) is not None


def _backlog(server: ServerProcess, device_id: str) -> str:
    out = server.admin_cli("devices").stdout
    line = next(x for x in out.splitlines() if x.startswith(device_id))
    return line.split("\t")[5]


def test_the_fleet_backlog_is_what_remains_and_zero_once_the_outbox_drains(
        server: ServerProcess, tmp_path: Path) -> None:
    scope = server.new_scope()
    data, ring = _enrolled(server, tmp_path, scope.codes[0])
    with open_store(config.db_path(data)) as a:
        repo.insert_many(a, "person", ({"grid_id": scope.grid, "name": f"住户{i}"} for i in range(620)))
        device_id = a.get_meta("enrolled_device_id")
    assert device_id
    r = _cli(data, "sync", ring=ring)
    assert r.returncode == 0, r.stderr
    assert _backlog(server, device_id) == "0"  # the last batch said nothing remained after it
    # What an older app left: the size of its last batch as the backlog, for an outbox now empty.
    with server.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE device SET backlog = 500 WHERE id = '{device_id}'")
    with open_store(config.db_path(data)) as a:
        a.set_meta("sync_reported_backlog", None)
    r = _cli(data, "sync", ring=ring)
    assert r.returncode == 0, r.stderr
    assert _backlog(server, device_id) == "0"


def test_the_server_lists_every_refused_change_of_a_batch(
        server: ServerProcess, api_factory: ApiFactory) -> None:
    """So a device sets all of them aside in one round, not one per push."""
    scope = server.new_scope()
    api = api_factory(scope)
    changes = [api.change("person", f"p{i}", "insert",
                          {"grid_id": scope.grid, "name": BAD if i % 4 else "张伟"}) for i in range(400)]
    r = api.push(changes)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "invalid_change"
    refused = {p["change_id"] for p in body["problems"]}
    assert refused == {c["change_id"] for i, c in enumerate(changes) if i % 4}  # 300, not the first 100
    assert all(p["rule"] == "text" and p["field"] == "name" for p in body["problems"])


def test_many_refused_changes_are_set_aside_in_one_sync_and_the_rest_goes(
        server: ServerProcess, make_device: MakeDevice) -> None:
    scope = server.new_scope()
    dev = make_device("a")
    dev.enroll(server.url, scope.codes[0])
    bad = [repo.insert(dev.store, "person", {"grid_id": scope.grid, "name": BAD}, validate=False)
           for _ in range(150)]
    good = repo.insert(dev.store, "person", {"grid_id": scope.grid, "name": "李娜"})
    done = dev.sync()
    assert (done.pushed, done.set_aside, len(done.held)) == (1, 150, 150)
    assert {h.row_id for h in done.held} == set(bad)
    assert _server_person(server, good) is not None
    assert "150 changes set aside" in done.summary()


def test_a_change_to_a_row_of_another_grid_is_set_aside_not_blocking(
        server: ServerProcess, make_device: MakeDevice) -> None:
    scope_a, scope_b = server.new_scope(), server.new_scope()
    a, b = make_device("a"), make_device("b")
    a.enroll(server.url, scope_a.codes[0])
    b.enroll(server.url, scope_b.codes[0])
    taken = repo.insert(b.store, "person", {"grid_id": scope_b.grid, "name": "王芳"})
    b.sync()
    repo.insert(a.store, "person", {"grid_id": scope_a.grid, "name": "张伟"}, id=taken)  # same id, grid A
    good = repo.insert(a.store, "person", {"grid_id": scope_a.grid, "name": "李娜"})
    done = a.sync()
    assert done.pushed == 1 and [(h.row_id, h.error) for h in done.held] == [(taken, "out_of_scope")]
    assert "belongs to a grid this device does not hold" in done.summary()
    assert _server_person(server, good) is not None
    assert _server_person(server, taken) == {"name": "王芳", "phone": None, "employer": None}
