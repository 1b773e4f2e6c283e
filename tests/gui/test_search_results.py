"""Search results a grid manager can act on: nothing cut to "…", a count that is not short, alike
buildings told apart by their grid, a header naming every grid held, and a resident who moved
out shown as moved out (issue 10.11). Real store, real window, typed queries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot
from registry_support import close_window, make_window, registry, type_text

from gridpad.config import db_path
from gridpad.store import people, repo
from gridpad.store.db import open_store
from gridpad.ui.registry_screen import RESULT_CELL_PADDING_PX, RegistryScreen
from sync.rules.idnumber import make_resident_id

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

GRID_1, GRID_2 = "44190011900101", "44190011900102"
TWIN = "上向阳坊10号"
#: 32 residents whose names all hold 欧阳: more than one page (30) of results.
MANY = 32


def _seed(data_dir: Path) -> dict[str, str]:
    store = open_store(db_path(data_dir))
    try:
        for grid, name in ((GRID_1, "乌沙社区第一网格"), (GRID_2, "乌沙社区第二网格")):
            repo.insert(store, "grid", {"grid_id": grid, "code": grid, "name": name,
                                        "village_name": "乌沙社区"}, id=grid)
        b1, b2 = (repo.insert(store, "building", {"grid_id": g, "address": TWIN,
                                                  "building_type": "VILLAGE_HOUSE"})
                  for g in (GRID_1, GRID_2))
        unit = repo.insert(store, "unit", {"grid_id": GRID_1, "building_id": b1, "room_no": "302"})
        for i in range(MANY):
            people.register_tenant(store, {
                "grid_id": GRID_1, "name": f"欧阳{chr(0x4E00 + i * 7)}", "id_type": "RESIDENT_ID",
                "id_number": make_resident_id("441900", dt.date(1980, 1, 1) + dt.timedelta(days=i), 10 + i)},
                {"unit_id": unit, "move_in_at": "2025-01-01"})
        gone, tenancy = people.register_tenant(store, {
            "grid_id": GRID_1, "name": "司马迁", "id_type": "RESIDENT_ID",
            "id_number": make_resident_id("441900", dt.date(1975, 5, 5), 77)},
            {"unit_id": unit, "move_in_at": "2024-01-01"})
        people.move_out(store, tenancy, "2026-10-01", None)
    finally:
        store.close()
    return {"b1": b1, "b2": b2, "gone": gone}


def _search(qtbot: QtBot, reg: RegistryScreen, text: str) -> None:
    reg.search.clear()
    with qtbot.waitSignal(reg.search_model.results_changed, timeout=10_000,
                          check_params_cb=lambda q, _n: q == text):
        type_text(reg.search, text)


def _where(reg: RegistryScreen, row: int) -> str:
    return str(reg.search_model.index(row, 2).data())


def _assert_nothing_cut(reg: RegistryScreen) -> None:
    view, model = reg.results, reg.search_model
    metrics = view.fontMetrics()
    for column in (0, 1):  # Kind and Name: the whole text fits its column, padding included
        for row in range(model.rowCount()):
            text = str(model.index(row, column).data())
            assert metrics.horizontalAdvance(text) + 16 <= view.columnWidth(column), (column, text)
    assert RESULT_CELL_PADDING_PX >= 16


@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)])
def test_search_results_tell_alike_apart_and_count_truly(qtbot: QtBot, tmp_path: Path,
                                                         size: tuple[int, int]) -> None:
    ids = _seed(tmp_path)
    window = make_window(qtbot, tmp_path, lang="zh_CN")
    try:
        window.resize(*size)
        window.navigate("registry")
        reg = registry(window)
        # The header names both grids the list holds, not the first one only.
        qtbot.waitUntil(lambda: "第一网格" in reg.grid_title.text() and "第二网格" in reg.grid_title.text(),
                        timeout=10_000)

        _search(qtbot, reg, TWIN)
        buildings = {reg.search_model.hit(r).id: _where(reg, r) for r in range(reg.search_model.rowCount())
                     if reg.search_model.hit(r).kind == "building"}
        assert set(buildings) == {ids["b1"], ids["b2"]}
        assert "第一网格" in buildings[ids["b1"]] and "第二网格" in buildings[ids["b2"]]
        _assert_nothing_cut(reg)

        _search(qtbot, reg, "欧阳")
        assert reg.search_model.rowCount() == 30
        assert reg.count.text() == "30+ 条结果"  # not "30 条结果" for 32 matches
        _assert_nothing_cut(reg)
        with qtbot.waitSignal(reg.search_model.results_changed, timeout=10_000):
            reg.results.scrollToBottom()
            reg.search_model.fetchMore(QModelIndex())
        assert reg.search_model.rowCount() == MANY
        assert reg.count.text() == f"{MANY} 条结果"

        _search(qtbot, reg, "司马迁")
        row = next(r for r in range(reg.search_model.rowCount()) if reg.search_model.hit(r).id == ids["gone"])
        where = _where(reg, row)
        assert "已搬离" in where and f"{TWIN} 302" in where  # moved out, and where they lived
        _assert_nothing_cut(reg)
    finally:
        close_window(window)


def test_the_clear_button_is_finger_sized_and_clears(qtbot: QtBot, tmp_path: Path) -> None:
    _seed(tmp_path)
    window = make_window(qtbot, tmp_path)
    try:
        window.navigate("registry")
        reg = registry(window)
        assert not reg.clear_search.isVisible()  # nothing to clear
        type_text(reg.search, "ouyang")
        assert reg.clear_search.isVisible()
        assert min(reg.clear_search.width(), reg.clear_search.height()) >= 44
        inside = reg.search.rect()
        assert inside.contains(reg.clear_search.geometry())  # in the box, not beside it
        qtbot.mouseClick(reg.clear_search, Qt.MouseButton.LeftButton)
        assert reg.search.text() == ""
        assert not reg.clear_search.isVisible()
    finally:
        close_window(window)
