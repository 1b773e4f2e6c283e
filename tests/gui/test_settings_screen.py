"""Settings: language switch re-translates every screen at run time; a PIN set here locks the window
after idle time and opens only with that PIN; enrollment from the QR image IT prints."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot
from signal_checks import quiet
from support.clocks import ManualClock
from support.live_server import REPO, ServerProcess
from sync_ui_support import TestContext, close_ctx, make_ctx

from gridpad.ui import i18n
from gridpad.ui.scan_screen import ScanScreen
from gridpad.ui.settings_screen import SettingsScreen, parse_enroll_qr
from gridpad.ui.status_strip import StatusStrip
from gridpad.ui.sync_screen import SyncScreen

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[TestContext]:
    c = make_ctx(tmp_path / "tablet")
    yield c
    close_ctx(c)


def test_language_switch_retranslates_at_run_time(qtbot: QtBot, ctx: TestContext) -> None:
    settings, sync, strip, scan = SettingsScreen(ctx), SyncScreen(ctx), StatusStrip(ctx), ScanScreen(ctx)
    for w in (settings, sync, strip, scan):
        qtbot.addWidget(w)
    qtbot.waitUntil(lambda: strip.state_label.text() == "● Not enrolled", timeout=10_000)
    assert sync.sync_button.text() == "Sync now"
    assert settings.heading.text() == "Settings"

    settings.language_combo.setCurrentIndex(settings.language_combo.findData("zh_CN"))
    assert ctx.i18n.language == "zh_CN"
    qtbot.waitUntil(lambda: sync.sync_button.text() == "立即同步", timeout=5000)
    assert settings.heading.text() == "设置"
    assert settings.enroll_title.text() == "注册本平板"
    assert strip.state_label.text() == "● 未注册"
    assert strip.outbox_label.text() == "待同步 0 条"
    assert scan.image_button.text() == "从图片识别"
    assert sync.error_what.text() == "本平板尚未注册。"

    settings.language_combo.setCurrentIndex(settings.language_combo.findData("en"))
    qtbot.waitUntil(lambda: sync.sync_button.text() == "Sync now", timeout=5000)
    assert strip.state_label.text() == "● Not enrolled"
    scan.shutdown()


def test_a_missing_translation_is_shown_and_the_language_in_use_kept(
        qtbot: QtBot, ctx: TestContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = SettingsScreen(ctx)
    qtbot.addWidget(settings)
    settings.show()
    unbuilt = tmp_path / "i18n-unbuilt"
    unbuilt.mkdir()
    monkeypatch.setattr(i18n, "I18N", unbuilt)  # an install whose .qm files were never built
    with qtbot.assertNotEmitted(ctx.i18n.language_changed):
        settings.language_combo.setCurrentIndex(settings.language_combo.findData("zh_CN"))
    assert settings.language_message.isVisible()
    assert settings.language_message.text().startswith("the zh_CN translation is not built (")
    assert settings.language_combo.currentData() == "en"  # the choice shown is the one in use
    assert ctx.i18n.language == "en"
    assert settings.heading.text() == "Settings"


def test_pin_set_in_settings_locks_after_idle_and_opens_with_it_only(qtbot: QtBot, ctx: TestContext) -> None:
    window = QWidget()
    lay = QVBoxLayout(window)
    settings = SettingsScreen(ctx)
    lay.addWidget(settings)
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    lock = ctx.lock  # made by the context, attached to the window as MainWindow does
    lock.attach(window)
    qtbot.waitUntil(lambda: lock.ready, timeout=5000)  # no PIN: the start-up cover is gone
    clock = ManualClock()
    lock.clock = clock.seconds

    settings.pin_edit.setText("12")
    settings.pin_repeat.setText("12")
    qtbot.mouseClick(settings.save_pin_button, Qt.MouseButton.LeftButton)
    assert settings.pin_message.text() == "PIN: use at least 4 digits."  # names the rule
    with qtbot.assertNotEmitted(lock.locked_changed):
        clock.advance(3_600_000)
        assert not lock.check_idle()  # nothing saved: no PIN to lock with
    assert lock.pin_hash is None

    # The saved settings (none yet: the default) are on screen; the user picks 2 minutes.
    qtbot.waitUntil(lambda: settings.idle_combo.currentText() == "5 min idle", timeout=5000)
    settings.idle_combo.setCurrentIndex(settings.idle_combo.findText("2 min idle"))
    settings.pin_edit.setText("2468")
    settings.pin_repeat.setText("2468")
    qtbot.mouseClick(settings.save_pin_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: lock.pin_hash is not None, timeout=5000)
    assert lock.pin_hash is not None and "2468" not in lock.pin_hash  # only a hash is kept
    assert lock.idle_ms == 2 * 60_000
    clock.advance(2 * 60_000 - 1)
    assert not lock.check_idle()
    clock.advance(1)
    assert lock.check_idle() and lock.locked
    assert lock.overlay.geometry() == window.rect()

    lock.overlay.pin_edit.setText("1357")
    with qtbot.assertNotEmitted(lock.overlay.unlocked), qtbot.waitSignal(lock.answered, timeout=5000):
        qtbot.mouseClick(lock.overlay.unlock_button, Qt.MouseButton.LeftButton)
    assert lock.locked
    assert lock.overlay.message.text() == "Wrong PIN. Try again."
    lock.overlay.pin_edit.setText("2468")
    with qtbot.waitSignal(lock.overlay.unlocked, timeout=5000):
        qtbot.mouseClick(lock.overlay.unlock_button, Qt.MouseButton.LeftButton)
    assert not lock.locked

    # The PIN survives a restart: a new settings screen on the same data dir locks with it.
    again = SettingsScreen(ctx)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.info is not None and again.info.lock.pin_hash is not None, timeout=5000)
    assert again.remove_pin_button.isEnabled()


def test_enroll_from_the_qr_image_it_prints(qtbot: QtBot, ctx: TestContext, tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "server").start()
    try:
        scope = server.new_scope()
        user = f"qr{scope.grid}"
        png = tmp_path / "enroll.png"
        admin = [sys.executable, "-m", "sync.server.cli", "admin", "--data-dir", str(server.data_dir),
                 "--db", server.db_url]
        subprocess.run([*admin, "user", "add", user, "--role", "manager", "--grids", scope.grid],
                       check=True, cwd=REPO, capture_output=True)
        issued = subprocess.run([*admin, "enroll-code", user, "--server", server.url, "--png", str(png)],
                                check=True, cwd=REPO, capture_output=True, text=True)
        code = issued.stdout.split()[-1]  # the code is printed last, under the QR code
        settings = SettingsScreen(ctx)
        qtbot.addWidget(settings)
        assert settings.enroll_from_image(png)
        assert settings.server_edit.text() == server.url
        assert settings.code_edit.text() == code
        with qtbot.waitSignal(ctx.sync.enrolled, timeout=30_000):
            qtbot.mouseClick(settings.enroll_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: f"Grids: {scope.grid}" in settings.about.text(), timeout=10_000)
        assert f"User: {user}" in settings.about.text()
    finally:
        server.stop()


def test_enroll_form_names_the_field_that_is_wrong(qtbot: QtBot, ctx: TestContext) -> None:
    settings = SettingsScreen(ctx)
    qtbot.addWidget(settings)
    settings.server_edit.setText("127.0.0.1:8765")
    settings.code_edit.setText("ABCD")
    # Refused before anything is sent: no enrollment starts, none succeeds or fails on the wire.
    controller = settings.controller
    with quiet(qtbot, controller.enrolled, controller.enroll_failed, controller.sync_started):
        qtbot.mouseClick(settings.enroll_button, Qt.MouseButton.LeftButton)
        assert settings.enroll_message.text() == (
            "Server address: start with https:// (or http:// on a test network).")
        assert settings.code_edit.text() == "ABCD"  # nothing typed is lost
        settings.server_edit.setText("https://centre.example")
        settings.code_edit.clear()
        qtbot.mouseClick(settings.enroll_button, Qt.MouseButton.LeftButton)
        assert settings.enroll_message.text() == "Enrollment code: type the code from IT."
        assert settings.enroll_button.isEnabled()  # ready for the corrected entry


@pytest.mark.parametrize(("text", "expected"), [
    ("gridpad://enroll?server=https%3A%2F%2Fc.example%3A8443&code=AB12-CD34",
     ("https://c.example:8443", "AB12-CD34")),
    ('{"server": "https://c.example", "code": "XY"}', ("https://c.example", "XY")),
    ("https://c.example XY", ("https://c.example", "XY")),
    ("AB12-CD34", ("", "AB12-CD34")),
])
def test_enrollment_qr_texts(text: str, expected: tuple[str, str]) -> None:
    assert parse_enroll_qr(text) == expected


def test_a_saved_pin_locks_from_start_up_without_opening_settings(qtbot: QtBot, tmp_path: Path) -> None:
    from registry_support import close_window, make_window

    from gridpad.app.lock_settings import set_pin
    from gridpad.config import db_path
    from gridpad.store.db import open_store

    store = open_store(db_path(tmp_path))
    set_pin(store, "2468", "2468", 1)
    store.close()
    window = make_window(qtbot, tmp_path)  # make_context + MainWindow, as `gridpad` starts
    lock = window.ctx.lock
    try:
        overlay = lock.overlay
        assert overlay is not None
        assert lock.locked and lock.pin_hash is not None  # locked at once: a restart skips nothing
        assert lock.idle_ms == 60_000  # the saved 1 minute
        assert overlay.geometry() == window.rect()  # covers the whole window
        overlay.pin_edit.setText("2468")
        with qtbot.waitSignal(overlay.unlocked, timeout=5000):
            qtbot.mouseClick(overlay.unlock_button, Qt.MouseButton.LeftButton)
        assert not lock.locked
        clock = ManualClock()
        lock.clock = clock.seconds
        clock.advance(59_999)
        assert not lock.check_idle()
        clock.advance(1)
        assert lock.check_idle() and lock.locked
    finally:
        close_window(window)
