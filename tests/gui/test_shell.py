"""The shell: rail and screens, portrait bottom bar, language switch, placeholders, Today."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout
from pytestqt.qtbot import QtBot
from registry_support import registry, screen

from gridpad.ui.main_window import MainWindow
from gridpad.ui.nav_rail import ITEMS
from gridpad.ui.placeholder_screen import PlaceholderScreen
from gridpad.ui.today_screen import TodayScreen

# Opening the Scan screen probes QtMultimedia, which warns about missing codec libraries here.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "pipewire", "symbols", r"\bva\b")


def test_rail_opens_every_screen(qtbot: QtBot, window: MainWindow) -> None:
    for key, _ in ITEMS:
        window.rail.buttons[key].click()
        assert window.current_key == key
        assert window.rail.buttons[key].isChecked()
    for key in ("inspections", "hazards"):
        assert "later release" in screen(window, key, PlaceholderScreen).body.text()


def test_touch_targets_are_big_enough(window: MainWindow) -> None:
    for button in window.rail.buttons.values():
        assert button.height() >= 44 and button.width() >= 44


def test_portrait_moves_the_rail_to_a_bottom_bar(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(800, 1280)
    qtbot.waitUntil(lambda: window.rail.property("orientation") == "horizontal", timeout=3000)
    assert window._body.direction() == QBoxLayout.Direction.TopToBottom
    qtbot.waitUntil(lambda: window.rail.geometry().top() >= window.stack.geometry().bottom(), timeout=3000)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.rail.property("orientation") == "vertical", timeout=3000)


def test_language_switch_retranslates_the_open_window(qtbot: QtBot, window: MainWindow) -> None:
    assert window.rail.buttons["registry"].text() == "Registry"
    window.navigate("registry")
    reg = registry(window)
    window.ctx.i18n.set_language("zh_CN")  # widgets get LanguageChange events from the event loop
    qtbot.waitUntil(lambda: window.rail.buttons["registry"].text() == "登记", timeout=3000)
    assert reg.new_building.text() == "+ 新增楼栋"
    assert reg.search.placeholderText().startswith("搜索：")
    assert reg.buildings.model_.headerData(0, Qt.Orientation.Horizontal) == "地址"
    assert window.ctx.i18n.saved_language() == "zh_CN"  # the next start opens in Chinese
    window.ctx.i18n.set_language("en")
    qtbot.waitUntil(lambda: window.rail.buttons["registry"].text() == "Registry", timeout=3000)
    assert reg.new_building.text() == "+ New building"
    assert window.ctx.i18n.saved_language() == "en"


def test_today_counts_and_due_inspections(qtbot: QtBot, window: MainWindow) -> None:
    today = screen(window, "today", TodayScreen)
    qtbot.waitUntil(lambda: today.summary is not None, timeout=5000)
    s = today.summary
    assert s is not None
    assert (s.buildings, s.units, s.residents, s.over_limit_units) == (2, 2, 3, 1)
    # 兴业路18号 was inspected 2026-10-20 on a 30-day cycle: overdue since 2026-11-19.
    assert [(d.address, d.days_left) for d in s.due] == [("兴业路18号", -7)]
    assert today.stat_numbers["residents"].text() == "3"
    assert window.rail.buttons["today"].text() == "Today\n(1)"  # the overdue inspection, as a badge
