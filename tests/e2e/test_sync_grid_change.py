"""The office changes a user's grids: the tablet follows at its next sync (real server, both backends)."""

from __future__ import annotations

import pytest
from support.devices import Device, MakeDevice
from support.live_server import ServerProcess

from gridpad.store import repo
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client import status
from gridpad.sync_client.engine import SyncResult
from gridpad.sync_client.errors import HeldBackError


def _set_grids(server: ServerProcess, user: str, *grids: str) -> None:
    """``gridpad-server admin user grids`` as the office runs it, against the server's database."""
    server.admin_cli("user", "grids", user, "--grids", ",".join(grids))


def _persons(dev: Device, grid: str) -> set[str]:
    return {r[0] for r in dev.store.db.execute(
        "SELECT name FROM person WHERE grid_id = ? AND _deleted = 0", [grid])}


def test_an_added_grid_arrives_whole_and_a_removed_grid_leaves(server: ServerProcess,
                                                               make_device: MakeDevice) -> None:
    scope_a, scope_b = server.new_scope(), server.new_scope()
    a, b = make_device("a"), make_device("b")
    a.enroll(server.url, scope_a.codes[0])
    b.enroll(server.url, scope_b.codes[0])
    mine = repo.insert(a.store, "person", {"grid_id": scope_a.grid, "name": "张伟"})
    for name in ("李娜", "王芳"):
        repo.insert(b.store, "person", {"grid_id": scope_b.grid, "name": name})
    a.sync()
    b.sync()
    a.sync()
    assert _persons(a, scope_b.grid) == set()  # not this device's grid yet

    _set_grids(server, scope_a.user, scope_a.grid, scope_b.grid)
    got = a.sync()  # one sync: B's older rows sat behind A's cursor and now arrive
    assert got.grids_changed
    assert _persons(a, scope_b.grid) == {"李娜", "王芳"}
    grid_b = repo.get(a.store, "grid", scope_b.grid)
    assert grid_b is not None and grid_b["name"] == f"测试网格{scope_b.grid}"  # the grid's own row too
    assert sorted(DeviceMeta(a.store).grids) == sorted([scope_a.grid, scope_b.grid])
    assert a.outbox_count() == 0  # what was pulled is not pushed back as a local edit
    assert a.sync().grids_changed is False  # and the next sync is an ordinary one

    repo.insert(b.store, "person", {"grid_id": scope_b.grid, "name": "赵磊"})
    b.sync()
    a.sync()
    assert _persons(a, scope_b.grid) == {"李娜", "王芳", "赵磊"}  # B now travels as usual

    _set_grids(server, scope_a.user, scope_a.grid)
    gone = a.sync()
    assert gone.grids_changed and gone.purged >= 4  # three persons and the grid row
    assert "grids changed" in gone.summary()
    for table in ("person", "grid"):
        left = a.store.db.execute(f"SELECT count(*) FROM {table} WHERE grid_id = ?", [scope_b.grid])
        assert left.fetchone()[0] == 0
    assert a.outbox_count() == 0  # removing them queued no deletes for the server
    assert repo.get(a.store, "person", mine) is not None  # grid A untouched
    assert DeviceMeta(a.store).grids == [scope_a.grid]
    b.sync()
    assert _persons(b, scope_b.grid) == {"李娜", "王芳", "赵磊"}  # nothing was deleted on the server


def test_changing_grids_refuses_an_unknown_user_or_grid_and_changes_nothing(server: ServerProcess,
                                                                            make_device: MakeDevice) -> None:
    scope = server.new_scope()
    a = make_device("a")
    a.enroll(server.url, scope.codes[0])
    user = scope.user
    for name, grids, says in ((user, "GNOPE", "no grid GNOPE"), ("nobody-here", scope.grid, "no user"),
                              (user, "", "at least one grid")):
        done = server.admin_cli("user", "grids", name, "--grids", grids, check=False)
        assert done.returncode != 0 and says in done.stderr
    assert a.sync().grids_changed is False
    assert DeviceMeta(a.store).grids == [scope.grid]


def test_an_edit_to_a_grid_taken_away_waits_and_the_rest_still_syncs(server: ServerProcess,
                                                                     make_device: MakeDevice) -> None:
    scope_a, scope_b = server.new_scope(), server.new_scope()
    a, b = make_device("a"), make_device("b")
    a.enroll(server.url, scope_a.codes[0])
    b.enroll(server.url, scope_b.codes[0])
    theirs = repo.insert(b.store, "person", {"grid_id": scope_b.grid, "name": "李娜"})
    other = repo.insert(b.store, "person", {"grid_id": scope_b.grid, "name": "王芳"})
    b.sync()
    _set_grids(server, scope_a.user, scope_a.grid, scope_b.grid)
    a.sync()
    repo.update(a.store, "person", theirs, {"employer": "虎门服装厂"})  # edited on A, not yet sent …
    mine = repo.insert(a.store, "person", {"grid_id": scope_a.grid, "name": "张伟"})
    _set_grids(server, scope_a.user, scope_a.grid)  # … when B is taken away

    with pytest.raises(HeldBackError, match=r"^rejected by server: 1 edit.* cannot be sent") as err:
        a.sync()  # the server refuses B's edit: the rest is pushed and pulled, B's edit waits
    done = err.value.result
    assert isinstance(done, SyncResult)
    assert done.pushed == 1 and done.held_back == 1 and done.grids_changed
    assert "not sent" in done.summary()
    assert "ask the office" in (status.read_status(a.store).last_error or "")
    assert a.outbox_count() == 1
    assert repo.get(a.store, "person", other) is None  # B's rows are gone …
    kept = repo.get(a.store, "person", theirs)
    assert kept is not None and kept["employer"] == "虎门服装厂"  # … but not the one with the edit
    with pytest.raises(HeldBackError):
        a.sync()  # still waiting, and still said, at every sync
    assert a.outbox_count() == 1
    b.sync()
    row = repo.get(b.store, "person", theirs)
    assert row is not None and row["employer"] != "虎门服装厂"

    _set_grids(server, scope_a.user, scope_a.grid, scope_b.grid)  # B given back
    back = a.sync()  # learns B is back in the pull, then sends the waiting edit
    assert back.grids_changed and back.held_back == 0 and back.pushed == 1
    assert a.outbox_count() == 0
    back_again = repo.get(a.store, "person", other)
    assert back_again is not None and (back_again["name"], back_again["_deleted"]) == ("王芳", 0)
    b.sync()
    row = repo.get(b.store, "person", theirs)
    assert row is not None and row["employer"] == "虎门服装厂"
    row = repo.get(a.store, "person", mine)
    assert row is not None and (row["name"], row["grid_id"], row["_deleted"]) == ("张伟", scope_a.grid, 0)
