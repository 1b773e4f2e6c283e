"""A resident: masked personal data (eye reveals through the audited store function), where they
live and lived; edit and move out from here."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from gridpad.store import views
from gridpad.ui.breach_view import BreachFlag
from gridpad.ui.context import AppContext
from gridpad.ui.labels import enum_label
from gridpad.ui.page_base import Page
from gridpad.ui.widgets import (
    Card,
    MaskedValue,
    caption_grid,
    clear_layout,
    label,
    primary_button,
    scroll_column,
)


class PersonPage(Page):
    """Signals: back(), edit_person(str), move_out(str tenancy_id), open_building(str)."""

    edit_person = Signal(str)
    move_out = Signal(str)
    open_building = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.person_id = ""
        self.detail: views.PersonDetail | None = None
        outer = self.outer
        self.name = MaskedValue(self)
        self.name.value.setObjectName("bigTitle")
        self.name.reveal_requested.connect(lambda: self._reveal("name", self.name))
        self.top.addWidget(self.name, 1)
        self.breach_flag = BreachFlag(ctx, "person", self)  # what the server flagged to correct
        outer.addWidget(self.breach_flag)

        card = Card(self)
        self.id_number = MaskedValue()
        self.id_number.reveal_requested.connect(lambda: self._reveal("id_number", self.id_number))
        self.phone = MaskedValue()
        self.phone.reveal_requested.connect(lambda: self._reveal("phone", self.phone))
        # Masked to the year: beside a masked ID number the full date would restore its hidden digits.
        self.birth_date = MaskedValue()
        self.birth_date.reveal_requested.connect(lambda: self._reveal("birth_date", self.birth_date))
        self.values = {k: label("", None, wrap=True) for k in ("id_type", "gender", "ethnicity",
                                                                "employer", "hukou_address")}
        cells = [("id_type", self.values["id_type"]), ("id_number", self.id_number),
                 ("gender", self.values["gender"]), ("birth_date", self.birth_date),
                 ("ethnicity", self.values["ethnicity"]), ("phone", self.phone),
                 ("employer", self.values["employer"]), ("hukou_address", self.values["hukou_address"])]
        grid, self.caption_labels = caption_grid(cells, spacing=24)
        card.body.addLayout(grid)
        outer.addWidget(card)

        self.homes_title = label("", "title", self)
        outer.addWidget(self.homes_title)
        area, self.homes = scroll_column(self, spacing=None)
        outer.addWidget(area, 1)
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.edit_button = primary_button(self)  # the screen's one primary action
        self.edit_button.clicked.connect(lambda: self.edit_person.emit(self.person_id))
        actions.addWidget(self.edit_button)
        outer.addLayout(actions)
        self.retranslate()

    def load(self, person_id: str) -> None:
        self.person_id = person_id
        self.ctx.db.call(views.person_detail, person_id, owner=self, on_done=self._show)
        self.breach_flag.load(person_id)

    def reload(self) -> None:
        if self.person_id:
            self.load(self.person_id)

    def _show(self, detail: views.PersonDetail | None) -> None:
        self.detail = detail
        self._fill()

    def _fill(self) -> None:
        d = self.detail
        if d is None:
            return
        eye = self.tr("Show")
        self.name.set_masked(d.name, eye)
        self.id_number.set_masked(d.id_number, eye)
        self.phone.set_masked(d.phone, eye)
        self.birth_date.set_masked(d.birth_date, eye)
        self.values["id_type"].setText(enum_label("id_type", d.id_type))
        self.values["gender"].setText(enum_label("gender", d.gender))
        self.values["ethnicity"].setText(enum_label("ethnicity", d.ethnicity))
        self.values["employer"].setText(d.employer or "")
        self.values["hukou_address"].setText(d.hukou_address or "")
        clear_layout(self.homes)
        for t in d.tenancies:
            row = Card()
            line = QHBoxLayout()
            where = t.address + (f" · {t.room_no}" if t.room_no else "")
            line.addWidget(label(where, "title", wrap=True), 1)
            if t.move_out_at:
                period = self.tr("%1 to %2").replace("%1", t.move_in_at or "?").replace("%2", t.move_out_at)
                reason = enum_label("move_out_reason", t.move_out_reason)
                line.addWidget(label(period + (f" · {reason}" if reason else ""), "muted"))
            else:
                line.addWidget(label(self.tr("Since %1").replace("%1", t.move_in_at or "?"), "badgeOk"))
                out = QPushButton(self.tr("Move out"))
                out.setObjectName("danger")
                out.clicked.connect(lambda _=False, tid=t.id: self.move_out.emit(tid))
                line.addWidget(out)
            go = QPushButton(self.tr("Building"))
            go.clicked.connect(lambda _=False, b=t.building_id: self.open_building.emit(b))
            line.addWidget(go)
            row.body.addLayout(line)
            self.homes.addWidget(row)
        self.homes.addStretch(1)

    def _reveal(self, field: str, target: MaskedValue) -> None:
        from gridpad.app.reveal import reveal

        if self.person_id:
            self.ctx.db.call(reveal, "person", self.person_id, field, owner=self,
                             on_done=target.show_clear)

    def retranslate(self) -> None:
        super().retranslate()
        texts = {"id_type": self.tr("ID type"), "id_number": self.tr("ID number"),
                 "gender": self.tr("Gender"),
                 "birth_date": self.tr("Date of birth"), "ethnicity": self.tr("Ethnicity"),
                 "phone": self.tr("Mobile phone"), "employer": self.tr("Employer"),
                 "hukou_address": self.tr("Household registration address")}
        for key, text in texts.items():
            self.caption_labels[key].setText(text)
        self.homes_title.setText(self.tr("Homes"))
        self.edit_button.setText(self.tr("Edit"))
        self._fill()
