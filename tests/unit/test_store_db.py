"""Opening, migrating and version-guarding the device database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gridpad.store import migrations, repo
from gridpad.store.db import open_store
from gridpad.store.errors import StoreVersionError
from sync.schema import TABLES


def test_new_store_has_every_synced_table_with_bookkeeping_columns(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.sqlite")
    for name, table in TABLES.items():
        cols = {r[1]: (r[2], r[3], r[5]) for r in store.db.execute(f"PRAGMA table_info({name})")}
        assert cols["id"][2] == 1  # primary key
        assert set(table.column_names) <= set(cols)
        assert cols["_server_seq"][:2] == ("INTEGER", 1)
        assert cols["_deleted"][:2] == ("INTEGER", 1)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    expected = migrations.SCHEMA_MAJOR * 1000 + migrations.SCHEMA_MINOR
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == expected
    store.close()


def test_no_unique_constraint_beyond_the_key(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.sqlite")
    person = {"grid_id": "g1", "name": "王芳", "id_number": "44190019900101123" + "4"}
    repo.insert(store, "person", person, validate=False)
    repo.insert(store, "person", person, validate=False)  # the same ID number twice is a review item
    assert store.db.execute("SELECT count(*) FROM person").fetchone()[0] == 2


def test_reopen_keeps_device_id_and_applies_migrations_once(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    first = open_store(path)
    device = first.device_id
    first.close()
    again = open_store(path)
    assert again.device_id == device
    names = [r[0] for r in again.db.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert names == ["0001_local_tables", "0002_synced_tables", "0003_outbox_without_row_index",
                     "0004_change_ids_from_hlc_state", "0005_search_sees_the_outbox", "0006_local_drafts",
                     "0007_held_changes", "0008_search_reads_compound_surnames"]
    again.close()


def test_newer_major_version_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {(migrations.SCHEMA_MAJOR + 1) * 1000 + 2}")
    conn.close()
    with pytest.raises(StoreVersionError, match=r"newer GridPad \(schema 2\.2\)"):
        open_store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2002
    conn.close()


def test_newer_minor_version_opens(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_MAJOR * 1000 + 7}")
    conn.close()
    store = open_store(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_MAJOR * 1000 + 7
    store.close()


def test_added_schema_column_reaches_existing_file_and_is_captured(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from sync import schema

    path = tmp_path / "g.sqlite"
    open_store(path).close()
    person = schema.TABLES["person"]
    wider = replace(person, columns=(*person.columns, schema.Column("nickname")))
    monkeypatch.setitem(schema.TABLES, "person", wider)
    store = open_store(path)
    pid = repo.insert(store, "person", {"grid_id": "g1", "name": "李娜", "nickname": "娜娜"}, validate=False)
    fields = store.db.execute("SELECT fields FROM outbox WHERE row_id = ?", (pid,)).fetchone()[0]
    assert '"nickname":"娜娜"' in fields
    store.close()


def test_transaction_rolls_back_everything_and_nests(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.sqlite")
    with pytest.raises(RuntimeError), store.transaction():
        repo.insert(store, "person", {"grid_id": "g1", "name": "李娜"})
        raise RuntimeError("boom")
    assert store.db.execute("SELECT count(*) FROM person").fetchone()[0] == 0
    assert store.db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    with store.transaction():
        kept = repo.insert(store, "person", {"grid_id": "g1", "name": "李娜"})
        with pytest.raises(RuntimeError), store.transaction():
            repo.insert(store, "person", {"grid_id": "g1", "name": "赵敏"})
            raise RuntimeError("inner")
    assert [r["id"] for r in repo.rows(store, "person")] == [kept]


def test_meta_round_trip(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.sqlite")
    assert store.get_meta("cursor") is None
    store.set_meta("cursor", "42")
    store.set_meta("cursor", "43")
    assert store.get_meta("cursor") == "43"
    store.set_meta("cursor", None)
    assert store.get_meta("cursor") is None


def test_store_writes_join_a_sqlite_utils_transaction(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.sqlite")
    with pytest.raises(RuntimeError), store.db.atomic():
        repo.insert(store, "person", {"grid_id": "g1", "name": "李娜"})
        raise RuntimeError("undo all of it")
    assert store.db.execute("SELECT count(*) FROM person").fetchone()[0] == 0
    with store.db.atomic():
        repo.insert(store, "person", {"grid_id": "g1", "name": "李娜"})
    assert store.db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1
    store.close()


def test_outbox_from_an_older_file_survives_the_change_id_migration(tmp_path: Path) -> None:
    import sqlite_utils

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    migrations.migrations.apply(db, stop_before="0004_change_ids_from_hlc_state")
    conn.execute("INSERT INTO outbox(tbl, row_id, op, fields, hlc) VALUES ('person', 'a', 'insert', '{}', 5)")
    conn.execute("INSERT INTO outbox(tbl, row_id, op, fields, hlc) VALUES ('person', 'b', 'insert', '{}', 6)")
    conn.execute("DELETE FROM outbox WHERE row_id = 'b'")  # acked: its id 2 must never come back
    conn.close()
    store = open_store(path)
    assert store.db.execute("SELECT change_id, row_id FROM outbox").fetchall() == [(1, "a")]
    repo.insert(store, "person", {"grid_id": "g1", "name": "李娜"})
    assert [r[0] for r in store.db.execute("SELECT change_id FROM outbox ORDER BY change_id")] == [1, 3]
    store.close()
