"""The register-tenant and move-out forms as a grid manager uses them (issue 10.2, 10.13, 10.14):
a known ID number leads to that person (register again / move here), a registration needs a room,
the header says what the form acts on, and a save marks every invalid field at once with one
message per field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot
from registry_support import GridDir, registry, stored_rows, type_text

from gridpad.config import db_path
from gridpad.store import repo
from gridpad.store.db import open_store
from gridpad.ui.main_window import MainWindow
from gridpad.ui.registry_screen import RegistryScreen
from gridpad.ui.tenant_form import TenantForm
from sync.rules.idnumber import make_resident_id


def _idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.ctx.db.pending == 0, timeout=5000)


def _open_new_tenant(qtbot: QtBot, window: MainWindow, building_id: str) -> tuple[RegistryScreen, TenantForm]:
    window.navigate("registry")
    reg = registry(window)
    qtbot.waitUntil(lambda: reg.buildings.model_.rowCount() == 2, timeout=5000)
    reg.go("building", building_id)
    qtbot.waitUntil(lambda: reg.building_page.detail is not None, timeout=5000)
    qtbot.mouseClick(reg.building_page.register_button, Qt.MouseButton.LeftButton)
    form = reg.tenant_form
    qtbot.waitUntil(lambda: form.unit.count() > 1, timeout=5000)
    _idle(qtbot, window)
    return reg, form


def _card_button(form: TenantForm, name: str) -> QPushButton:
    return next(b for b in form.duplicate_card.findChildren(QPushButton) if b.objectName() == name)


def _card_text(form: TenantForm) -> str:
    """What the card shows now (what it showed before is gone from the screen)."""
    return " ".join(w.text() for w in form.duplicate_card.findChildren(type(form.title))
                    if w.isVisibleTo(form))


def _move_out_zhang(data_dir: Path, ids: dict[str, Any]) -> None:
    store = open_store(db_path(data_dir))
    try:
        repo.update(store, "tenancy", ids["zw_tenancy"], {"move_out_at": "2026-11-20",
                                                          "move_out_reason": "LEASE_ENDED"})
    finally:
        store.close()


def test_a_moved_out_resident_is_registered_again_as_the_same_person(
        qtbot: QtBot, window: MainWindow, grid_dir: GridDir) -> None:
    data_dir, ids = grid_dir
    _move_out_zhang(data_dir, ids)
    reg, form = _open_new_tenant(qtbot, window, ids["b1"])
    type_text(form.id_number, ids["zw_id"])
    qtbot.waitUntil(lambda: "moved out of 兴业路21号 302 on 2026-11-20" in _card_text(form), timeout=5000)
    assert "张*" in _card_text(form)
    assert "张伟" not in _card_text(form)  # masked on the card
    qtbot.mouseClick(_card_button(form, "adopt"), Qt.MouseButton.LeftButton)
    # Their details are filled in; the phone is kept (shown masked), not typed again.
    assert form.name.text() == "张伟" and form.birth_date.text() == "1990-03-07"
    assert form.phone.text() == "" and "138****5678" in form.phone.placeholderText()
    assert not form.rows["move_out_at"].isVisibleTo(form)  # they live nowhere now: nothing to end
    form.unit.setCurrentIndex(form.unit.findText("201"))
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: reg.pages.currentWidget() is reg.person_page, timeout=5000)
    assert reg.person_page.person_id == ids["zw"]
    assert len([p for p in stored_rows(data_dir, "person") if p["id_number"] == ids["zw_id"]]) == 1
    homes = sorted((t["unit_id"], t["move_out_at"]) for t in stored_rows(data_dir, "tenancy")
                   if t["person_id"] == ids["zw"])
    assert homes == sorted([(ids["u2"], "2026-11-20"), (ids["u1"], None)])
    person = next(p for p in stored_rows(data_dir, "person") if p["id"] == ids["zw"])
    assert person["phone"] == "13812345678"


def test_a_resident_living_elsewhere_is_moved_here_with_a_move_out_date(
        qtbot: QtBot, window: MainWindow, grid_dir: GridDir) -> None:
    data_dir, ids = grid_dir
    reg, form = _open_new_tenant(qtbot, window, ids["b1"])
    type_text(form.id_number, ids["zw_id"])
    qtbot.waitUntil(lambda: "lives at 兴业路21号 302" in _card_text(form), timeout=5000)
    # Saving as a new person is refused under the ID number: no second record.
    form.unit.setCurrentIndex(form.unit.findText("201"))
    type_text(form.name, "张伟")
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(form.rows["id_number"].error.text()), timeout=5000)
    assert form.rows["id_number"].error.text().startswith("Already registered")
    assert len(stored_rows(data_dir, "person")) == 4
    qtbot.mouseClick(_card_button(form, "adopt"), Qt.MouseButton.LeftButton)
    move_out = form.rows["move_out_at"]
    assert move_out.isVisibleTo(form) and "兴业路21号 302" in move_out.caption.text()
    assert form.move_out.text() == "2026-11-26"  # defaults to the move-in date here
    assert "张*" in form.context.text() and "201" in form.context.text()
    # The card changed, not stacked on the old one.
    qtbot.waitUntil(lambda: _card_text(form) == "Moving 张* here from 兴业路21号 302.", timeout=5000)
    assert not any(b.isVisibleTo(form) for b in form.duplicate_card.findChildren(QPushButton)
                   if b.objectName() == "adopt")
    form.move_out.setText("2026-11-25")
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: reg.pages.currentWidget() is reg.person_page, timeout=5000)
    homes = sorted((t["unit_id"], t["move_in_at"], t["move_out_at"]) for t in stored_rows(data_dir, "tenancy")
                   if t["person_id"] == ids["zw"])
    assert homes == sorted([(ids["u2"], "2025-05-01", "2026-11-25"), (ids["u1"], "2026-11-26", None)])
    assert len(stored_rows(data_dir, "person")) == 4


def test_a_registration_without_a_room_is_refused_naming_the_room(
        qtbot: QtBot, window: MainWindow, grid_dir: GridDir) -> None:
    data_dir, ids = grid_dir
    _reg, form = _open_new_tenant(qtbot, window, ids["b1"])
    type_text(form.id_number, make_resident_id("441900", dt.date(1988, 8, 8), 15))
    type_text(form.name, "赵晓明")
    assert form.unit.currentText() == "—"
    before = len(stored_rows(data_dir, "tenancy"))
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(form.rows["unit_id"].error.text()), timeout=5000)
    assert form.rows["unit_id"].error.text() == "Choose the room the tenant lives in"
    assert len(stored_rows(data_dir, "tenancy")) == before


def test_every_invalid_field_is_marked_at_once_and_the_cursor_goes_to_the_first(
        qtbot: QtBot, window: MainWindow, grid_dir: GridDir) -> None:
    _, ids = grid_dir
    _reg, form = _open_new_tenant(qtbot, window, ids["b1"])
    good = make_resident_id("441900", dt.date(1990, 3, 7), 123)
    type_text(form.id_number, good[:17] + ("0" if good[17] != "0" else "1"))  # check digit wrong
    type_text(form.phone, "1234")
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(form.rows["unit_id"].error.text()), timeout=5000)
    marked = {name for name, row in form.rows.items() if row.error.isVisibleTo(form)}
    assert marked == {"id_number", "name", "phone", "unit_id"}
    assert QApplication.focusWidget() is form.id_number


def test_the_id_field_shows_one_message_not_a_hint_beside_its_error(
        qtbot: QtBot, window: MainWindow, grid_dir: GridDir) -> None:
    _, ids = grid_dir
    _reg, form = _open_new_tenant(qtbot, window, ids["b1"])
    row = form.rows["id_number"]
    type_text(form.id_number, "4419001990030")  # 13 of 18 characters
    assert row.hint.isVisibleTo(form) and "5 more" in row.hint.text() and not row.error.isVisibleTo(form)
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row.error.isVisibleTo(form), timeout=5000)
    assert "this has 13" in row.error.text()
    assert not row.hint.isVisibleTo(form)  # the green "4 more" does not contradict the red error
    type_text(form.id_number, "7")  # typing again: the live hint is back, the error gone
    assert row.hint.isVisibleTo(form) and "4 more" in row.hint.text() and not row.error.isVisibleTo(form)


def test_both_forms_say_what_they_act_on(qtbot: QtBot, window: MainWindow, grid_dir: GridDir) -> None:
    _, ids = grid_dir
    reg, form = _open_new_tenant(qtbot, window, ids["b1"])
    assert form.context.isVisible() and "兴业路18号" in form.context.text()
    form.unit.setCurrentIndex(form.unit.findText("201"))
    assert form.context.text() == "兴业路18号 · room 201"
    reg.go("person", ids["zw"])
    qtbot.waitUntil(lambda: reg.person_page.detail is not None, timeout=5000)
    button = next(b for b in reg.person_page.findChildren(QPushButton) if b.objectName() == "danger")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    mover = reg.move_out_form
    qtbot.waitUntil(lambda: bool(mover.context.text()), timeout=5000)
    assert mover.context.isVisible()
    assert mover.context.text() == "张* · 兴业路21号 302 · since 2025-05-01"


def test_a_taiwan_residence_permit_number_switches_the_id_type_instead_of_being_refused(
        qtbot: QtBot, window: MainWindow, grid_dir: GridDir) -> None:
    """830000… is a 台湾居民居住证 number (10.16): typed under the default 居民身份证, the form takes
    it as what it is and accepts it, rather than saying that the area code never existed."""
    _, ids = grid_dir
    _reg, form = _open_new_tenant(qtbot, window, ids["b1"])
    type_text(form.id_number, "830000199201300022")
    assert form.id_type.currentData() == "HMT_RESIDENCE_PERMIT"
    row = form.rows["id_number"]
    assert not row.error.isVisibleTo(form)
    assert row.hint.text().startswith("✓") and "1992-01-30" in row.hint.text()
