"""Every item model passes Qt's model tester; the id-list model never loads more than the pages
on screen (no full-table load, however long the list)."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from registry_support import GridDir, registry

from gridpad.store import views
from gridpad.store.db import Store
from gridpad.ui.building_page import resident_columns
from gridpad.ui.main_window import MainWindow
from gridpad.ui.models import Column, LazyIdTableModel, ListTableModel


def test_building_model_passes_the_model_tester(qtbot: QtBot, qtmodeltester: ModelTester,
                                                window: MainWindow) -> None:
    window.navigate("registry")
    model = registry(window).buildings.model_
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=5000)
    qtmodeltester.check(model)
    qtbot.waitUntil(lambda: window.ctx.db.pending == 0, timeout=5000)
    assert model.data(model.index(0, 0)) == "兴业路18号"
    qtmodeltester.check(model)


def test_search_model_passes_the_model_tester_while_fetching_more(qtbot: QtBot, qtmodeltester: ModelTester,
                                                                  window: MainWindow) -> None:
    window.navigate("registry")
    model = registry(window).search_model
    model.PAGE = 1  # one hit per page: exercises canFetchMore/fetchMore
    model.set_query("xyl")
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=5000)
    assert model.canFetchMore()
    qtmodeltester.check(model)  # the tester itself calls fetchMore()
    if model.canFetchMore():
        model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=5000)
    qtbot.waitUntil(lambda: window.ctx.db.pending == 0, timeout=5000)
    qtmodeltester.check(model)
    model.fetchMore()
    qtbot.waitUntil(lambda: window.ctx.db.pending == 0, timeout=5000)
    assert not model.canFetchMore() and model.rowCount() == 2


def test_unit_and_resident_models_pass_the_model_tester(qtbot: QtBot, qtmodeltester: ModelTester,
                                                        window: MainWindow, grid_dir: GridDir) -> None:
    _, ids = grid_dir
    window.navigate("registry", building_id=ids["b1"])
    page = registry(window).building_page
    qtbot.waitUntil(lambda: page.detail is not None and page.residents_model.rowCount() == 2, timeout=5000)
    qtmodeltester.check(page.units_model)
    qtmodeltester.check(page.residents_model)
    names = {page.residents_model.data(page.residents_model.index(r, 0)) for r in range(2)}
    assert names == {"李*", "王*"}  # masked in lists


def _fetch_counting(calls: list[int]) -> Callable[[Store, list[str]], dict[str, str]]:
    def fetch(_store: Store, ids: list[str]) -> dict[str, str]:
        calls.append(len(ids))
        return {i: f"row {i}" for i in ids}
    return fetch


def test_lazy_model_fetches_only_the_pages_asked_for(qtbot: QtBot, qtmodeltester: ModelTester,
                                                     window: MainWindow) -> None:
    calls: list[int] = []
    model = LazyIdTableModel(window.ctx.db, _fetch_counting(calls),
                             (Column(lambda: "Row", lambda r: r),), parent=window)
    model.set_ids([f"id{i:06d}" for i in range(200_000)])
    assert model.rowCount() == 200_000
    assert model.data(model.index(150_000, 0)) == LazyIdTableModel.PLACEHOLDER
    qtbot.waitUntil(lambda: model.data(model.index(150_000, 0)) == "row id150000", timeout=5000)
    assert calls == [LazyIdTableModel.PAGE]
    assert model.loaded_rows == LazyIdTableModel.PAGE
    # Scrolling through many pages keeps the cache bounded.
    for page in range(LazyIdTableModel.MAX_PAGES + 5):
        model.data(model.index(page * LazyIdTableModel.PAGE, 0))
    qtbot.waitUntil(lambda: window.ctx.db.pending == 0, timeout=5000)
    assert model.loaded_rows <= LazyIdTableModel.MAX_PAGES * LazyIdTableModel.PAGE
    # A stale page (from before the ids changed) is dropped.
    model.data(model.index(10, 0))
    model.set_ids(["a", "b"])
    qtbot.waitUntil(lambda: window.ctx.db.pending == 0, timeout=5000)
    assert model.loaded_rows == 0
    qtmodeltester.check(model)


def test_list_model_with_rows(qtmodeltester: ModelTester) -> None:
    model = ListTableModel(resident_columns(), key=lambda r: r.person_id)
    model.set_rows([views.ResidentRow("t1", "p1", "张*明", "430524********1234", "1", "u1", "302",
                                      None, None)])
    qtmodeltester.check(model)
    assert model.row_id(0) == "p1"
