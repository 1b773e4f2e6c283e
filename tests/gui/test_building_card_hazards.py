"""Until hazard reports exist, the building card says nothing about hazards rather than a number."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from registry_support import GridDir, close_window, make_window, registry


@pytest.mark.parametrize(("lang", "words"), [("en", ("hazard", "Hazard")), ("zh_CN", ("隐患",))])
def test_building_card_shows_no_hazard_figure(qtbot: QtBot, grid_dir: GridDir, lang: str,
                                              words: tuple[str, ...]) -> None:
    data_dir, ids = grid_dir
    window = make_window(qtbot, data_dir, lang=lang)
    try:
        window.navigate("registry")
        reg = registry(window)
        reg.go("building", ids["b1"])
        page = reg.building_page
        qtbot.waitUntil(lambda: page.detail is not None, timeout=5000)
        shown = [w.text() for w in page.findChildren(QLabel)]
        shown += [page.tabs.tabText(i) for i in range(page.tabs.count())]
        assert [t for t in shown if any(w in t for w in words)] == []
        assert page.tabs.count() == 3  # rooms, residents, inspections
    finally:
        close_window(window)
