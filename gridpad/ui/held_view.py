"""Changes set aside on the sync screen: each with the server's reason and Retry / Discard.

The reason is the rule and field the server named (never a value). Both buttons call the sync
controller, which runs ``gridpad.app.syncing.retry_held`` / ``discard_held`` on the sync thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from gridpad.ui.breach_view import record_text, rule_words
from gridpad.ui.conflicts_view import field_title, table_title
from gridpad.ui.i18n import tr
from gridpad.ui.widgets import CARD_MARGINS, Card, label

if TYPE_CHECKING:
    from gridpad.app.syncing import HeldChange, RecordLabel


def held_reason(rule: str, field: str | None) -> str:
    """The server's refusal in the interface's language: sync's own refusals here, a value or
    record rule as the forms word it (``rule_text``; the server sends no values, so parameters
    such as an expected check digit stay empty)."""
    why = {
        "text": tr("contains a character the server does not accept (such as a control character)"),
        "required": tr("is required but missing"),
        "scope": tr("belongs to a grid this tablet does not hold"),
        "grid_change": tr("moves the record to another grid, which needs a transfer by the office"),
        "read_only_table": tr("is written by the central system only"),
        "unknown_column": tr("is not a field the server knows"),
    }.get(rule) or rule_words(rule) or tr("breaks the server's rule \u201c{0}\u201d").format(rule)
    return f"{field_title(field)} \u2014 {why}" if field else why


class HeldCard(Card):
    """One change set aside: what, why, how many wait behind it; Retry / Discard."""

    def __init__(self, item: HeldChange, on_retry: Callable[[int], None], on_discard: Callable[[int], None],
                 parent: QWidget | None = None, *, record: RecordLabel | None = None) -> None:
        super().__init__(parent, name="warningCard", margins=CARD_MARGINS)
        self.change_id = item.change_id
        # Which record (masked name, address, room); the id's start only for a row this tablet lacks.
        where = record_text(table_title(item.table), record, item.row_id)
        self.title = label(where, "title", self, wrap=True)
        self.reason = label(held_reason(item.rule, item.field), None, self, wrap=True)
        waiting = (tr("{0} later edits of this record wait behind it.").format(item.waiting)
                   if item.waiting else "")
        self.waiting = label(waiting, "caption", self, wrap=True)
        self.waiting.setVisible(bool(waiting))
        self.hint = label(tr("Correct the record, then Retry: the values it holds now are sent. Discard "
                             "drops the change; this tablet keeps its value, which is then not on the "
                             "server."), "caption", self, wrap=True)
        self.error = label("", "fieldError", self, wrap=True)
        self.error.hide()
        buttons = QHBoxLayout()
        self.retry_button = QPushButton(tr("Retry"), self)
        self.discard_button = QPushButton(tr("Discard"), self)
        self.retry_button.clicked.connect(lambda: self._act(on_retry))
        self.discard_button.clicked.connect(lambda: self._act(on_discard))
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.retry_button)
        for w in (self.title, self.reason, self.waiting, self.hint, self.error):
            self.body.addWidget(w)
        self.body.addLayout(buttons)

    def _act(self, action: Callable[[int], None]) -> None:
        self.retry_button.setEnabled(False)
        self.discard_button.setEnabled(False)
        self.error.hide()
        action(self.change_id)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.retry_button.setEnabled(True)
        self.discard_button.setEnabled(True)
