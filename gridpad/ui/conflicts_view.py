"""The conflict review list: field, mine vs theirs, who and when; 用我的 / 用对方的 / 编辑.

Resolving goes through the sync controller (the sync thread's own Store): the client turns the
choice into an ordinary new edit, so it syncs like any other. Personal values (ID numbers,
phones) are shown masked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridpad.core.masking import mask_id_number, mask_phone
from gridpad.ui.i18n import tr
from gridpad.ui.status_strip import format_when
from gridpad.ui.widgets import label

if TYPE_CHECKING:
    from gridpad.app.syncing import RecordLabel


def table_title(name: str) -> str:
    titles = {
        "building": tr("Buildings"), "unit": tr("Rooms"), "person": tr("Persons"),
        "tenancy": tr("Tenancies"), "organisation": tr("Organisations"), "photo": tr("Photos"),
        "grid": tr("Grids"),
    }
    return titles.get(name, name)


def field_title(name: str) -> str:
    titles = {
        "name": tr("Name"), "address": tr("Address"), "phone": tr("Phone"), "id_number": tr("ID number"),
        "room_no": tr("Room number"), "unit_id": tr("Room"), "move_in_at": tr("Move-in date"),
        "move_out_at": tr("Move-out date"), "employer": tr("Employer"), "status": tr("Status"),
        "max_occupants": tr("Occupant limit"), "floors_above": tr("Floors"),
        "rental_rooms": tr("Rental rooms"), "hukou_address": tr("Household register address"),
        "_deleted": tr("Deleted"),
    }
    return titles.get(name, name)


@dataclass(frozen=True)
class ConflictView:
    """What one card shows."""

    id: str
    table: str
    row_id: str
    field: str
    mine: Any
    theirs: Any
    mine_by: str
    mine_at: Any
    theirs_by: str
    theirs_at: Any
    label: str


def _when_of_hlc(hlc: int | None) -> datetime | None:
    """The wall time inside a hybrid logical clock (``physical_ms << 16 | counter``)."""
    if not hlc:
        return None
    return datetime.fromtimestamp((int(hlc) >> 16) / 1000, UTC)


def view_of(conflict: Any, my_device_id: str | None, record: RecordLabel | None = None) -> ConflictView:
    """Mine vs theirs, relative to this tablet (a :class:`sync.protocol.Conflict` says kept/lost);
    ``record``: which person or building it is (masked name, address, room)."""
    mine_lost = conflict.lost.device_id == my_device_id
    mine, theirs = (conflict.lost, conflict.kept) if mine_lost else (conflict.kept, conflict.lost)
    mine_value, theirs_value = ((conflict.lost_value, conflict.kept_value) if mine_lost
                                else (conflict.kept_value, conflict.lost_value))

    def who(author: Any) -> str:
        if author.device_id == my_device_id:
            return tr("this tablet")
        # The colleague to ask; a device id means nothing to a person (an older server sends no name).
        return getattr(author, "user", None) or tr("another tablet")

    return ConflictView(
        id=str(conflict.id), table=conflict.table, row_id=conflict.row_id, field=conflict.field,
        mine=mine_value, theirs=theirs_value,
        mine_by=who(mine), mine_at=_when_of_hlc(mine.hlc),
        theirs_by=who(theirs), theirs_at=_when_of_hlc(theirs.hlc),
        label=" \u00b7 ".join(record.parts()) if record is not None else "",
    )


def _is_personal(table: str, field: str) -> bool:
    from sync.schema import TABLES

    t = TABLES.get(table)
    if t is None:
        return False
    try:
        return t.column(field).personal
    except KeyError:
        return False


def shown_value(table: str, field: str, value: Any) -> str:
    """A value as a person reads it; personal data masked."""
    if value is None or value == "":
        return tr("(empty)")
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if _is_personal(table, field):
        return mask_text(field, text)
    return text


def mask_text(field: str, text: str) -> str:
    """``441900********1238`` for ID numbers, ``138****5678`` for phones."""
    return mask_phone(text) if "phone" in field else mask_id_number(text)


class ConflictCard(QFrame):
    """One conflict; its buttons call ``resolve(conflict, choice, value)``."""

    def __init__(self, conflict: Any, my_device_id: str | None, resolve: Any,
                 parent: QWidget | None = None, *, record: RecordLabel | None = None,
                 allowed: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.conflict = conflict
        self.view = view = view_of(conflict, my_device_id, record)
        self._resolve = resolve
        self.allowed = allowed  # the resolve policy's answer for this user (gridpad.app.sync_review)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.setSpacing(8)
        self.title = label("", "title", self, wrap=True)
        lay.addWidget(self.title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        self.mine_caption = label("", "caption", self)
        self.mine_value = QLabel(shown_value(view.table, view.field, view.mine), self)
        self.mine_meta = label("", "caption", self)
        self.theirs_caption = label("", "caption", self)
        self.theirs_value = QLabel(shown_value(view.table, view.field, view.theirs), self)
        self.theirs_meta = label("", "caption", self)
        for w in (self.mine_value, self.theirs_value):
            w.setWordWrap(True)
            w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(self.mine_caption, 0, 0)
        grid.addWidget(self.theirs_caption, 0, 1)
        grid.addWidget(self.mine_value, 1, 0)
        grid.addWidget(self.theirs_value, 1, 1)
        grid.addWidget(self.mine_meta, 2, 0)
        grid.addWidget(self.theirs_meta, 2, 1)
        lay.addLayout(grid)

        self.edit_row = QWidget(self)
        edit_lay = QHBoxLayout(self.edit_row)
        edit_lay.setContentsMargins(0, 0, 0, 0)
        self.edit_field = QLineEdit(self.edit_row)
        self.save_edit = QPushButton(self.edit_row)
        self.save_edit.setObjectName("primary")
        self.save_edit.clicked.connect(self._save_edit)
        self.edit_field.returnPressed.connect(self._save_edit)
        edit_lay.addWidget(self.edit_field, 1)
        edit_lay.addWidget(self.save_edit)
        self.edit_row.hide()
        lay.addWidget(self.edit_row)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.use_mine = QPushButton(self)
        self.use_theirs = QPushButton(self)
        self.edit_button = QPushButton(self)
        self.use_mine.clicked.connect(lambda: self._choose("mine"))
        self.use_theirs.clicked.connect(lambda: self._choose("theirs"))
        self.edit_button.clicked.connect(self._start_edit)
        for b in (self.use_mine, self.use_theirs, self.edit_button):
            buttons.addWidget(b)
        lay.addLayout(buttons)
        self.message = label("", "fieldError", self, wrap=True)
        self.message.hide()
        lay.addWidget(self.message)
        self.not_allowed = label("", "caption", self, wrap=True)
        self.not_allowed.setVisible(not allowed)
        lay.addWidget(self.not_allowed)
        self.set_busy(False)
        self.retranslate()

    def retranslate(self) -> None:
        v = self.view
        where = table_title(v.table) + (f" · {v.label}" if v.label else f" · {v.row_id[:8]}\u2026")
        self.not_allowed.setText(tr("Your role cannot resolve this conflict; ask your supervisor."))
        self.title.setText(tr("{0} — field “{1}”").format(where, field_title(v.field)))
        self.mine_caption.setText(tr("Mine"))
        self.theirs_caption.setText(tr("Theirs"))
        self.mine_meta.setText(self._meta(v.mine_by, v.mine_at))
        self.theirs_meta.setText(self._meta(v.theirs_by, v.theirs_at))
        self.use_mine.setText(tr("Use mine"))
        self.use_theirs.setText(tr("Use theirs"))
        self.edit_button.setText(tr("Edit"))
        self.save_edit.setText(tr("Save"))
        self.edit_field.setPlaceholderText(tr("Type the correct value"))

    @staticmethod
    def _meta(who: str, when: Any) -> str:
        parts = [p for p in (who, format_when(when)) if p]
        return " · ".join(parts)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_busy(self, busy: bool) -> None:
        for b in (self.use_mine, self.use_theirs, self.edit_button, self.save_edit):
            b.setEnabled(not busy and self.allowed)

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.message.setText(message)
        self.message.show()

    def _choose(self, choice: str) -> None:
        self.set_busy(True)
        self._resolve(self.conflict, choice, None)

    def _start_edit(self) -> None:
        self.edit_row.show()
        if not _is_personal(self.view.table, self.view.field) and isinstance(self.view.mine, str):
            self.edit_field.setText(self.view.mine)
        self.edit_field.setFocus()

    def _save_edit(self) -> None:
        text = self.edit_field.text().strip()
        if not text:
            self.show_error(tr("{0}: type a value, or choose mine or theirs.").format(
                field_title(self.view.field)))
            return
        self.set_busy(True)
        self._resolve(self.conflict, "edit", text)
