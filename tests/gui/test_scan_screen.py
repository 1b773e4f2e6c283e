"""Scan screen, image path (this machine has no camera): a plate photo opens its building card;
other outcomes get their own message and never open a building."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import qrcode
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sync_ui_support import close_ctx, make_ctx

from gridpad.config import db_path
from gridpad.qr.scan import ScanOutcome, ScanResult
from gridpad.store import repo
from gridpad.store.db import open_store
from gridpad.store.device_meta import DeviceMeta
from gridpad.ui.scan_screen import ScanScreen
from sync.doorplate import generate_private_key, key_id_for, make_payload, public_key_text

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "pipewire", "symbols", r"\bva\b")

GRID = "44190011900103"

#: The ``setup`` fixture: the screen, the plate key and its id, a registered building, where the
#: screen asked to navigate (screen key, arguments), and the data dir.
Setup = tuple[ScanScreen, Ed25519PrivateKey, str, str, list[tuple[str, dict[str, Any]]], Path]


def _plate_png(text: str, path: Path) -> Path:
    """A photo-like plate: the QR code on a larger grey background, as a camera would see it."""
    code = qrcode.make(text, box_size=8, border=4).get_image().convert("RGB")
    canvas = Image.new("RGB", (code.width + 300, code.height + 200), (200, 200, 190))
    canvas.paste(code, (150, 100))
    canvas.save(path)
    return path


@pytest.fixture
def setup(tmp_path: Path, qapp: QApplication, qtbot: QtBot) -> Iterator[Setup]:
    key = generate_private_key()
    kid = key_id_for(key)
    store = open_store(db_path(tmp_path))
    repo.insert(store, "grid", {"grid_id": GRID, "code": GRID, "name": "乌沙社区第3网格"}, id=GRID)
    building = repo.insert(store, "building", {"grid_id": GRID, "address": "东莞市长安镇乌沙社区兴业路18号"})
    DeviceMeta(store).plate_public_keys = {kid: public_key_text(key)}
    DeviceMeta(store).grids = [GRID]
    store.close()
    ctx = make_ctx(tmp_path)
    visits = ctx.visits
    screen = ScanScreen(ctx)
    qtbot.addWidget(screen)
    yield screen, key, kid, building, visits, tmp_path
    screen.shutdown()
    close_ctx(ctx)


def _scan(qtbot: QtBot, screen: ScanScreen, path: Path) -> ScanResult:
    with qtbot.waitSignal(screen.result, timeout=10_000) as blocker:
        screen.scan_image(path)
    assert blocker.args is not None
    result = blocker.args[0]
    assert isinstance(result, ScanResult)
    return result


def test_plate_image_opens_the_building_card(qtbot: QtBot, setup: Setup) -> None:
    screen, key, kid, building, visits, tmp = setup
    screen.activated()
    assert not screen.camera_available()  # the fallback is what runs here
    result = _scan(qtbot, screen, _plate_png(make_payload(building, key, kid), tmp / "plate.png"))
    assert result.outcome is ScanOutcome.OPEN
    assert visits == [("registry", {"building_id": building})]
    assert "兴业路18号" in screen.message.text()


def test_unregistered_building_offers_registration_with_the_plate_id(qtbot: QtBot, setup: Setup) -> None:
    screen, key, kid, _building, visits, tmp = setup
    unknown = str(uuid.uuid4())
    result = _scan(qtbot, screen, _plate_png(make_payload(unknown, key, kid), tmp / "new.png"))
    assert result.outcome is ScanOutcome.NOT_REGISTERED
    assert visits == []
    assert screen.register_button.isVisibleTo(screen)
    screen.register_button.click()
    qtbot.waitUntil(lambda: screen.grid_combo.count() == 1, timeout=5000)
    screen.register_save.click()
    assert "Address" in screen.register_error.text()  # nothing typed: says which field and why
    screen.address_edit.setText("兴业路20号")
    screen.register_save.click()
    qtbot.waitUntil(lambda: visits == [("registry", {"building_id": unknown})], timeout=5000)
    store = open_store(db_path(tmp))
    row = repo.get(store, "building", unknown)
    outbox = store.db.execute("SELECT count(*) FROM outbox WHERE row_id = ?", (unknown,)).fetchone()[0]
    store.close()
    assert row is not None
    assert (row["address"], row["grid_id"]) == ("兴业路20号", GRID)
    assert outbox == 1  # an ordinary edit: it will sync


def test_forged_foreign_and_empty_images_each_say_why_and_open_nothing(qtbot: QtBot, setup: Setup) -> None:
    screen, _key, kid, building, visits, tmp = setup
    other_key = generate_private_key()
    forged = make_payload(building, other_key, kid)  # right key id, wrong signature
    messages: dict[ScanOutcome, str] = {}
    for name, text in (("forged", forged), ("foreign", "https://example.com/pay?id=1")):
        result = _scan(qtbot, screen, _plate_png(text, tmp / f"{name}.png"))
        messages[result.outcome] = screen.message.text()
    blank = tmp / "blank.png"
    Image.new("RGB", (400, 300), (255, 255, 255)).save(blank)
    result = _scan(qtbot, screen, blank)
    messages[result.outcome] = screen.message.text()
    assert set(messages) == {ScanOutcome.FORGED, ScanOutcome.FOREIGN, ScanOutcome.NO_CODE}
    assert len(set(messages.values())) == 3  # three different explanations
    assert visits == []


@pytest.mark.qt_log_ignore("RHI")
def test_camera_frames_decode_off_the_gui_thread_and_the_first_valid_code_wins(qtbot: QtBot,
                                                                               setup: Setup) -> None:
    from PySide6.QtGui import QImage
    from PySide6.QtMultimedia import QVideoFrame, QVideoSink

    screen, key, kid, building, visits, tmp = setup
    plate = QImage(str(_plate_png(make_payload(building, key, kid), tmp / "frame.png")))
    blank = QImage(640, 480, QImage.Format.Format_RGB32)
    blank.fill(0xFFFFFFFF)
    sink = QVideoSink()  # what QMediaCaptureSession feeds on a tablet with a camera
    sink.videoFrameChanged.connect(screen.on_frame)
    for _ in range(3):
        sink.setVideoFrame(QVideoFrame(blank))
        qtbot.wait(300)
    assert screen.last_result is None and visits == []  # empty frames say nothing
    for _ in range(6):
        sink.setVideoFrame(QVideoFrame(plate))
        qtbot.wait(300)
    qtbot.waitUntil(lambda: len(visits) >= 1, timeout=5000)
    qtbot.wait(500)
    assert visits == [("registry", {"building_id": building})]  # opened once, by the first good frame


def test_an_image_without_a_code_is_worded_for_the_image_not_the_camera(qtbot: QtBot, setup: Setup) -> None:
    """No camera here: a photo without a readable code asks for a better photo (issue 10.13); "hold
    the camera closer" is for the live camera only."""
    screen, _key, _kid, _building, visits, tmp = setup
    screen.activated()
    blank = tmp / "blank.png"
    Image.new("RGB", (400, 300), (255, 255, 255)).save(blank)
    result = _scan(qtbot, screen, blank)
    assert result.outcome is ScanOutcome.NO_CODE
    text = screen.message.text()
    assert "image" in text and "photo" in text
    assert "camera" not in text.lower() and "closer" not in text
    screen.retranslate()  # a language switch keeps the image wording
    assert screen.message.text() == text
    assert visits == []
