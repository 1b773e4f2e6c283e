"""The building card (楼栋): header, landlord/manager (masked; the eye and the call button reveal
through the audited store function), tabs for rooms with occupancy bars, residents and inspections
(hazards join when hazard reports exist)."""

from __future__ import annotations

import re
import sys

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QModelIndex,
    QSize,
    QtMsgType,
    QUrl,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gridpad.store import views
from gridpad.ui.breach_view import BreachFlag
from gridpad.ui.building_list import due_text, setup_table
from gridpad.ui.context import AppContext
from gridpad.ui.labels import enum_label
from gridpad.ui.models import Column, ListTableModel
from gridpad.ui.page_base import Page
from gridpad.ui.place_forms import BuildingForm
from gridpad.ui.widgets import (
    Card,
    MaskedValue,
    OccupancyBar,
    caption_grid,
    clear_layout,
    label,
    primary_button,
    scroll_column,
)
from sync.rules.buildings import is_scale_rental


class BuildingPage(Page):
    """Signals:
        back(), open_unit(str), open_person(str), register(str building_id, str unit_id),
        edit_building(str), add_unit(str), choose_room(str person_id): a resident with no room
    """

    # How many residents without a room the tab lists (the Residents tab lists them all).
    UNPLACED_SHOWN = 50

    open_unit = Signal(str)
    open_person = Signal(str)
    choose_room = Signal(str)
    register = Signal(str, str)
    edit_building = Signal(str)
    add_unit = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.building_id = ""
        self.detail: views.BuildingDetail | None = None
        outer = self.outer
        self.address = self.add_title()
        self.facts = label("", "muted", self, wrap=True)
        outer.addWidget(self.facts)
        self.breach_flag = BreachFlag(ctx, "building", self)  # what the server flagged to correct
        outer.addWidget(self.breach_flag)

        info = Card(self)
        self.landlord = MaskedValue()
        self.landlord_phone = MaskedValue()
        self.manager = MaskedValue()
        self.manager_phone = MaskedValue()
        self.inspection = label("")
        # No hazard figure or tab until hazard reports exist: a "0 open" would read as a fact.
        cells = [("landlord", self.landlord), ("landlord_phone", self.landlord_phone),
                 ("manager", self.manager), ("manager_phone", self.manager_phone),
                 ("inspection", self.inspection)]
        grid, self.captions = caption_grid(cells)
        info.body.addLayout(grid)
        # Said when no dialer took the tel: URL (a desk computer): the number is shown in clear.
        self.no_dialer = label("", "caption", info, wrap=True)
        self.no_dialer.hide()
        info.body.addWidget(self.no_dialer)
        outer.addWidget(info)
        # Beside each person: Edit (Add when none is recorded) opens the building form at their
        # fields; beside each phone: Call, which reveals the number (audited) and opens the dialer.
        self.edit_contact: dict[str, QPushButton] = {}
        self.call: dict[str, QPushButton] = {}
        for role, name_w, phone_w in (("landlord", self.landlord, self.landlord_phone),
                                      ("manager", self.manager, self.manager_phone)):
            name_w.reveal_requested.connect(lambda r=role, w=name_w: self._reveal(r, "name", w))
            phone_w.reveal_requested.connect(lambda r=role, w=phone_w: self._reveal(r, "phone", w))
            edit = QPushButton(name_w)
            edit.setObjectName(f"edit_{role}")
            edit.clicked.connect(lambda _=False, r=role: self._edit_contact(r))
            _row(name_w).insertWidget(2, edit)  # after the eye, before the stretch
            self.edit_contact[role] = edit
            call = QPushButton(QIcon("icons:phone.svg"), "", phone_w)
            call.setObjectName("call")
            call.setIconSize(QSize(20, 20))
            call.clicked.connect(lambda _=False, r=role, w=phone_w: self._call(r, w))
            _row(phone_w).insertWidget(2, call)
            self.call[role] = call

        self.tabs = QTabWidget(self)
        self.units_view = QTableView()
        self.units_model = ListTableModel(self._unit_columns(), key=lambda u: u.id, parent=self)
        self.units_view.setModel(self.units_model)
        setup_table(self.units_view)
        self.units_view.clicked.connect(self._unit_clicked)
        self.residents_view = QTableView()
        self.residents_model = ListTableModel(resident_columns(), key=lambda r: r.person_id, parent=self)
        self.residents_view.setModel(self.residents_model)
        setup_table(self.residents_view)
        self.residents_view.clicked.connect(self._resident_clicked)
        for view in (self.units_view, self.residents_view):
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.inspections_tab = label("", "muted", wrap=True)
        self.inspections_tab.setContentsMargins(16, 16, 16, 16)
        # Under the rooms, a line: the residents counted in the building but in none of its rooms (an
        # import without room numbers), so the total and the rooms' sum do not differ unexplained.
        # Its View opens a tab listing them (masked), each with Choose room; the tab is there only
        # while someone lives in no room.
        self.rooms_tab = QWidget()
        rooms_lay = QVBoxLayout(self.rooms_tab)
        rooms_lay.setContentsMargins(0, 0, 0, 0)
        rooms_lay.setSpacing(8)
        rooms_lay.addWidget(self.units_view, 1)
        self.unplaced_strip = Card(self.rooms_tab, name="warningCard", margins=(12, 4, 8, 4))
        strip = QHBoxLayout()
        self.unplaced_note = label("", None, self.unplaced_strip, wrap=True)
        self.unplaced_open = QPushButton(self.unplaced_strip)
        self.unplaced_open.clicked.connect(self._open_unplaced)
        strip.addWidget(self.unplaced_note, 1)
        strip.addWidget(self.unplaced_open)
        self.unplaced_strip.body.addLayout(strip)
        self.unplaced_strip.hide()
        rooms_lay.addWidget(self.unplaced_strip)
        self.unplaced_tab, self.unplaced_list = scroll_column(self, spacing=8)
        self.unplaced_tab.hide()
        # (the masked name that opens the person, Choose room) per listed resident.
        self.unplaced_rows: list[tuple[QPushButton, QPushButton]] = []
        self.tabs.addTab(self.rooms_tab, "")
        self.tabs.addTab(self.residents_view, "")
        self.tabs.addTab(self.inspections_tab, "")
        outer.addWidget(self.tabs, 1)

        actions = QHBoxLayout()
        self.edit_button = QPushButton(self)
        self.edit_button.clicked.connect(lambda: self.edit_building.emit(self.building_id))
        self.add_unit_button = QPushButton(self)
        self.add_unit_button.clicked.connect(lambda: self.add_unit.emit(self.building_id))
        self.register_button = primary_button(self)
        self.register_button.clicked.connect(lambda: self.register.emit(self.building_id, ""))
        actions.addWidget(self.edit_button)
        actions.addWidget(self.add_unit_button)
        actions.addStretch(1)
        actions.addWidget(self.register_button)
        outer.addLayout(actions)
        self.retranslate()

    def _unit_columns(self) -> tuple[Column, ...]:
        return (
            Column(lambda: self.tr("Room"), lambda u: u.room_no),
            Column(lambda: self.tr("Floor"), lambda u: "" if u.floor is None else str(u.floor)),
            Column(lambda: self.tr("Layout"), lambda u: enum_label("layout", u.layout)),
            Column(lambda: self.tr("Residents / limit"), lambda u: ""),
        )

    # -- loading --------------------------------------------------------------------------------
    def load(self, building_id: str) -> None:
        self.building_id = building_id
        self.ctx.db.call(views.building_detail, building_id, owner=self, on_done=self._show)
        self.breach_flag.load(building_id)
        self.ctx.db.call(views.residents_of_building, building_id, owner=self,
                         on_done=self.residents_model.set_rows)

    def reload(self) -> None:
        if self.building_id:
            self.load(self.building_id)

    def _show(self, detail: views.BuildingDetail | None) -> None:
        self.detail = detail
        self.no_dialer.hide()
        if detail is None:
            self.address.setText(self.tr("This building no longer exists."))
            return
        self.units_model.set_rows(detail.units)
        self._fill()

    def _fill(self) -> None:
        d = self.detail
        if d is None:
            return
        r = d.row
        name = r.get("name")
        self.address.setText(r["address"] + (f"  {name}" if name and name not in r["address"] else ""))
        facts = [enum_label("building_type", r.get("building_type"))]
        if r.get("floors_above") is not None:
            facts.append(self.tr("%n floor(s)", "", int(r["floors_above"])))
        if r.get("rental_rooms") is not None:
            facts.append(self.tr("%n room(s) for rent", "", int(r["rental_rooms"])))
        facts.append(self.tr("%n resident(s)", "", d.resident_count)
                     + (self.tr(" (%n without a room)", "", len(d.unplaced)) if d.unplaced else ""))
        if is_scale_rental(r.get("rental_rooms"), r.get("rental_beds")):
            facts.append(self.tr("Scale rental"))
        self.facts.setText(" · ".join(f for f in facts if f))
        eye = self.tr("Show")
        none = self.tr("Not recorded")
        for role, contact, name_w, phone_w in (("landlord", d.landlord, self.landlord, self.landlord_phone),
                                               ("manager", d.manager, self.manager, self.manager_phone)):
            name_w.set_masked(contact.name if contact else None, eye)
            phone_w.set_masked(contact.phone if contact else None, eye)
            if contact is None:
                name_w.value.setText(none)
            self.edit_contact[role].setText(self.tr("Edit") if contact else self.tr("Add"))
            self.call[role].setText(self.tr("Call"))
            self.call[role].setVisible(bool(contact and contact.phone))
        last = r.get("last_inspected_at")
        nxt = views.next_due(last, r.get("inspection_cycle_days"))
        self.inspection.setText(
            (last or self.tr("Never")) + (f" · {due_text(nxt, self.ctx.today())}" if nxt else ""))
        self.inspections_tab.setText(self.tr("Last inspection: %1. Inspection checklists come in a later "
                                             "release.").replace("%1", last or self.tr("never")))
        for row, unit in enumerate(d.units):
            bar = OccupancyBar()
            bar.set_occupancy(unit.residents, unit.max_occupants, self.tr("over limit"))
            self.units_view.setIndexWidget(self.units_model.index(row, 3), bar)
        self._fill_unplaced(d.unplaced, d.resident_count)

    def _fill_unplaced(self, residents: list[views.ResidentRow], total: int) -> None:
        """The line under the rooms and the tab it opens: each resident masked (opens the person)
        with Choose room (the edit form, at the room)."""
        n = len(residents)
        self.unplaced_strip.setVisible(bool(n))
        index = self.tabs.indexOf(self.unplaced_tab)
        clear_layout(self.unplaced_list)
        self.unplaced_rows = []
        if not n:
            if index >= 0:
                was_open = self.tabs.currentIndex() == index
                self.tabs.removeTab(index)
                if was_open:  # the last one placed: back to the rooms, where they now are
                    self.tabs.setCurrentWidget(self.rooms_tab)
            return
        self.unplaced_note.setText(
            self.tr("%n resident(s) without a room", "", n) + " · "
            + self.tr("counted in this building's %1 residents but in none of its rooms")
            .replace("%1", str(total)))
        self.unplaced_open.setText(self.tr("View"))
        if index < 0:
            self.tabs.insertTab(1, self.unplaced_tab, "")
        self._name_tabs()
        self.unplaced_list.addWidget(label(
            self.tr("Registered without a room number (e.g. imported from a sheet without one). "
                    "Choose each one's room."), "muted", None, wrap=True))
        for r in residents[:self.UNPLACED_SHOWN]:
            line = QHBoxLayout()
            who = QPushButton(r.name)
            who.setObjectName("link")
            who.clicked.connect(lambda _=False, p=r.person_id: self.open_person.emit(p))
            line.addWidget(who)
            line.addWidget(label(" · ".join(x for x in (r.id_number or "", r.move_in_at or "") if x),
                                 "muted"), 1)
            choose = QPushButton(self.tr("Choose room"))
            choose.clicked.connect(lambda _=False, p=r.person_id: self.choose_room.emit(p))
            line.addWidget(choose)
            self.unplaced_list.addLayout(line)
            self.unplaced_rows.append((who, choose))
        if n > self.UNPLACED_SHOWN:
            self.unplaced_list.addWidget(label(self.tr("and %n more: see the Residents tab", "",
                                                       n - self.UNPLACED_SHOWN), "muted"))
        self.unplaced_list.addStretch(1)

    def _open_unplaced(self) -> None:
        self.tabs.setCurrentWidget(self.unplaced_tab)

    def _name_tabs(self) -> None:
        n = len(self.detail.unplaced) if self.detail else 0
        for widget, text in ((self.rooms_tab, self.tr("Rooms")), (self.residents_view, self.tr("Residents")),
                             (self.inspections_tab, self.tr("Inspections")),
                             (self.unplaced_tab, self.tr("No room (%1)").replace("%1", str(n)))):
            index = self.tabs.indexOf(widget)
            if index >= 0:
                self.tabs.setTabText(index, text)

    def _contact(self, who: str) -> views.Contact | None:
        d = self.detail
        return None if d is None else (d.landlord if who == "landlord" else d.manager)

    def _reveal(self, who: str, field: str, target: MaskedValue) -> None:
        from gridpad.app.reveal import reveal

        contact = self._contact(who)
        if contact is None:
            return
        self.ctx.db.call(reveal, "person", contact.person_id, field, owner=self,
                         on_done=target.show_clear)

    def _call(self, who: str, target: MaskedValue) -> None:
        """Reveal the number through the audited store function (a call shows it in clear), then
        hand ``tel:`` to the system's dialer."""
        from gridpad.app.reveal import reveal

        contact = self._contact(who)
        if contact is None or not contact.phone:
            return

        def dial(number: str) -> None:
            target.show_clear(number)
            if number and not open_tel(tel_url(number)):
                self.no_dialer.setText(self.tr("This device cannot place calls: dial the number shown."))
                self.no_dialer.show()

        self.ctx.db.call(reveal, "person", contact.person_id, "phone", owner=self, on_done=dial)

    def _edit_contact(self, role: str) -> None:
        self.edit_building.emit(self.building_id)
        # The registry opens the building form in its page stack as it handles the signal; take
        # that form to this person's fields.
        stack = self.parentWidget()
        form = stack.currentWidget() if isinstance(stack, QStackedWidget) else None
        if isinstance(form, BuildingForm):
            form.show_section(role)

    def _unit_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_unit.emit(self.units_model.row_id(index.row()))

    def _resident_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_person.emit(self.residents_model.row_id(index.row()))

    def retranslate(self) -> None:
        super().retranslate()
        self.captions["landlord"].setText(self.tr("Landlord"))
        self.captions["landlord_phone"].setText(self.tr("Landlord phone"))
        self.captions["manager"].setText(self.tr("Manager"))
        self.captions["manager_phone"].setText(self.tr("Manager phone"))
        self.captions["inspection"].setText(self.tr("Last inspection"))
        self._name_tabs()
        self.edit_button.setText(self.tr("Edit building"))
        self.add_unit_button.setText(self.tr("Add room"))
        self.register_button.setText(self.tr("Register tenant"))
        self._fill()


def _row(value: MaskedValue) -> QHBoxLayout:
    """The value's row (value, eye, stretch), to put buttons beside the eye."""
    lay = value.layout()
    assert isinstance(lay, QHBoxLayout)
    return lay


def open_tel(url: QUrl) -> bool:
    """``QDesktopServices.openUrl`` for a ``tel:`` URL, without the platform's "cannot open
    'tel:138…'" warning reaching the log: the number is personal data. False: nothing took it."""
    def quiet(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if "tel:" in message:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(quiet)
    try:
        return QDesktopServices.openUrl(url)
    finally:
        qInstallMessageHandler(previous)


def tel_url(number: str) -> QUrl:
    """``tel:`` URL of a stored phone number (RFC 3966 keeps digits and a leading +)."""
    return QUrl("tel:" + re.sub(r"(?!^\+)[^\d]", "", number.strip()))


def resident_columns() -> tuple[Column, ...]:
    return (
        Column(lambda: QCoreApplication.translate("Residents", "Name"), lambda r: r.name),
        Column(lambda: QCoreApplication.translate("Residents", "ID number"), lambda r: r.id_number or ""),
        Column(lambda: QCoreApplication.translate("Residents", "Gender"),
               lambda r: enum_label("gender", r.gender)),
        Column(lambda: QCoreApplication.translate("Residents", "Room"),
               lambda r: r.room_no or QCoreApplication.translate("Residents", "No room")),
        Column(lambda: QCoreApplication.translate("Residents", "Moved in"), lambda r: r.move_in_at or ""),
    )
