"""Wherever an ID number is shown masked, nothing on the same screen gives its hidden digits back.

An 18-digit number masked as ``430524********123X`` hides exactly the birth date, so a screen that
also shows the full date of birth (or an age with the day) undoes the mask. The full values come
together only through the audited 查看 (Show)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot
from registry_support import GridDir, registry, type_text

from gridpad.config import db_path
from gridpad.store.db import open_store
from gridpad.ui.main_window import MainWindow
from gridpad.ui.registry_screen import RegistryScreen


def _texts(page: QWidget, *models: QAbstractItemModel) -> list[str]:
    """Every text the page shows: its labels (visible or not yet laid out) and its tables' cells."""
    out = [w.text() for w in page.findChildren(QLabel)]
    for model in models:
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                value = model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole)
                out.append("" if value is None else str(value))
    return out


def _gives_back_the_date(texts: list[str], id_number: str) -> list[str]:
    born = id_number[6:14]  # the digits the mask hides
    dashed = f"{born[4:6]}-{born[6:8]}"
    return [t for t in texts if born in t or dashed in t or born[4:] in t.replace("-", "")]


def _registry(qtbot: QtBot, window: MainWindow) -> RegistryScreen:
    window.navigate("registry")
    reg = registry(window)
    qtbot.waitUntil(lambda: reg.buildings.model_.rowCount() == 2, timeout=5000)
    return reg


def _audit(data_dir: Path) -> list[tuple[Any, ...]]:
    store = open_store(db_path(data_dir))
    try:
        return [tuple(r) for r in store.db.execute("SELECT action, tbl, row_id, field FROM audit").fetchall()]
    finally:
        store.close()


def test_person_page_shows_the_birth_year_only_and_the_date_through_show(
    qtbot: QtBot, window: MainWindow, grid_dir: GridDir
) -> None:
    data_dir, ids = grid_dir
    reg = _registry(qtbot, window)
    reg.go("person", ids["zw"])
    page = reg.person_page
    qtbot.waitUntil(lambda: page.detail is not None, timeout=5000)
    texts = _texts(page)
    assert page.id_number.value.text() == f"430524********{ids['zw_id'][-4:]}"
    assert page.birth_date.value.text() == "1990-**-**"
    assert _gives_back_the_date(texts, ids["zw_id"]) == []

    qtbot.mouseClick(page.birth_date.eye, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.birth_date.value.text() == "1990-03-07", timeout=5000)
    assert ("reveal", "person", ids["zw"], "birth_date") in _audit(data_dir)


def test_lists_with_a_masked_id_show_no_birth_date(qtbot: QtBot, window: MainWindow,
                                                   grid_dir: GridDir) -> None:
    _, ids = grid_dir
    reg = _registry(qtbot, window)

    type_text(reg.search, "zw")
    qtbot.waitUntil(lambda: reg.search_model.rowCount() == 1, timeout=5000)
    results = _texts(reg, reg.search_model)
    assert any("430524********" in t for t in results)
    assert _gives_back_the_date(results, ids["zw_id"]) == []

    reg.go("building", ids["b2"])
    qtbot.waitUntil(lambda: reg.building_page.detail is not None, timeout=5000)
    qtbot.waitUntil(lambda: reg.building_page.residents_model.rowCount() == 1, timeout=5000)
    shown = _texts(reg.building_page, reg.building_page.residents_model)
    assert any("430524********" in t for t in shown)
    assert _gives_back_the_date(shown, ids["zw_id"]) == []

    reg.go("unit", ids["u2"])
    qtbot.waitUntil(lambda: reg.unit_page.model.rowCount() == 1, timeout=5000)
    shown = _texts(reg.unit_page, reg.unit_page.model)
    assert any("430524********" in t for t in shown)
    assert _gives_back_the_date(shown, ids["zw_id"]) == []
