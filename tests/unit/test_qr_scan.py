"""What a scanned plate means on this tablet: the right building, or a plain reason, never a wrong one."""

from __future__ import annotations

from pathlib import Path

import pytest
import qrcode
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from gridpad.qr.scan import (
    LocalBuilding,
    ScanOutcome,
    ScanResult,
    best,
    check_plate,
    store_context,
)
from gridpad.store import repo
from gridpad.store.db import open_store
from gridpad.store.device_meta import DeviceMeta
from sync import doorplate as dp

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
KEYS = {"K1": dp.public_key_text(KEY)}
MINE = "0190a3b2-7c4d-7e8f-9a0b-000000000001"
THEIRS = "0190a3b2-7c4d-7e8f-9a0b-000000000002"
NEW = "0190a3b2-7c4d-7e8f-9a0b-000000000003"
BUILDINGS = {
    MINE: LocalBuilding("东莞市南城街道金龙新邨七巷16号", "G1"),
    THEIRS: LocalBuilding("东莞市东城街道主山社区八巷3号", "G2"),
}


def _check(text: str) -> ScanResult:
    return check_plate(text, KEYS, {"G1"}, BUILDINGS.get)


def test_valid_plate_in_my_grid_opens_that_building() -> None:
    r = _check(dp.make_payload(MINE, KEY, "K1"))
    assert r.outcome is ScanOutcome.OPEN and r.opens == MINE
    assert r.address == "东莞市南城街道金龙新邨七巷16号" and r.grid_id == "G1"


def test_valid_plate_of_another_grid_says_so_and_opens_nothing() -> None:
    r = _check(dp.make_payload(THEIRS, KEY, "K1"))
    assert r.outcome is ScanOutcome.OTHER_GRID and r.opens is None
    assert "grid G2" in r.message and r.building_id == THEIRS


def test_valid_plate_not_registered_offers_its_id() -> None:
    r = _check(dp.make_payload(NEW, KEY, "K1"))
    assert r.outcome is ScanOutcome.NOT_REGISTERED and r.opens is None
    assert r.building_id == NEW and "register" in r.message


def test_forged_plate_of_my_building_opens_nothing() -> None:
    forged = dp.make_payload(MINE, Ed25519PrivateKey.generate(), "K1")
    r = _check(forged)
    assert r.outcome is ScanOutcome.FORGED and r.opens is None and r.building_id is None
    assert "not issued by the central system" in r.message


@pytest.mark.parametrize(("text", "outcome"), [
    ("wxp://f2f0abcdef", ScanOutcome.FOREIGN),
    ("https://qr.alipay.com/fkx1", ScanOutcome.FOREIGN),
    (dp.make_payload(MINE, KEY, "K1")[:-5], ScanOutcome.DAMAGED),
    (dp.make_payload(MINE, KEY, "K9"), ScanOutcome.UNKNOWN_KEY),
])
def test_other_kinds_keep_their_own_outcome(text: str, outcome: ScanOutcome) -> None:
    r = _check(text)
    assert r.outcome is outcome and r.opens is None and r.building_id is None and r.text == text


def test_best_prefers_the_plate_over_a_payment_code() -> None:
    results = [_check("wxp://f2f0abc"), _check(dp.make_payload(MINE, KEY, "K1"))]
    assert best(results).opens == MINE
    assert best([]).outcome is ScanOutcome.NO_CODE


def test_store_context_reads_keys_grids_and_buildings(tmp_path: Path) -> None:
    store = open_store(tmp_path / "gridpad.sqlite")
    mine = repo.insert(store, "building", {"grid_id": "G1", "address": "东莞市南城街道金龙新邨七巷16号"})
    theirs = repo.insert(store, "building", {"grid_id": "G2", "address": "东莞市东城街道主山社区八巷3号"})
    gone = repo.insert(store, "building", {"grid_id": "G1", "address": "东莞市南城街道已拆除1号"})
    repo.mark_deleted(store, "building", gone)
    DeviceMeta(store).plate_public_keys = dict(KEYS)
    DeviceMeta(store).grids = ["G1"]
    ctx = store_context(store)
    assert ctx.check(dp.make_payload(mine, KEY, "K1")).opens == mine
    assert ctx.check(dp.make_payload(theirs, KEY, "K1")).outcome is ScanOutcome.OTHER_GRID
    assert ctx.check(dp.make_payload(gone, KEY, "K1")).outcome is ScanOutcome.NOT_REGISTERED

    img = qrcode.make(dp.make_payload(mine, KEY, "K1")).get_image().convert("L")
    frame = Image.new("L", (1280, 720), 255)
    frame.paste(img, (300, 100))
    for backend in ("zxing", "zbar"):
        assert [r.opens for r in ctx.scan_image(frame, backend)] == [mine]
    store.close()


def test_never_enrolled_store_uses_the_grids_it_holds(tmp_path: Path) -> None:
    store = open_store(tmp_path / "gridpad.sqlite")
    repo.insert(store, "grid", {"grid_id": "G1", "code": "G1", "name": "第1网格"}, id="G1")
    mine = repo.insert(store, "building", {"grid_id": "G1", "address": "东莞市南城街道金龙新邨七巷16号"})
    ctx = store_context(store, extra_keys={"K1": KEY.public_key()})
    assert ctx.my_grids == frozenset({"G1"})
    assert ctx.check(dp.make_payload(mine, KEY, "K1")).opens == mine
    store.close()
