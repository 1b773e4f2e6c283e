"""A room (出租房间): its facts, occupancy against its limit, its residents (masked)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QPushButton, QTableView, QWidget

from gridpad.store import views
from gridpad.ui.building_list import setup_table
from gridpad.ui.building_page import resident_columns
from gridpad.ui.context import AppContext
from gridpad.ui.labels import enum_label
from gridpad.ui.models import ListTableModel
from gridpad.ui.page_base import Page
from gridpad.ui.widgets import Card, OccupancyBar, label, primary_button


class UnitPage(Page):
    """Signals: back(), open_person(str), register(str building_id, str unit_id), edit_unit(str)."""

    open_person = Signal(str)
    register = Signal(str, str)
    edit_unit = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.unit_id = ""
        self.detail: views.UnitDetail | None = None
        outer = self.outer
        self.title = self.add_title()
        card = Card(self)
        self.facts = label("", None, card, wrap=True)
        self.bar = OccupancyBar(card)
        card.body.addWidget(self.facts)
        card.body.addWidget(self.bar)
        outer.addWidget(card)
        self.residents_title = label("", "title", self)
        outer.addWidget(self.residents_title)
        self.view = QTableView(self)
        self.model = ListTableModel(resident_columns(), key=lambda r: r.person_id, parent=self)
        self.view.setModel(self.model)
        setup_table(self.view)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.clicked.connect(self._clicked)
        outer.addWidget(self.view, 1)
        actions = QHBoxLayout()
        self.edit_button = QPushButton(self)
        self.edit_button.clicked.connect(lambda: self.edit_unit.emit(self.unit_id))
        self.register_button = primary_button(self)
        self.register_button.clicked.connect(self._register)
        actions.addWidget(self.edit_button)
        actions.addStretch(1)
        actions.addWidget(self.register_button)
        outer.addLayout(actions)
        self.retranslate()

    def load(self, unit_id: str) -> None:
        self.unit_id = unit_id
        self.ctx.db.call(views.unit_detail, unit_id, owner=self, on_done=self._show)

    def reload(self) -> None:
        if self.unit_id:
            self.load(self.unit_id)

    def _show(self, detail: views.UnitDetail | None) -> None:
        self.detail = detail
        self.model.set_rows(detail.residents if detail else [])
        self._fill()

    def _fill(self) -> None:
        d = self.detail
        if d is None:
            return
        r = d.row
        self.title.setText(f"{d.address} · {r['room_no']}")
        facts = []
        if r.get("floor") is not None:
            facts.append(self.tr("Floor %1").replace("%1", str(r["floor"])))
        if r.get("layout"):
            facts.append(enum_label("layout", r["layout"]))
        if r.get("area_m2"):
            facts.append(f"{r['area_m2']:g} m²")
        if r.get("monthly_rent"):
            facts.append(self.tr("Rent ¥%1 a month").replace("%1", f"{r['monthly_rent']:g}"))
        self.facts.setText(" · ".join(facts))
        self.bar.set_occupancy(len(d.residents), r.get("max_occupants"), self.tr("over limit"))

    def _register(self) -> None:
        if self.detail is not None:
            self.register.emit(self.detail.row["building_id"], self.unit_id)

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_person.emit(self.model.row_id(index.row()))

    def retranslate(self) -> None:
        super().retranslate()
        self.residents_title.setText(self.tr("Residents"))
        self.edit_button.setText(self.tr("Edit room"))
        self.register_button.setText(self.tr("Register tenant"))
        self._fill()
