"""Two tablets and a real server process: edits travel, conflicts are counted, status tells the truth."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import keyring
import pytest
from support.devices import Device, MakeDevice, export_store
from support.live_server import REPO, Scope, ServerProcess

from gridpad.store import capture, outbox, remote, repo
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.store.repo import Record
from gridpad.sync_client import conflicts, status
from gridpad.sync_client.enroll import client_for
from gridpad.sync_client.errors import RejectedError, ServerUnreachableError
from gridpad.sync_client.pull import pull_pages
from sync.protocol import PhotoStatus


def _person(store: Store, person_id: str) -> Record:
    """The person row, which the test expects to be there."""
    row = repo.get(store, "person", person_id)
    assert row is not None, person_id
    return row


def _pair(server: ServerProcess, make: MakeDevice) -> tuple[Scope, Device, Device]:
    scope = server.new_scope(users=2)
    a, b = make("a"), make("b")
    a.enroll(server.url, scope.codes[0])
    b.enroll(server.url, scope.codes[1])
    return scope, a, b


def test_enrollment_keeps_the_secret_in_the_keyring_and_the_scope_in_meta(server: ServerProcess,
                                                                          make_device: MakeDevice) -> None:
    scope = server.new_scope()
    dev = make_device("a")
    done = dev.enroll(server.url, scope.codes[0])
    assert done.grids == [scope.grid]
    assert keyring.get_password("gridpad", done.device_id)  # the secret is in the keyring …
    secret = keyring.get_password("gridpad", done.device_id)
    raw = (dev.data_dir / "gridpad.sqlite").read_bytes()
    assert secret is not None and secret.encode() not in raw  # … and nowhere in the database file
    assert DeviceMeta(dev.store).grids == [scope.grid]
    assert DeviceMeta(dev.store).plate_public_keys
    assert status.read_status(dev.store).enrolled


def test_edits_travel_between_two_devices(server: ServerProcess, make_device: MakeDevice) -> None:
    scope, a, b = _pair(server, make_device)
    pid = repo.insert(a.store, "person", {"grid_id": scope.grid, "name": "张伟", "employer": "东城电子厂"})
    first = a.sync()
    assert first.pushed == 1 and a.outbox_count() == 0
    got = b.sync()
    assert got.pulled >= 2  # the grid row and the person
    row = repo.get(b.store, "person", pid)
    assert row is not None and row["employer"] == "东城电子厂"
    repo.update(b.store, "person", pid, {"employer": "虎门服装厂"})
    gone = repo.insert(b.store, "person", {"grid_id": scope.grid, "name": "李娜"})
    repo.mark_deleted(b.store, "person", gone)
    b.sync()
    a.sync()
    assert export_store(a.store) == export_store(b.store)
    st = status.read_status(a.store)
    assert st.last_success_at and st.last_error is None and st.outbox_count == 0


def test_same_field_edits_make_one_conflict_and_different_fields_none(server: ServerProcess,
                                                                      make_device: MakeDevice) -> None:
    scope, a, b = _pair(server, make_device)
    pid = repo.insert(a.store, "person", {"grid_id": scope.grid, "name": "王芳"})
    a.sync()
    b.sync()
    repo.update(a.store, "person", pid, {"employer": "A厂", "occupation": "普工"})
    repo.update(b.store, "person", pid, {"employer": "B厂", "hukou_address": "湖南省衡阳市"})
    ra = a.sync()
    rb = b.sync()
    a.sync()
    assert ra.conflicts == 0 and rb.conflicts == 1
    assert export_store(a.store) == export_store(b.store)
    row = repo.get(a.store, "person", pid)
    assert row is not None and row["occupation"] == "普工" and row["hukou_address"] == "湖南省衡阳市"
    open_ = conflicts.list_open(a.store)
    assert [(c.field, {c.kept_value, c.lost_value}) for c in open_] == [("employer", {"A厂", "B厂"})]
    assert row["employer"] == open_[0].kept_value
    # Resolving: keep the losing value; it comes back as an ordinary new edit.
    conflicts.resolve(a.store, open_[0], "lost")
    a.sync()
    b.sync()
    assert _person(b.store, pid)["employer"] == open_[0].lost_value
    assert conflicts.list_open(b.store) == []


def test_a_pending_local_edit_survives_a_pull_and_then_merges(server: ServerProcess,
                                                              make_device: MakeDevice) -> None:
    scope, a, b = _pair(server, make_device)
    pid = repo.insert(a.store, "person", {"grid_id": scope.grid, "name": "陈静"})
    a.sync()
    b.sync()
    repo.update(b.store, "person", pid, {"occupation": "厨师"})
    repo.update(a.store, "person", pid, {"occupation": "司机", "employer": "长安运输"})
    # b pulls a's edit while its own is still waiting: its pending field stays, the other lands.
    a.sync()
    with closing(client_for(b.store)) as client:
        for rows, nxt, _more in pull_pages(client, remote.cursor(b.store)):
            remote.apply_rows(b.store, rows, nxt)
    row = repo.get(b.store, "person", pid)
    assert row is not None and row["occupation"] == "厨师" and row["employer"] == "长安运输"
    assert outbox.count(b.store) == 1
    b.sync()
    a.sync()
    assert export_store(a.store) == export_store(b.store)


def test_photos_upload_resumably_and_are_confirmed_by_hash(server: ServerProcess,
                                                           make_device: MakeDevice) -> None:
    scope, a, _b = _pair(server, make_device)
    blob = os.urandom(3 * 1024 * 1024 + 17)
    sha = hashlib.sha256(blob).hexdigest()
    (a.data_dir / "photos").mkdir()
    (a.data_dir / "photos" / sha).write_bytes(blob)
    repo.insert(a.store, "photo", {"grid_id": scope.grid, "sha256": sha, "mime": "image/jpeg",
                                   "size_bytes": len(blob)})
    assert status.read_status(a.store).photo_backlog == 1
    # The first megabyte already reached the server in an earlier, interrupted attempt.
    with closing(client_for(a.store)) as c:
        c.call("PUT", f"/v1/photos/{sha}", PhotoStatus, data=blob[: 1 << 20],
               headers={"Content-Range": f"bytes 0-{(1 << 20) - 1}/{len(blob)}"})
        result = a.sync()
        assert result.photos_uploaded == 1 and result.photo_backlog == 0
        got = c.call("GET", f"/v1/photos/{sha}", PhotoStatus)
    assert got.complete and got.received == len(blob)
    assert (a.data_dir / "photos" / sha).exists()  # kept on the tablet; only now could it go
    assert remote.photo_confirmed(a.store, sha)
    assert status.read_status(a.store).photo_backlog == 0


def test_failures_are_reported_in_plain_words_with_the_outbox_intact(server: ServerProcess,
                                                                     make_device: MakeDevice) -> None:
    scope, a, _b = _pair(server, make_device)
    repo.insert(a.store, "person", {"grid_id": scope.grid, "name": "周杰"})
    a.retarget("http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(ServerUnreachableError, match=r"^server unreachable: "):
        a.sync()
    assert a.outbox_count() == 1
    assert (status.read_status(a.store).last_error or "").startswith("server unreachable")
    a.retarget(server.url)
    # A change to a grid this device does not hold is kept but not sent, and said; the rest goes.
    repo.insert(a.store, "person", {"grid_id": "NOT-MINE", "name": "外人"})
    with pytest.raises(RejectedError, match=r"^rejected by server: .*grid"):
        a.sync()
    assert a.outbox_count() == 1
    assert outbox.pending(a.store)[0].fields["name"] == "外人"


def _cli(data_dir: Path, *args: str, keyring_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'tests'}",
           "PYTHON_KEYRING_BACKEND": "support.file_keyring.FileKeyring",
           "GRIDPAD_TEST_KEYRING_DIR": str(keyring_dir)}
    return subprocess.run([sys.executable, "-m", "gridpad", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=env, timeout=120, cwd=REPO)


@pytest.mark.slow
def test_the_gridpad_commands_enroll_sync_and_refuse_a_used_code(server: ServerProcess,
                                                                 tmp_path: Path) -> None:
    scope = server.new_scope(users=1)
    ring = tmp_path / "ring"
    d1, d2 = tmp_path / "d1", tmp_path / "d2"
    r = _cli(d1, "enroll", "--server", server.url, "--code", scope.codes[0], keyring_dir=ring)
    assert r.returncode == 0, r.stderr
    assert "enrolled device" in r.stdout
    secret_file = (ring / "keyring.json").read_text()
    assert json.loads(secret_file)  # the test keyring holds it; the data dir does not
    r = _cli(d2, "enroll", "--server", server.url, "--code", scope.codes[0], keyring_dir=ring)
    assert r.returncode != 0
    assert r.stderr.strip().splitlines()[-1].startswith("gridpad enroll: rejected by server: ")
    assert "already used" in r.stderr
    r = _cli(d1, "sync", keyring_dir=ring)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("pushed 0, pulled 1, conflicts 0")


def test_a_damaged_table_is_found_by_checksum_and_downloaded_again(server: ServerProcess,
                                                                   make_device: MakeDevice) -> None:
    scope, a, b = _pair(server, make_device)
    ids = repo.insert_many(a.store, "person", [{"grid_id": scope.grid, "name": f"赵{i}"} for i in range(30)])
    a.sync()
    b.sync()
    # Damage b's copy behind the sync's back (no outbox entry): a changed value, a lost row, a stray row.
    with b.store.transaction(), capture.applying_remote(b.store):
        b.store.db.execute("UPDATE person SET name = '被改' WHERE id = ?", (ids[0],))
        b.store.db.execute("DELETE FROM person WHERE id = ?", (ids[1],))
        b.store.db.execute("INSERT INTO person (id, grid_id, name) VALUES ('stray', ?, '幽灵')",
                             (scope.grid,))
    assert b.sync().redownloaded == []  # an idle sync does not pay for checksums …
    result = b.sync(verify=True)        # … a checked one finds the damage and repairs it
    assert result.redownloaded == ["person"]
    assert export_store(b.store) == export_store(a.store)
    assert b.sync(verify=True).redownloaded == []


def test_a_first_download_over_several_pages_is_checked_and_repaired(server: ServerProcess,
                                                                     make_device: MakeDevice) -> None:
    scope, a, b = _pair(server, make_device)
    repo.insert_many(a.store, "person", [{"grid_id": scope.grid, "name": f"钱{i}"} for i in range(2500)])
    a.sync()
    # b holds a row of its grid the server never had (no outbox entry) before its first download.
    with b.store.transaction(), capture.applying_remote(b.store):
        b.store.db.execute("INSERT INTO person (id, grid_id, name) VALUES ('stray', ?, '幽灵')",
                             (scope.grid,))
    first = b.sync()  # several pages (the first is small), then checksums
    assert first.pulled >= 2500 and first.redownloaded == ["person"]
    assert export_store(b.store) == export_store(a.store)
    c = make_device("c")
    c.enroll(server.url, server.issue_code(scope.user))
    assert c.sync().redownloaded == []  # a clean first download matches the server
    assert export_store(c.store) == export_store(a.store)


def test_resolving_by_a_new_edit_or_by_mine_reaches_every_device(server: ServerProcess,
                                                                 make_device: MakeDevice) -> None:
    scope, a, b = _pair(server, make_device)
    p1, p2 = repo.insert_many(a.store, "person", [{"grid_id": scope.grid, "name": n} for n in ("甲", "乙")])
    a.sync()
    b.sync()
    for pid in (p1, p2):
        repo.update(a.store, "person", pid, {"occupation": "A写的"})
        repo.update(b.store, "person", pid, {"occupation": "B写的"})
    a.sync()
    b.sync()
    a.sync()
    by_row = {c.row_id: c for c in conflicts.list_open(b.store)}
    assert set(by_row) == {p1, p2}
    conflicts.resolve(b.store, by_row[p1], "edit", "双方商定")  # an ordinary new edit …
    assert outbox.count(b.store) == 1
    conflicts.resolve(b.store, by_row[p2].id, "mine")           # … or this device's own value
    b.sync()
    a.sync()
    assert _person(a.store, p1)["occupation"] == "双方商定"
    assert _person(a.store, p2)["occupation"] == "B写的"
    assert conflicts.list_open(a.store) == [] and conflicts.list_open(b.store) == []
    assert export_store(a.store) == export_store(b.store)
