"""Issue 10.13: a save marks every invalid field at once (not one per try) and puts the cursor in
the first, on the place forms too."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from registry_support import GridDir, registry, type_text

from gridpad.ui.main_window import MainWindow


def test_a_new_building_marks_every_invalid_field_on_save(qtbot: QtBot, window: MainWindow,
                                                          grid_dir: GridDir) -> None:
    window.navigate("registry")
    reg = registry(window)
    qtbot.waitUntil(lambda: reg.buildings.model_.rowCount() == 2, timeout=5000)
    qtbot.mouseClick(reg.new_building, Qt.MouseButton.LeftButton)
    form = reg.building_form
    qtbot.waitUntil(lambda: window.ctx.db.pending == 0, timeout=5000)
    type_text(form.rows["floors_above"].editor, "x")
    type_text(form.rows["landlord_phone"].editor, "123")
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    marked = {name for name, row in form.rows.items() if row.error.isVisibleTo(form)}
    assert marked == {"address", "floors_above", "landlord_phone", "landlord_name"}
    assert form.rows["address"].error.text() == "Required"
    assert QApplication.focusWidget() is form.rows["address"].editor  # the first on the form


def test_a_new_room_marks_every_invalid_field_on_save(qtbot: QtBot, window: MainWindow,
                                                      grid_dir: GridDir) -> None:
    _, ids = grid_dir
    window.navigate("registry")
    reg = registry(window)
    reg.go("unit_form_new", ids["b2"])
    form = reg.unit_form
    qtbot.waitUntil(lambda: window.ctx.db.pending == 0, timeout=5000)
    type_text(form.rows["area_m2"].editor, "abc")
    type_text(form.rows["max_occupants"].editor, "-2")
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    marked = {name for name, row in form.rows.items() if row.error.isVisibleTo(form)}
    assert marked == {"room_no", "area_m2", "max_occupants"}
    assert QApplication.focusWidget() is form.rows["room_no"].editor
