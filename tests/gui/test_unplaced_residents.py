"""A building whose total holds residents registered without a room (an import of a sheet without
room numbers): the card under its rooms says how many and who (masked), opens each one, and Choose
room places them through the edit form; the list and Today say it beside the total too. And the
building list tells apart two buildings of one name in two grids (issue 10, items 2 and 11).
Real store, real window, taps and keys."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot
from registry_support import GRID, GridDir, close_window, editor, make_window, open_building, registry

from gridpad.config import db_path
from gridpad.store import people, repo
from gridpad.store.db import open_store
from gridpad.ui.building_page import BuildingPage
from gridpad.ui.main_window import MainWindow
from gridpad.ui.today_screen import TodayScreen
from sync.rules.idnumber import make_resident_id

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _unplace(data_dir: Path, building_id: str) -> str:
    """赵敏 in the building with no room, as `gridpad import` leaves a row without 房号."""
    store = open_store(db_path(data_dir))
    try:
        person, _ = people.register_tenant(store, {
            "grid_id": GRID, "name": "赵敏", "id_type": "RESIDENT_ID",
            "id_number": make_resident_id("441900", dt.date(1992, 8, 8), 31)},
            {"building_id": building_id, "move_in_at": "2025-03-01"})
    finally:
        store.close()
    return person



def _column(qtbot: QtBot, window: MainWindow, column: int) -> list[str]:
    """The building list's cells of ``column`` once its rows are loaded (a lazy row shows "…")."""
    window.navigate("registry")
    model = registry(window).buildings.model_

    def cells() -> list[str]:
        return [str(model.index(r, column).data() or "") for r in range(model.rowCount())]

    qtbot.waitUntil(lambda: len(cells()) == 2 and "…" not in cells(), timeout=5000)
    return cells()


def _text(page: BuildingPage) -> str:
    from PySide6.QtWidgets import QLabel

    return " | ".join(w.text() for w in page.findChildren(QLabel) if w.isVisibleTo(page))


def test_residents_without_a_room_are_listed_under_the_rooms_and_placed(
        qtbot: QtBot, grid_dir: GridDir) -> None:
    data_dir, ids = grid_dir
    zm = _unplace(data_dir, ids["b1"])
    window = make_window(qtbot, data_dir)
    try:
        page = open_building(qtbot, window, ids["b1"])
        # 3 residents in the building, 2 in its only room: the third is said under the rooms.
        assert "3 resident(s) (1 without a room)" in page.facts.text()
        assert page.detail is not None and [u.residents for u in page.detail.units] == [2]
        assert page.tabs.currentWidget() is page.rooms_tab
        assert page.unplaced_strip.isVisibleTo(page)
        assert page.unplaced_note.text() == ("1 resident(s) without a room · counted in this building's 3 "
                                             "residents but in none of its rooms")
        # View opens the tab that lists them, each masked, with Choose room.
        qtbot.mouseClick(page.unplaced_open, Qt.MouseButton.LeftButton)
        assert page.tabs.currentWidget() is page.unplaced_tab
        assert page.tabs.tabText(page.tabs.currentIndex()) == "No room (1)"
        ((who, choose),) = page.unplaced_rows
        qtbot.waitUntil(lambda: who.isVisible() and choose.isVisible(), timeout=5000)
        assert who.text() == "赵*"  # masked
        assert "赵敏" not in _text(page)
        assert choose.height() >= 44 and who.height() >= 44  # finger-sized (ui.md)

        reg = registry(window)
        qtbot.mouseClick(who, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: reg.pages.currentWidget() is reg.person_page
                        and reg.person_page.person_id == zm, timeout=5000)
        reg.go_back()
        qtbot.waitUntil(lambda: reg.pages.currentWidget() is page and bool(page.unplaced_rows), timeout=5000)
        qtbot.waitUntil(lambda: page.unplaced_rows[0][1].isVisible(), timeout=5000)

        qtbot.mouseClick(page.unplaced_rows[0][1], Qt.MouseButton.LeftButton)
        form = reg.tenant_form
        assert reg.pages.currentWidget() is form
        room = editor(form, "unit_id", QComboBox)
        # The rooms load first, then the person (which says why the room is asked for).
        qtbot.waitUntil(lambda: form.rows["unit_id"].isVisibleTo(form) and room.count() == 2
                        and form.rows["unit_id"].hint.text() != "", timeout=5000)
        assert form.rows["unit_id"].hint.text() == "No room recorded: choose the room they live in"
        room.setFocus()
        qtbot.keyClick(room, Qt.Key.Key_Down)  # "—" → 201
        assert room.currentText() == "201"
        qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: reg.pages.currentWidget() is reg.person_page, timeout=5000)

        reg.go_back()
        qtbot.waitUntil(lambda: reg.pages.currentWidget() is page and page.detail is not None
                        and not page.detail.unplaced, timeout=5000)
        assert not page.unplaced_strip.isVisibleTo(page)
        assert page.tabs.indexOf(page.unplaced_tab) == -1  # the tab goes with the last of them
        assert page.tabs.currentWidget() is page.rooms_tab
        assert [u.residents for u in page.detail.units] == [3]
    finally:
        close_window(window)
    store = open_store(db_path(data_dir))
    try:
        rows = store.db.execute("SELECT unit_id FROM tenancy WHERE person_id = ? AND _deleted = 0",
                                [zm]).fetchall()
    finally:
        store.close()
    assert rows == [(ids["u1"],)]  # the same tenancy, placed: no move, no second one


def test_the_list_and_today_say_how_many_live_in_no_room(qtbot: QtBot, grid_dir: GridDir) -> None:
    data_dir, ids = grid_dir
    _unplace(data_dir, ids["b1"])
    window = make_window(qtbot, data_dir)
    try:
        today = window.screens["today"]
        assert isinstance(today, TodayScreen)
        window.navigate("today")
        qtbot.waitUntil(lambda: today.summary is not None, timeout=5000)
        assert today.stat_numbers["residents"].text() == "4"
        assert today.stat_captions["residents"].text() == "Current residents (1 without a room)"

        residents = dict(zip(_column(qtbot, window, 0), _column(qtbot, window, 4), strict=True))
        assert residents == {"兴业路18号": "3 / 40 (1 without a room)", "兴业路21号": "1"}
    finally:
        close_window(window)


def test_the_building_list_names_the_grid_of_alike_buildings(qtbot: QtBot, tmp_path: Path) -> None:
    store = open_store(db_path(tmp_path))
    try:
        grids = (("44190011900101", "乌沙社区第一网格"), ("44190011900102", "乌沙社区第二网格"))
        for grid, name in grids:
            repo.insert(store, "grid", {"grid_id": grid, "code": grid, "name": name,
                                        "village_name": "乌沙社区"}, id=grid)
            repo.insert(store, "building", {"grid_id": grid, "address": "上向阳坊10号"})
    finally:
        store.close()
    window = make_window(qtbot, tmp_path)
    try:
        # The village every grid here shares is left out, as in search results.
        assert sorted(_column(qtbot, window, 0)) == [
            "上向阳坊10号\n第一网格", "上向阳坊10号\n第二网格"]
    finally:
        close_window(window)


def test_one_grid_names_no_grid(qtbot: QtBot, window: MainWindow) -> None:
    assert _column(qtbot, window, 0) == ["兴业路18号", "兴业路21号"]
