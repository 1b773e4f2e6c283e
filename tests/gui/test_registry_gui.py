"""The registry as a grid manager uses it: search, building card, register, move out, drafts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot
from registry_support import (
    TODAY,
    GridDir,
    close_window,
    editor,
    make_window,
    registry,
    stored_rows,
    type_text,
)
from signal_checks import quiet

from gridpad.config import db_path
from gridpad.store import drafts
from gridpad.store.db import Store, open_store
from gridpad.ui.main_window import MainWindow
from gridpad.ui.registry_screen import RegistryScreen
from gridpad.ui.tenant_form import TenantForm
from gridpad.ui.widgets import OccupancyBar
from sync.rules.idnumber import make_resident_id


def _drafts(data_dir: Path) -> dict[str, dict[str, Any]]:
    """The drafts committed to the database file, read through a connection of our own."""
    store = open_store(db_path(data_dir))
    try:
        return dict(drafts.all_drafts(store))
    finally:
        store.close()


def _idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.ctx.db.pending == 0, timeout=5000)


def _registry(qtbot: QtBot, window: MainWindow) -> RegistryScreen:
    window.navigate("registry")
    reg = registry(window)
    qtbot.waitUntil(lambda: reg.buildings.model_.rowCount() == 2, timeout=5000)
    return reg


def test_search_by_pinyin_initials_opens_the_building(qtbot: QtBot, window: MainWindow,
                                                      grid_dir: GridDir) -> None:
    _, ids = grid_dir
    reg = _registry(qtbot, window)
    type_text(reg.search, "xyl")  # 兴业路 by its pinyin initials
    qtbot.waitUntil(lambda: reg.search_model.rowCount() == 2, timeout=5000)
    assert reg.results.isVisible() and not reg.buildings.isVisible()
    titles = [(h.kind, h.title) for h in reg.search_model.rows]
    assert sorted(titles) == [("building", "兴业路18号"), ("building", "兴业路21号")]
    index = reg.search_model.index(titles.index(("building", "兴业路18号")), 1)
    qtbot.mouseClick(reg.results.viewport(), Qt.MouseButton.LeftButton,
                     pos=reg.results.visualRect(index).center())
    assert reg.pages.currentWidget() is reg.building_page
    qtbot.waitUntil(lambda: reg.building_page.detail is not None, timeout=5000)
    page = reg.building_page
    assert page.building_id == ids["b1"]
    assert page.address.text() == "兴业路18号"
    # Landlord masked until the eye button, which reveals through the audited store function.
    assert page.landlord.value.text() == "陈*强"
    assert page.landlord_phone.value.text() == "139****3333"
    qtbot.mouseClick(page.landlord_phone.eye, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.landlord_phone.value.text() == "13922223333", timeout=5000)
    _idle(qtbot, window)
    audit = open_store(db_path(grid_dir[0]))
    try:
        logged = audit.db.execute("SELECT tbl, row_id, field FROM audit WHERE action = 'reveal'").fetchall()
    finally:
        audit.close()
    assert logged == [("person", ids["landlord"], "phone")]
    # Room 201 holds 2 people against a limit of 1: the bar says so in words and turns red.
    bar = page.units_view.indexWidget(page.units_model.index(0, 3))
    assert isinstance(bar, OccupancyBar)
    assert bar.over and bar.text.text() == "2 / 1 over limit"


def test_search_finds_a_resident_by_pinyin_and_shows_masked(qtbot: QtBot, window: MainWindow,
                                                            grid_dir: GridDir) -> None:
    reg = _registry(qtbot, window)
    type_text(reg.search, "zw")
    qtbot.waitUntil(lambda: reg.search_model.rowCount() == 1, timeout=5000)
    shown = [reg.search_model.data(reg.search_model.index(0, c)) for c in range(3)]
    assert shown[1] == "张*" and "********" in shown[2]
    reg.results.clicked.emit(reg.search_model.index(0, 1))
    qtbot.waitUntil(lambda: reg.person_page.detail is not None, timeout=5000)
    assert reg.person_page.id_number.value.text().startswith("430524********")


def _open_new_tenant(qtbot: QtBot, window: MainWindow, building_id: str) -> TenantForm:
    reg = _registry(qtbot, window)
    reg.go("building", building_id)
    qtbot.waitUntil(lambda: reg.building_page.detail is not None, timeout=5000)
    qtbot.mouseClick(reg.building_page.register_button, Qt.MouseButton.LeftButton)
    form = reg.tenant_form
    assert reg.pages.currentWidget() is form
    qtbot.waitUntil(lambda: form.unit.count() > 1, timeout=5000)
    _idle(qtbot, window)
    return form


def test_register_a_tenant_typing_chinese(qtbot: QtBot, window: MainWindow, grid_dir: GridDir) -> None:
    data_dir, ids = grid_dir
    form = _open_new_tenant(qtbot, window, ids["b1"])
    number = make_resident_id("441900", dt.date(1988, 8, 8), 15)  # odd sequence: male
    type_text(form.id_number, number)
    # The ID number fills gender and birth date as it is typed.
    assert form.gender.value() == "1"
    assert form.birth_date.text() == "1988-08-08"
    assert form.rows["id_number"].error.text() == ""
    assert "东莞" in form.rows["id_number"].hint.text()
    type_text(form.name, "赵晓明")
    type_text(form.hukou, "湖南省邵阳市隆回县")
    type_text(form.phone, "13700001111")
    form.unit.setCurrentIndex(form.unit.findText("201"))
    form.relation.setCurrentIndex(form.relation.findData("01"))
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    reg = registry(window)
    qtbot.waitUntil(lambda: reg.pages.currentWidget() is reg.person_page, timeout=5000)
    qtbot.waitUntil(lambda: reg.person_page.detail is not None, timeout=5000)
    assert reg.person_page.name.value.text() == "赵*明"
    person = next(p for p in stored_rows(data_dir, "person") if p["name"] == "赵晓明")
    assert (person["id_number"], person["gender"], person["birth_date"]) == (number, "1", "1988-08-08")
    assert person["hukou_address"] == "湖南省邵阳市隆回县" and person["phone"] == "13700001111"
    tenancy = next(t for t in stored_rows(data_dir, "tenancy") if t["person_id"] == person["id"])
    assert (tenancy["unit_id"], tenancy["building_id"]) == (ids["u1"], ids["b1"])
    _idle(qtbot, window)
    assert _drafts(data_dir) == {}  # saved: no draft left behind


def test_invalid_id_number_names_the_rule_and_keeps_the_form(qtbot: QtBot, window: MainWindow,
                                                             grid_dir: GridDir) -> None:
    data_dir, ids = grid_dir
    form = _open_new_tenant(qtbot, window, ids["b1"])
    good = make_resident_id("441900", dt.date(1990, 3, 7), 123)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    type_text(form.name, "钱多多")
    type_text(form.id_number, wrong)
    error = form.rows["id_number"].error
    assert error.isVisible()  # shown as it is typed, under the box
    assert error.text() == "The number does not add up: compare every digit with the card"  # no digit offered
    assert form.id_number.property("invalid") is True
    before = len(stored_rows(data_dir, "person"))
    with quiet(qtbot, form.saved, window.ctx.db.data_changed, until=lambda: window.ctx.db.pending == 0):
        qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    assert len(stored_rows(data_dir, "person")) == before  # nothing written
    reg = registry(window)
    assert reg.pages.currentWidget() is form
    assert form.name.text() == "钱多多" and form.id_number.text() == wrong  # nothing lost
    assert form.rows["id_number"].error.text() == (
        "The number does not add up: compare every digit with the card")


def test_duplicate_registration_warns_with_a_link(qtbot: QtBot, window: MainWindow,
                                                  grid_dir: GridDir) -> None:
    _, ids = grid_dir
    form = _open_new_tenant(qtbot, window, ids["b1"])
    type_text(form.id_number, ids["zw_id"])
    qtbot.waitUntil(lambda: form.duplicate_card.isVisible(), timeout=5000)
    texts = [w.text() for w in form.duplicate_card.findChildren(type(form.title))]
    assert any("兴业路21号 302" in t for t in texts)
    link = next(b for b in form.duplicate_card.findChildren(type(form.primary)) if b.objectName() == "link")
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    reg = registry(window)
    assert reg.pages.currentWidget() is reg.person_page
    assert reg.person_page.person_id == ids["zw"]


def test_move_out(qtbot: QtBot, window: MainWindow, grid_dir: GridDir) -> None:
    data_dir, ids = grid_dir
    reg = _registry(qtbot, window)
    reg.go("person", ids["zw"])
    qtbot.waitUntil(lambda: reg.person_page.detail is not None, timeout=5000)
    buttons = reg.person_page.findChildren(type(reg.new_building))
    button = next(b for b in buttons if b.objectName() == "danger")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    form = reg.move_out_form
    assert reg.pages.currentWidget() is form
    assert form.values()["move_out_at"] == TODAY.isoformat()
    # A date before the move-in is refused, naming the rule; the form stays.
    date_edit = editor(form, "move_out_at", QLineEdit)
    date_edit.setText("2020-01-01")
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(form.rows["move_out_at"].error.text()), timeout=5000)
    assert "before the move-in date 2025-05-01" in form.rows["move_out_at"].error.text()
    date_edit.setText("2026-11-20")
    reason = editor(form, "move_out_reason", QComboBox)
    reason.setCurrentIndex(reason.findData("LEFT_DONGGUAN"))
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: reg.pages.currentWidget() is reg.person_page, timeout=5000)
    tenancy = next(t for t in stored_rows(data_dir, "tenancy") if t["id"] == ids["zw_tenancy"])
    assert (tenancy["move_out_at"], tenancy["move_out_reason"]) == ("2026-11-20", "LEFT_DONGGUAN")
    # The building no longer counts them as a resident.
    reg.go("building", ids["b2"])
    qtbot.waitUntil(lambda: reg.building_page.detail is not None
                    and reg.building_page.detail.row["id"] == ids["b2"], timeout=5000)
    detail = reg.building_page.detail
    assert detail is not None and detail.resident_count == 0


def test_draft_restored_after_the_window_is_closed_and_reopened(qtbot: QtBot, grid_dir: GridDir) -> None:
    data_dir, ids = grid_dir
    first = make_window(qtbot, data_dir)
    form = _open_new_tenant(qtbot, first, ids["b2"])
    type_text(form.name, "孙悟空")
    type_text(form.id_number, "4419001990")
    close_window(first)  # closing flushes the draft even before the debounce fires

    second = make_window(qtbot, data_dir)
    try:
        reg = _registry(qtbot, second)
        qtbot.waitUntil(reg.drafts_card.isVisible, timeout=5000)
        resume = next(b for b in reg.drafts_card.findChildren(type(reg.new_building)))
        qtbot.mouseClick(resume, Qt.MouseButton.LeftButton)
        form2 = reg.tenant_form
        qtbot.waitUntil(lambda: form2.name.text() == "孙悟空", timeout=5000)
        assert form2.id_number.text() == "4419001990"
        assert form2.building_id == ids["b2"]
    finally:
        close_window(second)


def test_switching_screens_keeps_what_was_typed(qtbot: QtBot, window: MainWindow, grid_dir: GridDir) -> None:
    _, ids = grid_dir
    form = _open_new_tenant(qtbot, window, ids["b1"])
    type_text(form.employer, "东莞某电子厂")
    window.navigate("sync")
    window.navigate("registry")
    assert registry(window).pages.currentWidget() is form
    assert form.employer.text() == "东莞某电子厂"
    _idle(qtbot, window)
    assert _drafts(grid_dir[0])[form.draft_key]["employer"] == "东莞某电子厂"


def test_add_a_building_with_landlord(qtbot: QtBot, window: MainWindow, grid_dir: GridDir) -> None:
    data_dir, _ = grid_dir
    reg = _registry(qtbot, window)
    qtbot.mouseClick(reg.new_building, Qt.MouseButton.LeftButton)
    form = reg.building_form
    _idle(qtbot, window)
    type_text(form.rows["address"].editor, "兴业路25号")
    type_text(form.rows["floors_above"].editor, "x")
    type_text(form.rows["landlord_name"].editor, "周大福")
    type_text(form.rows["landlord_phone"].editor, "13612345678")
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    assert form.rows["floors_above"].error.text() == "Must be a whole number"
    editor(form, "floors_above", QLineEdit).setText("4")
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: reg.pages.currentWidget() is reg.building_page, timeout=5000)
    building = next(b for b in stored_rows(data_dir, "building") if b["address"] == "兴业路25号")
    assert building["floors_above"] == 4 and building["grid_id"]
    landlord = next(p for p in stored_rows(data_dir, "person") if p["id"] == building["landlord_id"])
    assert (landlord["name"], landlord["phone"]) == ("周大福", "13612345678")
    qtbot.waitUntil(lambda: reg.buildings.model_.rowCount() == 3, timeout=5000)


def test_edit_a_resident_keeps_their_home(qtbot: QtBot, window: MainWindow, grid_dir: GridDir) -> None:
    data_dir, ids = grid_dir
    reg = _registry(qtbot, window)
    reg.go("person", ids["zw"])
    qtbot.waitUntil(lambda: reg.person_page.detail is not None, timeout=5000)
    qtbot.mouseClick(reg.person_page.edit_button, Qt.MouseButton.LeftButton)
    form = reg.tenant_form
    qtbot.waitUntil(lambda: form.id_number.text() == ids["zw_id"], timeout=5000)
    assert form.title.text() == "Edit resident"
    assert not form.rows["unit_id"].isVisibleTo(form)  # the home is changed by moving out/in
    form.employer.clear()
    type_text(form.employer, "长安镇某五金厂")
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: reg.pages.currentWidget() is reg.person_page, timeout=5000)
    person = next(p for p in stored_rows(data_dir, "person") if p["id"] == ids["zw"])
    assert person["employer"] == "长安镇某五金厂" and person["id_number"] == ids["zw_id"]
    assert len([t for t in stored_rows(data_dir, "tenancy") if t["person_id"] == ids["zw"]]) == 1


def test_add_a_room_then_register_into_it(qtbot: QtBot, window: MainWindow, grid_dir: GridDir) -> None:
    data_dir, ids = grid_dir
    reg = _registry(qtbot, window)
    reg.go("building", ids["b2"])
    qtbot.waitUntil(lambda: reg.building_page.detail is not None, timeout=5000)
    qtbot.mouseClick(reg.building_page.add_unit_button, Qt.MouseButton.LeftButton)
    form = reg.unit_form
    _idle(qtbot, window)
    type_text(form.rows["room_no"].editor, "501")
    type_text(form.rows["max_occupants"].editor, "-2")
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(form.rows["max_occupants"].error.text()), timeout=5000)
    assert form.rows["max_occupants"].error.text() == "Must be 0 or more"  # the store's rule, inline
    assert editor(form, "room_no", QLineEdit).text() == "501"
    editor(form, "max_occupants", QLineEdit).setText("2")
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: reg.pages.currentWidget() is reg.unit_page
                    and reg.unit_page.detail is not None, timeout=5000)
    unit = next(u for u in stored_rows(data_dir, "unit") if u["room_no"] == "501")
    assert (unit["building_id"], unit["max_occupants"], unit["grid_id"]) == (ids["b2"], 2, "44190011900103")
    assert reg.unit_page.title.text().endswith("501")


def test_database_work_never_blocks_the_window(qtbot: QtBot, window: MainWindow) -> None:
    """Database work runs off the GUI thread, and the window's event loop keeps turning meanwhile.
    (How smoothly, in milliseconds, is measured by bench/bench_gui_responsiveness.py.)"""
    import threading

    from PySide6.QtCore import QTimer

    released = threading.Event()
    ran_on: list[int] = []
    done: list[bool] = []

    def busy(_store: Store) -> bool:
        ran_on.append(threading.get_ident())
        return released.wait(10)  # held until the GUI thread, still running, lets it go

    window.ctx.db.call(busy, on_done=done.append)
    QTimer.singleShot(0, released.set)  # fires only if the event loop turns while the worker waits
    qtbot.waitUntil(lambda: bool(done), timeout=15_000)
    assert done == [True]  # released by the GUI thread, not by the 10 s timeout
    assert ran_on and ran_on[0] != threading.get_ident()


def test_draft_is_on_disk_shortly_after_typing(qtbot: QtBot, window: MainWindow, grid_dir: GridDir) -> None:
    data_dir, ids = grid_dir
    form = _open_new_tenant(qtbot, window, ids["b1"])
    type_text(form.name, "周杰")
    # No close, no navigation: a crash now would still find the draft after the debounce.
    qtbot.waitUntil(lambda: _drafts(data_dir).get(form.draft_key, {}).get("name") == "周杰",
                    timeout=3000)
    # Drafts live only in the database: no files of typed ID numbers beside it.
    assert not (data_dir / "drafts").exists()


def test_rule_messages_in_chinese(qtbot: QtBot, grid_dir: GridDir) -> None:
    data_dir, ids = grid_dir
    w = make_window(qtbot, data_dir, lang="zh_CN")
    try:
        form = _open_new_tenant(qtbot, w, ids["b1"])
        assert form.title.text() == "登记住户" and form.primary.text() == "保存"
        good = make_resident_id("441900", dt.date(1990, 3, 7), 123)
        type_text(form.id_number, good[:17] + ("0" if good[17] != "0" else "1"))
        assert form.rows["id_number"].error.text() == "号码有误：请对照证件逐位核对"
        assert form.rows["id_number"].caption.text() == "证件号码"
        type_text(form.phone, "12345678901")
        assert form.rows["phone"].error.text() == "手机号以13至19开头"
    finally:
        close_window(w)


def test_missing_name_is_marked_under_the_field(qtbot: QtBot, window: MainWindow, grid_dir: GridDir) -> None:
    data_dir, ids = grid_dir
    form = _open_new_tenant(qtbot, window, ids["b1"])
    type_text(form.id_number, make_resident_id("441900", dt.date(1992, 2, 29), 31))
    type_text(form.phone, "13700002222")
    before = len(stored_rows(data_dir, "person"))
    qtbot.mouseClick(form.primary, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(form.rows["name"].error.text()), timeout=5000)
    assert form.rows["name"].error.text() == "Required"
    assert form.phone.text() == "13700002222" and len(stored_rows(data_dir, "person")) == before
