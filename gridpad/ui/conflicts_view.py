"""The conflict review list: field, mine vs theirs, who and when; 用我的 / 用对方的 / 编辑.

Resolving goes through the sync controller (the sync thread's own Store): the client turns the
choice into an ordinary new edit, so it syncs like any other. Personal values (ID numbers,
phones) are shown masked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt
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

from gridpad.ui.status_strip import format_when


def tr(text: str) -> str:
    """Translate; pyside6-lupdate files bare ``tr("…")`` calls under the empty context."""
    return QCoreApplication.translate("", text)


def table_title(name: str) -> str:
    titles = {
        "building": tr("Buildings"), "unit": tr("Rooms"), "person": tr("Persons"),
        "tenancy": tr("Tenancies"), "organisation": tr("Organisations"), "photo": tr("Photos"),
        "grid": tr("Grids"),
    }
    return titles.get(name, name)


@dataclass(frozen=True)
class ConflictView:
    """What one card shows, read from the client's conflict record whatever its exact shape."""

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


def _get(obj: Any, *names: str) -> Any:
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return None


def view_of(conflict: Any) -> ConflictView:
    return ConflictView(
        id=str(_get(conflict, "id", "conflict_id")),
        table=str(_get(conflict, "table", "tbl") or ""),
        row_id=str(_get(conflict, "row_id") or ""),
        field=str(_get(conflict, "field") or ""),
        mine=_get(conflict, "mine", "local_value", "loser_value"),
        theirs=_get(conflict, "theirs", "remote_value", "winner_value"),
        mine_by=str(_get(conflict, "mine_by", "local_author", "loser_device") or ""),
        mine_at=_get(conflict, "mine_at", "local_hlc_at", "loser_at"),
        theirs_by=str(_get(conflict, "theirs_by", "remote_author", "winner_device") or ""),
        theirs_at=_get(conflict, "theirs_at", "remote_hlc_at", "winner_at"),
        label=str(_get(conflict, "label", "row_label") or ""),
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
        return mask_text(text)
    return text


def mask_text(text: str) -> str:
    """Keep the first and last few characters: ``441900********1238``, ``138****5678``."""
    try:
        from gridpad.core import masking

        for name in ("mask_id_number", "mask_phone"):
            fn = getattr(masking, name, None)
            if fn is not None and ((name == "mask_phone") == (len(text) == 11)):
                return str(fn(text))
    except ImportError:
        pass
    if len(text) <= 4:
        return "*" * len(text)
    head = 6 if len(text) >= 15 else 3
    return text[:head] + "*" * (len(text) - head - 4) + text[-4:]


class ConflictCard(QFrame):
    """One conflict; its buttons call ``resolve(conflict, choice, value)``."""

    def __init__(self, conflict: Any, resolve: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.conflict = conflict
        self.view = view = view_of(conflict)
        self._resolve = resolve
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.setSpacing(8)
        self.title = QLabel(self)
        self.title.setObjectName("title")
        self.title.setWordWrap(True)
        lay.addWidget(self.title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        self.mine_caption = QLabel(self)
        self.mine_caption.setObjectName("caption")
        self.mine_value = QLabel(shown_value(view.table, view.field, view.mine), self)
        self.mine_meta = QLabel(self)
        self.mine_meta.setObjectName("caption")
        self.theirs_caption = QLabel(self)
        self.theirs_caption.setObjectName("caption")
        self.theirs_value = QLabel(shown_value(view.table, view.field, view.theirs), self)
        self.theirs_meta = QLabel(self)
        self.theirs_meta.setObjectName("caption")
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
        self.message = QLabel(self)
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        lay.addWidget(self.message)
        self.retranslate()

    def retranslate(self) -> None:
        v = self.view
        where = table_title(v.table) + (f" · {v.label}" if v.label else "")
        self.title.setText(tr("{0} — field “{1}”").format(where, v.field))
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
            b.setEnabled(not busy)

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
            self.show_error(tr("{0}: type a value, or choose mine or theirs.").format(self.view.field))
            return
        self.set_busy(True)
        self._resolve(self.conflict, "edit", text)
