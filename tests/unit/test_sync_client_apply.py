"""Applying pulled pages (gridpad.store.remote): atomic with the cursor, never captured, local edits kept."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gridpad.store import capture, outbox, remote, repo
from gridpad.store.db import Store
from gridpad.store.repo import Record


def _person(store: Store, person_id: str) -> Record:
    """The person row, which the test expects to be there."""
    row = repo.get(store, "person", person_id)
    assert row is not None, person_id
    return row


def _image(row_id: str, seq: int, *, name: str = "张伟", deleted: bool = False,
           **extra: object) -> dict[str, Any]:
    fields = {"grid_id": "G1", "is_demo": 0, "name": name, "employer": None, **extra}
    return {"table": "person", "id": row_id, "server_seq": seq, "deleted": deleted, "fields": fields}


def test_page_and_cursor_land_together_and_are_not_captured(store: Store) -> None:
    n = remote.apply_rows(store, [_image("p1", 5), _image("p2", 7, name="李娜")], 7)
    assert n == 2
    assert remote.cursor(store) == 7
    assert outbox.count(store) == 0
    got = repo.get(store, "person", "p2")
    assert got is not None and got["name"] == "李娜" and got["_server_seq"] == 7 and got["_deleted"] == 0


def test_a_failing_page_leaves_rows_and_cursor_as_they_were(store: Store) -> None:
    remote.apply_rows(store, [_image("p1", 5)], 5)
    bad = [_image("p1", 9, name="王芳"), {"table": "person", "id": "p3", "fields": {"grid_id": "G1"}}]
    with pytest.raises(KeyError):
        remote.apply_rows(store, bad, 10)
    assert remote.cursor(store) == 5
    assert _person(store, "p1")["name"] == "张伟"


def test_fields_with_pending_local_edits_are_not_overwritten(store: Store) -> None:
    remote.apply_rows(store, [_image("p1", 5, employer="旧厂")], 5)
    repo.update(store, "person", "p1", {"name": "张伟明"})  # local edit, not yet pushed
    assert outbox.count(store) == 1
    remote.apply_rows(store, [_image("p1", 8, name="张卫", employer="新厂")], 8)
    row = repo.get(store, "person", "p1")
    assert row is not None
    assert row["name"] == "张伟明"        # the pending local edit survives
    assert row["employer"] == "新厂"      # other fields take the server's value
    assert row["_server_seq"] == 8
    assert outbox.count(store) == 1       # applying did not add to the outbox
    change = outbox.pending(store)[0]
    assert change.fields == {"name": "张伟明"}


def test_tombstones_set_deleted_and_keep_the_row(store: Store) -> None:
    remote.apply_rows(store, [_image("p1", 5)], 5)
    remote.apply_rows(store, [_image("p1", 6, deleted=True)], 6)
    row = repo.get(store, "person", "p1")
    assert row is not None and row["_deleted"] == 1 and row["name"] == "张伟"
    assert outbox.count(store) == 0


def test_a_pending_local_delete_is_not_undone_by_a_pull(store: Store) -> None:
    remote.apply_rows(store, [_image("p1", 5)], 5)
    repo.mark_deleted(store, "person", "p1")
    remote.apply_rows(store, [_image("p1", 6, name="改名")], 6)
    row = repo.get(store, "person", "p1")
    assert row is not None and row["_deleted"] == 1 and row["name"] == "改名"


def test_the_device_clock_never_falls_behind_what_it_pulled(store: Store) -> None:
    far = capture.current_hlc(store) + (10 << 32)
    remote.apply_rows(store, [{**_image("p1", 5), "hlc": far}], 5)
    assert capture.current_hlc(store) >= far
    repo.update(store, "person", "p1", {"name": "新名"})
    assert outbox.pending(store)[0].hlc > far


def test_rows_of_unknown_tables_are_skipped_and_json_is_stored_as_text(store: Store) -> None:
    rows = [
        {"table": "from_a_newer_server", "id": "x", "server_seq": 3, "deleted": False, "fields": {}},
        {"table": "building", "id": "b1", "server_seq": 4, "deleted": False,
         "fields": {"grid_id": "G1", "address": "东城街道1号", "fire_facilities": {"extinguishers": 2}}},
    ]
    assert remote.apply_rows(store, rows, 4) == 1
    b = repo.get(store, "building", "b1")
    assert b is not None and json.loads(b["fire_facilities"]) == {"extinguishers": 2}


def test_redownload_drops_only_rows_the_server_lacks_and_nothing_pending(store: Store) -> None:
    remote.apply_rows(store, [_image("p1", 5), _image("p2", 6)], 6)
    repo.insert(store, "person", {"grid_id": "G1", "name": "新登记"}, id="p_local")
    repo.insert(store, "person", {"grid_id": "OTHER", "name": "别的网格"}, id="p_other")
    outbox.ack(store, [c.change_id for c in outbox.pending(store) if c.row_id == "p_other"])
    dropped = remote.drop_rows_not_on_server(store, "person", {"p1"}, {"G1"})
    assert dropped == 1
    ids = {r["id"] for r in repo.rows(store, "person", include_deleted=True)}
    assert ids == {"p1", "p_local", "p_other"}


def test_a_row_that_comes_back_unchanged_only_advances_its_server_seq(store: Store) -> None:
    remote.apply_rows(store, [_image("p1", 5, employer="旧厂")], 5)
    store.db.execute("DELETE FROM search_dirty")  # as after the search index caught up
    remote.apply_rows(store, [_image("p1", 9, employer="旧厂")], 9)
    assert store.db.execute("SELECT count(*) FROM search_dirty").fetchone()[0] == 0  # nothing to reindex
    assert _person(store, "p1")["_server_seq"] == 9
    remote.apply_rows(store, [_image("p1", 10, name="张卫", employer="旧厂")], 10)
    assert store.db.execute("SELECT count(*) FROM search_dirty").fetchone()[0] == 1
    assert _person(store, "p1")["name"] == "张卫"
