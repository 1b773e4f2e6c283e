"""Form drafts in the local database: kept across reopen, replaced, deleted, never synced."""

from __future__ import annotations

import json
from pathlib import Path

from gridpad.store import drafts, outbox
from gridpad.store.db import open_store

TYPED = {"id_number": "44190019900307123X", "name": "周杰", "_meta": {"form": "tenant", "building_id": "b1"}}


def test_a_draft_survives_closing_the_database(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    store = open_store(path)
    drafts.save(store, "tenant-b1", TYPED)
    store.close()
    again = open_store(path)
    try:
        assert drafts.load(again, "tenant-b1") == TYPED
        assert drafts.keys(again) == ["tenant-b1"]
    finally:
        again.close()


def test_saving_again_replaces_and_discard_deletes(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.sqlite")
    try:
        drafts.save(store, "tenant-b1", TYPED)
        drafts.save(store, "tenant-b1", {**TYPED, "name": "周杰伦"})
        drafts.save(store, "unit-new-b1", {"room_no": "301"})
        draft = drafts.load(store, "tenant-b1")
        assert draft is not None and draft["name"] == "周杰伦"
        assert [k for k, _ in drafts.all_drafts(store)] == ["unit-new-b1", "tenant-b1"]  # newest first
        drafts.discard(store, "tenant-b1")
        assert drafts.load(store, "tenant-b1") is None
        assert drafts.keys(store) == ["unit-new-b1"]
    finally:
        store.close()


def test_drafts_are_local_only(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.sqlite")
    try:
        before = outbox.count(store)
        drafts.save(store, "tenant-b1", TYPED)
        drafts.discard(store, "tenant-b1")
        assert outbox.count(store) == before  # nothing for the server
        triggers = [r[0] for r in store.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'draft'")]
        assert triggers == []
    finally:
        store.close()


def test_draft_files_of_an_older_version_move_into_the_store(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "tenant-b1.json").write_text(json.dumps(TYPED, ensure_ascii=False), encoding="utf-8")
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    (folder / "person-p1.tmp").write_text("{}", encoding="utf-8")
    store = open_store(tmp_path / "g.sqlite")
    try:
        drafts.save(store, "unit-1", {"room_no": "101"})
        assert drafts.adopt_files(store, folder) == 1
        assert drafts.load(store, "tenant-b1") == TYPED
        assert drafts.keys(store) == ["tenant-b1", "unit-1"]
        assert not folder.exists()  # no file of typed ID numbers is left behind
        assert drafts.adopt_files(store, folder) == 0
    finally:
        store.close()
