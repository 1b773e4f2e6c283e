"""First start (issue 10.15): a tablet not enrolled is greeted with what to do (enroll with the
code or QR from IT; in a source checkout, also the demo) instead of zeros; once enrolled, Settings'
"Enroll again" is its least prominent button. Real window; a real server for the enrolled case."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from registry_support import close_window, make_window, screen
from support.devices import Device
from support.live_server import ServerProcess

from gridpad.ui.settings_screen import SettingsScreen
from gridpad.ui.today_screen import TodayScreen, demo_available

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_a_new_tablet_is_told_how_to_enroll_not_shown_zeros(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path / "new")
    try:
        today = screen(window, "today", TodayScreen)
        qtbot.waitUntil(lambda: today.welcome.isVisible(), timeout=10_000)
        text = today.welcome_text.text()
        assert "not enrolled" in text and "code" in text and "QR" in text
        assert demo_available()  # this is a source checkout with the central server in it
        assert today.demo_hint.isVisible() and "gridpad demo" in today.demo_hint.text()
        assert not today.stat_numbers["buildings"].isVisible()  # no wall of zeros
        assert not today.due_title.isVisible()  # nor "no inspections due" on an empty tablet
        qtbot.mouseClick(today.enroll_button, Qt.MouseButton.LeftButton)
        assert window.current_key == "settings"  # one tap to where enrolling happens
    finally:
        close_window(window)


def test_once_enrolled_the_greeting_goes_and_enroll_again_is_least_prominent(
        qtbot: QtBot, tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "server").start()
    try:
        scope = server.new_scope()
        device = Device(tmp_path / "tablet")
        device.enroll(server.url, scope.code)
        device.close()
        window = make_window(qtbot, tmp_path / "tablet")
        try:
            today = screen(window, "today", TodayScreen)
            qtbot.waitUntil(lambda: window.ctx.sync.last_snapshot is not None, timeout=10_000)
            qtbot.waitUntil(lambda: today.stat_numbers["buildings"].isVisible(), timeout=10_000)
            assert not today.welcome.isVisible()
            window.navigate("settings")
            settings = screen(window, "settings", SettingsScreen)
            qtbot.waitUntil(lambda: settings.enroll_button.text() == "Enroll again", timeout=10_000)
            buttons = [b for b in settings.findChildren(QPushButton) if b.isVisibleTo(settings)]
            primary = [b.text() for b in buttons if b.objectName() == "primary"]
            assert "Enroll again" not in primary and primary == ["Save PIN"]
            assert settings.enroll_button.objectName() == "link"  # a plain text link, nothing less
            assert min(settings.enroll_button.height(), settings.enroll_button.sizeHint().height()) >= 44
        finally:
            close_window(window)
    finally:
        server.stop()
