"""gridpad.app's device side on a real SQLite file: the meta table through DeviceMeta, lock
settings, device info, drafts and the start-up request, door plates, search, file imports."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gridpad.app import (
    demo_data,
    device,
    drafts,
    lock_settings,
    plates,
    registry_files,
    scan,
    search,
    startup,
)
from gridpad.qr.scan import ScanOutcome
from gridpad.store import repo
from gridpad.store.db import Store
from gridpad.store.device_meta import KEYS, DeviceMeta
from sync import doorplate as dp

GRID = "44190011900103"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))



def _meta_table(store: Store) -> dict[str, str]:
    conn = sqlite3.connect(store.path)
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    finally:
        conn.close()


def test_device_meta_round_trips_each_key_in_its_type(store: Store) -> None:
    meta = DeviceMeta(store)
    assert (meta.grids, meta.plate_public_keys, meta.sync_cursor, meta.open_conflicts, meta.verify_due,
            meta.verified_at, meta.ca_bundle, meta.lock_idle_minutes) == (
        [], {}, 0, None, False, 0.0, None, None)
    meta.record_enrollment(server_url="https://c.example", device_id="dev-1", user="wg_zhang", role="manager",
                           grids=[GRID], plate_public_keys={"K1": "abc"}, ca_bundle="",
                           enrolled_at="2026-01-01T00:00:00+00:00")
    meta.sync_cursor, meta.verify_due, meta.open_conflicts = 42, True, []
    again = DeviceMeta(store)
    assert (again.server_url, again.enrolled_device_id, again.user_name, again.user_role) == (
        "https://c.example", "dev-1", "wg_zhang", "manager")
    assert (again.grids, again.plate_public_keys, again.sync_cursor, again.verify_due) == (
        [GRID], {"K1": "abc"}, 42, True)
    assert again.open_conflicts == [] and again.ca_bundle is None  # "" at enrollment: system trust
    table = _meta_table(store)
    assert json.loads(table["grids"]) == [GRID] and table["user_name"] == "wg_zhang"
    assert set(table) <= set(KEYS)  # no key outside the owner's list


def test_lock_settings_default_save_and_remove(store: Store) -> None:
    assert lock_settings.read_lock_settings(store) == lock_settings.LockSettings(None, 5)
    saved = lock_settings.save_lock_settings(store, "scrypt$hash", 2)
    assert saved == lock_settings.LockSettings("scrypt$hash", 2) and saved.idle_ms == 120_000
    assert lock_settings.save_lock_settings(store, None, 2).pin_hash is None
    with pytest.raises(ValueError, match="idle_minutes"):
        lock_settings.save_lock_settings(store, "scrypt$hash", 0)
    assert _meta_table(store)["ui.lock_idle_minutes"] == "2"


def test_device_info_names_the_grids_and_falls_back_to_the_own_id(store: Store) -> None:
    info = device.device_info(store)
    assert (info.device_id, info.user, info.grids, info.server) == (store.device_id, "", [], "")
    repo.insert(store, "grid", {"grid_id": GRID, "code": GRID, "name": "第3网格"}, id=GRID)
    DeviceMeta(store).record_enrollment(server_url="https://c.example", device_id="dev-1", user="wg_zhang",
                                        role="manager", grids=[GRID, "G9"], plate_public_keys={},
                                        ca_bundle="", enrolled_at="now")
    info = device.device_info(store)
    assert (info.device_id, info.user, info.role) == ("dev-1", "wg_zhang", "manager")
    assert info.grids == [f"第3网格 ({GRID})", "G9"]
    assert info.lock == lock_settings.LockSettings(None, 5)


def test_the_start_up_request_adopts_old_draft_files_and_reads_the_lock(store: Store, tmp_path: Path) -> None:
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "tenant-b1.json").write_text(json.dumps({"name": "周杰"}), encoding="utf-8")
    lock_settings.save_lock_settings(store, "scrypt$hash", 1)
    start = startup.open_session(store, tmp_path)
    assert (start.lock, start.drafts_adopted) == (lock_settings.LockSettings("scrypt$hash", 1), 1)
    assert start.lock_status.has_pin and not start.lock_status.state.locked_out
    assert drafts.load_draft(store, "tenant-b1") == {"name": "周杰"}
    assert not (tmp_path / "drafts" / "tenant-b1.json").exists()


def test_drafts_save_list_discard(store: Store) -> None:
    drafts.save_draft(store, "unit-new-b1", {"room_no": "301"})
    drafts.save_draft(store, "tenant-b1", {"name": "周杰"})
    assert [k for k, _ in drafts.all_drafts(store)] == ["tenant-b1", "unit-new-b1"]
    drafts.discard_draft(store, "tenant-b1")
    assert drafts.load_draft(store, "tenant-b1") is None
    assert drafts.discard_all_drafts(store) == 1
    assert drafts.all_drafts(store) == []


def test_a_plate_of_an_unknown_building_registers_it_and_then_opens_it(store: Store) -> None:
    repo.insert(store, "grid", {"grid_id": GRID, "code": GRID, "name": "第3网格"}, id=GRID)
    DeviceMeta(store).plate_public_keys = {"K1": dp.public_key_text(KEY)}
    building = "0190a3b2-7c4d-7e8f-9a0b-000000000001"
    text = dp.make_payload(building, KEY, "K1")
    assert scan.check_texts(store, ["wxp://f2f0abc", text]).outcome is ScanOutcome.NOT_REGISTERED
    assert scan.my_grids(store) == [scan.GridChoice(GRID, "第3网格")]
    assert scan.register_building(store, building, GRID, "兴业路18号") == building
    assert scan.check_texts(store, [text]).opens == building
    assert scan.check_texts(store, []).outcome is ScanOutcome.NO_CODE


def test_plates_for_a_grid_signed_with_a_local_key(store: Store) -> None:
    repo.insert(store, "grid", {"grid_id": GRID, "code": GRID, "name": "第3网格"}, id=GRID)
    b = repo.insert(store, "building", {"grid_id": GRID, "address": "兴业路18号"})
    rows = plates.plate_buildings(store, [], GRID)
    assert [r["id"] for r in rows] == [b]
    payloads = plates.signed_payloads(store, [b], ("K1", KEY))
    assert dp.verify(payloads[b], {"K1": dp.public_key_text(KEY)}).building_id == b
    with pytest.raises(plates.PlateError, match="no such grid here"):
        plates.plate_buildings(store, [], "G9")
    with pytest.raises(plates.PlateError, match="enroll this device"):
        plates.signed_payloads(store, [b])  # no key and never enrolled


def test_search_import_and_apply_through_the_app(store: Store, tmp_path: Path) -> None:
    with pytest.raises(LookupError, match="no grid yet"):
        registry_files.import_spreadsheet(store, tmp_path / "none.csv", None)
    assert demo_data.seed_demo(store, 20, 1)["person"] == 20
    name = next(str(r["name"]) for r in repo.rows(store, "person"))
    hits = search.search(store, name, limit=3)
    assert hits and len(hits) <= 3 and {h.kind for h in hits} <= {"person", "unit", "building"}
    result = registry_files.apply_edit_lines(store, ['{"table": "person"}', "not json"])
    assert len(result.rejected) == 2
