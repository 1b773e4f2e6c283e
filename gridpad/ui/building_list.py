"""The registry's building list and the search results under the one search box."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QModelIndex, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from gridpad.store import views
from gridpad.ui.context import AppContext
from gridpad.ui.labels import enum_label
from gridpad.ui.models import Column, LazyIdTableModel


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return QCoreApplication.translate("BuildingList", text, disambiguation, n)


def due_text(next_due: str | None, today: dt.date) -> str:
    if not next_due:
        return tr("Not scheduled")
    days = (dt.date.fromisoformat(next_due) - today).days
    if days < 0:
        return tr("Overdue %n day(s)", None, -days)
    if days == 0:
        return tr("Due today")
    return tr("Due in %n day(s)", None, days)


def due_tone(next_due: str | None, today: dt.date, cycle_days: int = 30) -> str | None:
    """danger when overdue, warn when < 25 % of the cycle (or < 1 day) is left (ui.md)."""
    if not next_due:
        return None
    days = (dt.date.fromisoformat(next_due) - today).days
    if days < 0:
        return "danger"
    if days < max(1, cycle_days // 4):
        return "warn_text"
    return None


def building_columns(today: Callable[[], dt.date]) -> tuple[Column, ...]:
    def occupancy(r: views.BuildingRow) -> str:
        text = str(r.residents)
        if r.max_occupants:
            over = tr(" over limit") if r.residents > r.max_occupants else ""
            text = f"{r.residents} / {r.max_occupants}{over}"
        if r.unplaced:  # the total is more than its rooms hold: say why
            text += tr(" (%n without a room)", None, r.unplaced)
        return text

    def place(r: views.BuildingRow) -> str:
        """Address and name; under it the grid when this tablet holds several (two alike told apart)."""
        text = r.address + (f"  {r.name}" if r.name and r.name not in r.address else "")
        return f"{text}\n{r.grid}" if r.grid else text

    return (
        Column(lambda: tr("Address"), place),
        Column(lambda: tr("Type"), lambda r: enum_label("building_type", r.building_type)),
        Column(lambda: tr("Floors"), lambda r: "" if r.floors_above is None else str(r.floors_above),
               align_right=True),
        Column(lambda: tr("Rooms"), lambda r: "" if r.rental_rooms is None else str(r.rental_rooms),
               align_right=True),
        Column(lambda: tr("Residents"), occupancy,
               tone=lambda r: "danger" if r.max_occupants and r.residents > r.max_occupants else None),
        Column(lambda: tr("Next inspection"), lambda r: due_text(r.next_due, today()),
               tone=lambda r: due_tone(r.next_due, today())),
    )


def setup_table(view: QTableView) -> None:
    """The common look of every list table (tall rows for fingers, no grid, whole-row selection)."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(56)
    view.horizontalHeader().setHighlightSections(False)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)


class BuildingTable(QTableView):
    """Signals:
        open_building(str): the user tapped a building.
    """

    open_building = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model_ = LazyIdTableModel(ctx.db, views.building_rows, building_columns(ctx.today),
                                       tone_color=ctx.theme.color, parent=self)
        self.setModel(self.model_)
        setup_table(self)
        self.setWordWrap(True)  # two lines fit a 56 px row: long addresses wrap instead of eliding
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, self.model_.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.clicked.connect(self._clicked)
        self.activated.connect(self._clicked)

    def reload(self) -> None:
        self.ctx.db.call(views.building_ids, owner=self, on_done=self.model_.set_ids)

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_building.emit(self.model_.row_id(index.row()))

