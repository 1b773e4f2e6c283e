"""The shape every form shares: one column of big fields in a scroll area, inline errors under
the field, the primary action bottom-right outside the scroll area (always visible), and a draft
written on every change (debounced) so nothing typed is lost."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QSignalBlocker, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gridpad.ui.context import AppContext
from gridpad.ui.labels import enum_label, options
from gridpad.ui.page_base import Page
from gridpad.ui.rule_text import error_text, field_label, rule_text
from gridpad.ui.widgets import FieldRow, Segmented, label, primary_button
from sync.rules import records
from sync.rules.errors import FieldError

DRAFT_DEBOUNCE_MS = 300


class FormPage(Page):
    """Subclasses add fields in ``build()`` and implement ``title_text()`` and ``submit()``.

    Signals:
        back(), saved(str): the id written.
    """

    saved = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rows: dict[str, FieldRow] = {}
        self._getters: dict[str, Callable[[], Any]] = {}
        self._setters: dict[str, Callable[[Any], None]] = {}
        self._enum_of: dict[str, str] = {}
        self._choice_of: dict[str, str] = {}
        self.draft_key = ""
        #: Saved with the draft so the registry can reopen this form after a restart.
        self.draft_meta: dict[str, Any] = {}
        self._loading = False
        self._dirty = False
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DEBOUNCE_MS)
        self._draft_timer.timeout.connect(self.flush_drafts)

        outer = self.outer
        self.title = self.add_title()
        # What the form acts on (building, room, person), under the title: set_context().
        self.context = label("", "title", self, wrap=True)
        self.context.hide()
        outer.addWidget(self.context)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        holder = QWidget()
        column = QHBoxLayout(holder)
        column.setContentsMargins(0, 0, 16, 0)
        inner = QWidget(holder)
        inner.setMaximumWidth(720)
        inner.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.fields = QVBoxLayout(inner)
        self.fields.setContentsMargins(0, 0, 0, 0)
        self.fields.setSpacing(12)
        column.addWidget(inner, 1)
        column.addStretch(0)
        self.scroll_area.setWidget(holder)
        outer.addWidget(self.scroll_area, 1)
        self.form_error = label("", "fieldError", self, wrap=True)
        self.form_error.hide()
        outer.addWidget(self.form_error)
        actions = QHBoxLayout()
        self.draft_note = label("", "caption", self)
        actions.addWidget(self.draft_note, 1)
        self.primary = primary_button(self)
        self.primary.clicked.connect(self.submit)
        actions.addWidget(self.primary)
        outer.addLayout(actions)
        self.build()
        self.fields.addStretch(1)
        self.retranslate()

    # -- to implement ---------------------------------------------------------------------------
    def build(self) -> None:
        raise NotImplementedError

    def title_text(self) -> str:
        raise NotImplementedError

    def primary_text(self) -> str:
        return self.tr("Save")

    def submit(self) -> None:
        raise NotImplementedError

    def labels(self) -> dict[str, str]:
        """Per-form captions that differ from the shared field labels."""
        return {}

    # -- fields ---------------------------------------------------------------------------------
    def _add(self, name: str, editor: QWidget, get: Callable[[], Any],
             put: Callable[[Any], None]) -> FieldRow:
        row = FieldRow(name, editor, self)
        self.rows[name] = row
        self._getters[name] = get
        self._setters[name] = put
        self.fields.addWidget(row)
        return row

    def add_text(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(f"field_{name}")
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self.changed)
        self._add(name, edit, lambda: edit.text().strip(),
                  lambda v: edit.setText("" if v is None else str(v)))
        return edit

    def add_enum(self, name: str, enum: str, blank: bool = True) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(f"field_{name}")
        self._enum_of[name] = enum
        self._fill_enum(combo, enum, blank)
        combo.currentIndexChanged.connect(self.changed)

        def put(value: Any) -> None:
            i = combo.findData(value if value is not None else "")
            combo.setCurrentIndex(max(i, 0))

        self._add(name, combo, lambda: combo.currentData() or None, put)
        return combo

    def _fill_enum(self, combo: QComboBox, enum: str, blank: bool) -> None:
        with QSignalBlocker(combo):
            current = combo.currentData()
            combo.clear()
            if blank:
                combo.addItem("—", "")
            for code, text in options(enum):
                combo.addItem(text, code)
            i = combo.findData(current)
            combo.setCurrentIndex(max(i, 0))

    def add_choice(self, name: str, enum: str, values: Sequence[str]) -> Segmented:
        seg = Segmented(values, self)
        self._choice_of[name] = enum
        seg.changed.connect(self.changed)
        self._add(name, seg, lambda: seg.value() or None, seg.set_value)
        return seg

    def values(self) -> dict[str, Any]:
        return {name: get() for name, get in self._getters.items()}

    def set_values(self, values: dict[str, Any]) -> None:
        self._loading = True
        try:
            for name, put in self._setters.items():
                if name in values:
                    put(values[name])
        finally:
            self._loading = False

    # -- errors ---------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        for row in self.rows.values():
            row.set_error(None)
        self.form_error.hide()

    def show_errors(self, errors: Sequence[Any]) -> None:
        """Mark every field's error under it at once (the first per field), errors for fields not
        on this form above Save, and put the cursor in the first invalid field of the form."""
        self.clear_errors()
        loose: list[str] = []
        marked: list[str] = []
        for e in errors:
            name = getattr(e, "field", "")
            row = self.rows.get(name)
            if row is None or not row.isVisibleTo(self):
                loose.append(error_text(e))
                continue
            if name in marked:
                continue
            row.set_error(rule_text(e.rule, getattr(e, "params", {}) or {}, getattr(e, "message", "")))
            marked.append(name)
        if loose:
            self.form_error.setText("\n".join(loose))
            self.form_error.show()
        first = next((row for name, row in self.rows.items() if name in marked), None)
        if first is not None:
            first.editor.setFocus()
            self.scroll_area.ensureWidgetVisible(first)

    def record_errors(self, table: str, values: dict[str, Any], *, partial: bool) -> list[FieldError]:
        """What the shared record rules say of this form's fields (normalised as the store will),
        so a save marks them together with the form's own checks."""
        record = records.normalize_record(table, {k: v for k, v in values.items() if v not in (None, "")})
        return [e for e in records.validate_record(table, record, partial=partial) if e.field in self.rows]

    def set_context(self, text: str) -> None:
        """The building, room or person the form acts on, shown under its title."""
        self.context.setText(text)
        self.context.setVisible(bool(text))

    def show_failure(self, exc: BaseException) -> None:
        errors = getattr(exc, "errors", None)
        if errors:
            self.show_errors(errors)
        else:
            self.form_error.setText(self.tr("Not saved: %1. What you typed is kept.")
                                    .replace("%1", type(exc).__name__))
            self.form_error.show()

    def local_error(self, name: str, rule: str, **params: Any) -> FieldError:
        """A failure the form finds itself, for :meth:`show_errors`."""
        return FieldError(name, rule, f"{name}: {rule}", {k: str(v) for k, v in params.items()})

    # -- opening and saving ---------------------------------------------------------------------
    def start(self, draft_key: str, draft_meta: dict[str, Any]) -> None:
        """Begin editing under this draft (``draft_meta`` lets the registry reopen it later)."""
        self.draft_key = draft_key
        self.draft_meta = draft_meta
        self.clear_errors()

    def begin_submit(self) -> dict[str, Any]:
        """The draft written and old errors cleared: the values to check and save."""
        self.flush_drafts()
        self.clear_errors()
        return self.values()

    def finish_save(self, table: str, row_id: str) -> None:
        """Saved: the draft goes, other views refresh ``table``, ``saved(row_id)`` is emitted."""
        self.primary.setEnabled(True)
        self.discard_draft()
        self.ctx.db.data_changed.emit(table)
        self.saved.emit(row_id)

    def save_failed(self, exc: BaseException) -> None:
        self.primary.setEnabled(True)
        self.show_failure(exc)

    # -- drafts ---------------------------------------------------------------------------------
    def changed(self, *_: Any) -> None:
        if self._loading or not self.draft_key:
            return
        self._dirty = True
        self._draft_timer.start()

    def flush_drafts(self) -> None:
        """Write the draft now if anything changed since the last write (also on close)."""
        self._draft_timer.stop()
        if self.draft_key and self._dirty:
            self.ctx.drafts.save(self.draft_key, {**self.values(), "_meta": self.draft_meta})
            self._dirty = False
            self.draft_note.setText(self.tr("Draft saved"))

    def restore_draft(self) -> None:
        """Put back the saved draft of this form, if any (it arrives from the DB thread)."""
        self._dirty = False
        self.draft_note.setText("")
        if self.draft_key:
            key = self.draft_key
            self.ctx.drafts.load(key, owner=self, on_done=lambda draft: self._restored(key, draft))

    def _restored(self, key: str, draft: dict[str, Any] | None) -> None:
        # Skipped if the form moved on to another draft, or was typed into meanwhile.
        if draft and key == self.draft_key and not self._dirty:
            self.set_values(draft)
            self.draft_note.setText(self.tr("Draft restored"))

    def discard_draft(self) -> None:
        self._draft_timer.stop()
        self._dirty = False
        if self.draft_key:
            self.ctx.drafts.discard(self.draft_key)
        self.draft_note.setText("")

    def go_back(self) -> None:
        self.flush_drafts()
        super().go_back()

    # -- language -------------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.title_text())
        self.primary.setText(self.primary_text())
        custom = self.labels()
        for name, row in self.rows.items():
            row.caption.setText(custom.get(name, field_label(name)))
        for name, enum in self._enum_of.items():
            combo = self.rows[name].editor
            assert isinstance(combo, QComboBox)
            self._fill_enum(combo, enum, combo.itemData(0) == "")
        for name, enum in self._choice_of.items():
            seg = self.rows[name].editor
            assert isinstance(seg, Segmented)
            seg.set_labels({code: enum_label(enum, code) for code in seg.buttons})


def parse_number(text: str, kind: type) -> tuple[Any, bool]:
    """(value, ok): '' is None and fine; otherwise int()/float() of the text."""
    if not text:
        return None, True
    try:
        return kind(text), True
    except ValueError:
        return None, False
