"""Language (issue 10.12): one app name everywhere (网格通, as the README and the desktop entry call
it), Qt's own dialogs in Chinese inside the Chinese UI, and the status strip's last-sync line
following a language switch. Real window, real server for the synced tablet."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel
from pytestqt.qtbot import QtBot
from registry_support import close_window, make_window, screen
from support.devices import Device
from support.live_server import ServerProcess

from gridpad.qr.scan import ScanOutcome, ScanResult
from gridpad.ui.i18n import app_name
from gridpad.ui.scan_screen import result_text
from gridpad.ui.settings_screen import SettingsScreen

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_one_app_name_in_the_title_and_the_scan_messages(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path, lang="zh_CN")
    try:
        assert app_name() == "网格通"
        assert window.windowTitle() == "网格通"  # not 智网通 beside 网格通 on the lock screen
        foreign = result_text(ScanResult(ScanOutcome.FOREIGN, ""))
        assert "网格通" in foreign and "智网通" not in foreign
    finally:
        close_window(window)


@pytest.mark.qt_log_ignore("does not support")
def test_qt_file_dialogs_speak_chinese_in_the_chinese_ui(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path, lang="zh_CN")
    try:
        dialog = QFileDialog(window, "", str(tmp_path))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own: what the tablet shows
        qtbot.addWidget(dialog)
        texts = {label.text() for label in dialog.findChildren(QLabel)}
        assert {"查找范围(&L)：", "文件类型(&T)：", "文件名称(&N)："} <= texts  # none left in English
    finally:
        close_window(window)


def test_the_last_sync_line_follows_a_language_switch(qtbot: QtBot, tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "server").start()
    try:
        device = Device(tmp_path / "tablet")
        device.enroll(server.url, server.new_scope().code)
        device.sync()
        device.close()
        window = make_window(qtbot, tmp_path / "tablet", lang="zh_CN")
        try:
            strip = window.status_strip
            qtbot.waitUntil(lambda: strip.last_sync_label.text().startswith("上次同步 "), timeout=10_000)
            window.navigate("settings")
            settings = screen(window, "settings", SettingsScreen)
            settings.language_combo.setCurrentIndex(settings.language_combo.findData("en"))
            qtbot.waitUntil(lambda: strip.last_sync_label.text().startswith("Last sync "), timeout=5000)
            assert strip.state_label.text() != "" and "同步" not in strip.outbox_label.text()
        finally:
            close_window(window)
    finally:
        server.stop()
