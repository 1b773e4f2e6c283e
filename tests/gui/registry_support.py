"""A small real grid for the registry GUI tests, and a window on it (real store, real widgets)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from gridpad.config import db_path
from gridpad.store import people, repo
from gridpad.store.db import open_store
from sync.rules.idnumber import make_resident_id

if TYPE_CHECKING:  # the UI modules are imported when a test builds a window
    from gridpad.ui.building_page import BuildingPage
    from gridpad.ui.form_base import FormPage
    from gridpad.ui.main_window import MainWindow
    from gridpad.ui.registry_screen import RegistryScreen

TODAY = dt.date(2026, 11, 26)
GRID = "44190011900103"

W = TypeVar("W", bound=QWidget)
#: The ``grid_dir`` fixture: the data dir and the ids ``seed_small`` made.
GridDir = tuple[Path, dict[str, Any]]


def seed_small(data_dir: Path) -> dict[str, Any]:
    """Two buildings, a few rooms, three residents (张伟 registered at 兴业路21号 302)."""
    store = open_store(db_path(data_dir))
    try:
        repo.insert(store, "grid", {"grid_id": GRID, "code": GRID, "name": "第3网格",
                                    "village_name": "乌沙社区"}, id=GRID)
        b1 = repo.insert(store, "building", {
            "grid_id": GRID, "address": "兴业路18号", "building_type": "VILLAGE_HOUSE", "floors_above": 6,
            "rental_rooms": 24, "max_occupants": 40, "inspection_cycle_days": 30,
            "last_inspected_at": "2026-10-20"})
        b2 = repo.insert(store, "building", {
            "grid_id": GRID, "address": "兴业路21号", "building_type": "VILLAGE_HOUSE", "floors_above": 5,
            "rental_rooms": 10, "inspection_cycle_days": 30, "last_inspected_at": "2026-11-20"})
        u1 = repo.insert(store, "unit", {"grid_id": GRID, "building_id": b1, "room_no": "201", "floor": 2,
                                         "max_occupants": 1})
        u2 = repo.insert(store, "unit", {"grid_id": GRID, "building_id": b2, "room_no": "302", "floor": 3,
                                         "max_occupants": 2})
        zw_id = make_resident_id("430524", dt.date(1990, 3, 7), 123)
        zw, zw_t = people.register_tenant(store, {
            "grid_id": GRID, "name": "张伟", "id_type": "RESIDENT_ID", "id_number": zw_id, "gender": "1",
            "birth_date": "1990-03-07", "phone": "13812345678"}, {"unit_id": u2, "move_in_at": "2025-05-01"})
        people.register_tenant(store, {
            "grid_id": GRID, "name": "李娜", "id_type": "RESIDENT_ID",
            "id_number": make_resident_id("441900", dt.date(1995, 6, 1), 22)},
            {"unit_id": u1, "move_in_at": "2025-01-01"})
        people.register_tenant(store, {
            "grid_id": GRID, "name": "王芳", "id_type": "RESIDENT_ID",
            "id_number": make_resident_id("441900", dt.date(1996, 2, 2), 44)},
            {"unit_id": u1, "move_in_at": "2025-02-01"})
        landlord = repo.insert(store, "person", {"grid_id": GRID, "name": "陈国强", "phone": "13922223333"})
        repo.update(store, "building", b1, {"landlord_id": landlord})
    finally:
        store.close()
    return {"b1": b1, "b2": b2, "u1": u1, "u2": u2, "zw": zw, "zw_tenancy": zw_t, "zw_id": zw_id,
            "landlord": landlord}


def type_text(widget: QWidget, text: str) -> None:
    """Type text, Chinese included, as key events that carry text (keyClicks aborts on non-ASCII)."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


@pytest.fixture
def grid_dir(tmp_path: Path) -> GridDir:
    return tmp_path, seed_small(tmp_path)


def screen(window: MainWindow, key: str, kind: type[W]) -> W:
    """Screen ``key`` of the window, as the class the test relies on."""
    widget = window.screens[key]
    assert isinstance(widget, kind), f"{key}: {type(widget).__name__}, not {kind.__name__}"
    return widget


def editor(form: FormPage, name: str, kind: type[W]) -> W:
    """The editor of form field ``name``, as the widget class the test types into."""
    widget = form.rows[name].editor
    assert isinstance(widget, kind), f"{name}: {type(widget).__name__}, not {kind.__name__}"
    return widget


def registry(window: MainWindow) -> RegistryScreen:
    from gridpad.ui.registry_screen import RegistryScreen

    return screen(window, "registry", RegistryScreen)


def open_building(qtbot: QtBot, window: MainWindow, building_id: str) -> BuildingPage:
    """The registry's card of ``building_id``, once its detail has loaded."""
    window.navigate("registry")
    reg = registry(window)
    reg.go("building", building_id)
    page = reg.building_page
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.row["id"] == building_id, timeout=5000)
    return page


def stored_rows(data_dir: Path, table: str) -> list[dict[str, Any]]:
    """``table`` as the data dir's database holds it (read through a store of its own)."""
    store = open_store(db_path(data_dir))
    try:
        return list(repo.rows(store, table))
    finally:
        store.close()


def make_window(qtbot: QtBot, data_dir: Path, lang: str = "en") -> MainWindow:
    from gridpad.ui.app import make_context
    from gridpad.ui.main_window import MainWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)  # pytest-qt's qapp
    ctx = make_context(app, data_dir, lang)
    ctx.today = lambda: TODAY
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    # The window is covered until the app has read whether a PIN is set (no data is seen before).
    qtbot.waitUntil(lambda: ctx.lock.ready, timeout=10_000)
    return window


def close_window(window: MainWindow) -> None:
    from gridpad.ui.app import shutdown_context

    window.close()
    shutdown_context(window.ctx)
    QCoreApplication.processEvents()


@pytest.fixture
def window(qtbot: QtBot, grid_dir: GridDir) -> Iterator[MainWindow]:
    w = make_window(qtbot, grid_dir[0])
    yield w
    close_window(w)
