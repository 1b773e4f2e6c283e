"""Change capture by triggers: raw SQL from any connection lands in the outbox, in the same transaction."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from gridpad.store import capture, outbox, repo
from gridpad.store.db import Store
from sync.schema import EDITABLE_TABLES, TABLES


def _raw(store: Store) -> sqlite3.Connection:
    """A plain connection with no GridPad code and no registered functions."""
    return sqlite3.connect(store.path)


def _outbox(store: Store) -> list[tuple[str, str, str, dict[str, object], int, int]]:
    rows = store.db.execute("SELECT tbl, row_id, op, fields, base_seq, hlc FROM outbox ORDER BY change_id")
    return [(t, r, o, json.loads(f), b, h) for t, r, o, f, b, h in rows]


def _sample(table: str) -> dict[str, object]:
    """A value for every column of ``table`` by type (capture does not validate)."""
    values = {"text": "x", "date": "2024-05-01", "json": '["a"]', "int": 3, "bool": 1, "real": 2.5}
    return {c.name: values[c.type] for c in TABLES[table].columns}


@pytest.mark.parametrize("table", EDITABLE_TABLES)
def test_raw_insert_update_delete_are_captured(store: Store, table: str) -> None:
    sample = _sample(table)
    cols = ["id", *sample]
    raw = _raw(store)
    before_ms = time.time_ns() // 1_000_000
    with raw:
        raw.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    ["r1", *sample.values()])
    with raw:  # the server acknowledged version 7 of this row
        raw.execute("UPDATE capture_state SET suppressed = 1")
        raw.execute(f"UPDATE {table} SET _server_seq = 7 WHERE id = 'r1'")
        raw.execute("UPDATE capture_state SET suppressed = 0")
    changed = TABLES[table].columns[-1]
    new_values = {"text": "y", "date": "2024-06-02", "json": "[]", "int": 4, "bool": 0, "real": 1.5}
    new_value = new_values[changed.type]
    with raw:
        raw.execute(f"UPDATE {table} SET grid_id = grid_id, {changed.name} = ? WHERE id = 'r1'", (new_value,))
    with raw:
        raw.execute(f"DELETE FROM {table} WHERE id = 'r1'")
    after_ms = time.time_ns() // 1_000_000
    raw.close()

    rows = _outbox(store)
    assert [(t, r, o) for t, r, o, *_ in rows] == [(table, "r1", "insert"), (table, "r1", "update"),
                                                   (table, "r1", "delete")]
    assert rows[0][3] == {**sample, "_deleted": 0}
    assert rows[0][4] == 0
    assert rows[1][3] == {changed.name: new_value}  # only what changed, not grid_id
    assert rows[1][4] == 7  # base_seq: the version the edit was made on
    assert rows[2][3] == {"_deleted": 1}
    assert rows[2][4] == 7
    hlcs = [h for *_, h in rows]
    assert hlcs == sorted(set(hlcs))
    # Each clock value's physical part is the UTC wall time (ms) of its write.
    assert all(before_ms <= h >> 16 <= after_ms for h in hlcs), (before_ms, [h >> 16 for h in hlcs], after_ms)


def test_update_that_changes_nothing_synced_writes_no_outbox_row(store: Store) -> None:
    pid = repo.insert(store, "person", {"grid_id": "g1", "name": "王芳"})
    raw = _raw(store)
    with raw:
        raw.execute("UPDATE person SET name = '王芳', _server_seq = 12 WHERE id = ?", (pid,))
    raw.close()
    assert outbox.count(store) == 1  # only the insert


def test_tombstone_is_a_delete_with_deleted_field(store: Store) -> None:
    pid = repo.insert(store, "person", {"grid_id": "g1", "name": "王芳"})
    repo.mark_deleted(store, "person", pid)
    change = outbox.pending(store)[-1]
    assert (change.op, change.fields) == ("delete", {"_deleted": 1})
    assert repo.get(store, "person", pid) is not None  # kept as a tombstone
    assert list(repo.rows(store, "person")) == []
    assert len(list(repo.rows(store, "person", include_deleted=True))) == 1


def test_null_values_are_captured_as_null(store: Store) -> None:
    pid = repo.insert(store, "person", {"grid_id": "g1", "name": "王芳", "occupation": "厨师"})
    repo.update(store, "person", pid, {"occupation": None})
    assert outbox.pending(store)[-1].fields == {"occupation": None}


def test_applying_remote_suppresses_capture_but_still_marks_search(store: Store) -> None:
    with store.transaction(), capture.applying_remote(store):
        store.db.execute("INSERT INTO person(id, grid_id, name, _server_seq) "
                           "VALUES ('p1', 'g1', '刘洋', 5)")
        store.db.execute("UPDATE person SET name = '刘阳' WHERE id = 'p1'")
    assert outbox.count(store) == 0
    assert store.db.execute("SELECT tbl, row_id FROM search_dirty").fetchall() == [("person", "p1")]
    # capture is back on afterwards
    repo.update(store, "person", "p1", {"name": "刘洋"})
    assert [(c.op, c.fields, c.base_seq) for c in outbox.pending(store)] == [("update", {"name": "刘洋"}, 5)]


def test_failed_remote_apply_rolls_back_and_leaves_capture_on(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction(), capture.applying_remote(store):
        store.db.execute("INSERT INTO person(id, grid_id, name) VALUES ('p1', 'g1', '刘洋')")
        raise RuntimeError("bad page")
    assert store.db.execute("SELECT suppressed FROM capture_state").fetchone()[0] == 0
    assert repo.get(store, "person", "p1") is None


def test_observed_remote_clock_moves_local_clock_past_it(store: Store) -> None:
    future = (int(time.time() * 1000) + 90_000) << 16
    capture.observe_remote_hlc(store, future + 5)
    pid = repo.insert(store, "person", {"grid_id": "g1", "name": "王芳"})
    assert outbox.pending(store)[-1].hlc == future + 6
    capture.observe_remote_hlc(store, 1)  # an older clock never moves it back
    repo.update(store, "person", pid, {"name": "王方"})
    assert outbox.pending(store)[-1].hlc == future + 7
    assert capture.current_hlc(store) == future + 7


def test_raw_upsert_and_replace_are_captured_and_do_not_trip_the_search_marks(store: Store) -> None:
    raw = _raw(store)
    upsert = ("INSERT INTO person(id, grid_id, name) VALUES ('p1', 'g1', ?) "
              "ON CONFLICT(id) DO UPDATE SET name = excluded.name")
    with raw:
        raw.execute(upsert, ("刘洋",))
    with raw:  # the row is still marked dirty: the mark must not conflict
        raw.execute(upsert, ("刘阳",))
    with raw:
        raw.execute("INSERT OR REPLACE INTO person(id, grid_id, name) VALUES ('p1', 'g1', '刘扬')")
    raw.close()
    ops = [(c.op, c.fields.get("name")) for c in outbox.pending(store)]
    assert ops[:2] == [("insert", "刘洋"), ("update", "刘阳")]
    assert ops[-1] == ("insert", "刘扬")
    # pulled rows have no outbox row, so their search marks come from the triggers: still no conflict
    with store.transaction(), capture.applying_remote(store):
        store.db.execute(upsert.replace("'p1'", "'p2'"), ("周洁",))
        store.db.execute(upsert.replace("'p1'", "'p2'"), ("周杰",))
    assert store.db.execute("SELECT tbl, row_id FROM search_dirty").fetchall() == [("person", "p2")]


def test_server_owned_rows_are_not_captured(store: Store) -> None:
    """The server refuses pushed grid changes; a grid row made locally must not block the outbox."""
    repo.insert(store, "grid", {"grid_id": "g1", "code": "g1", "name": "一网格"}, id="g1")
    repo.insert_many(store, "grid", [{"grid_id": "g2", "code": "g2", "name": "二网格", "id": "g2"}])
    repo.update(store, "grid", "g1", {"name": "一号网格"})
    assert outbox.count(store) == 0


def test_clock_and_change_ids_keep_growing_after_the_outbox_is_acked_empty(store: Store) -> None:
    future = (int(time.time() * 1000) + 90_000) << 16
    capture.observe_remote_hlc(store, future)
    pid = repo.insert(store, "person", {"grid_id": "g1", "name": "王芳"})
    first = outbox.pending(store)[0]
    assert first.hlc == future + 1
    outbox.ack(store, [first.change_id])
    repo.update(store, "person", pid, {"name": "王方"})
    second = outbox.pending(store)[0]
    assert (second.hlc, second.change_id) == (future + 2, first.change_id + 1)
