"""Records the server holds that break the shared rules, flagged for correction.

On the sync screen each is a card: which record (masked name, address, room), the rule each field
breaks in the forms' own words, and 打开更正 to its page. On a person's or building's page,
:class:`BreachFlag` says the same above the record. The server sends the rule, never the value, so
a rule whose form sentence quotes a value (an expected check digit, a length) is said without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from gridpad.ui.i18n import tr
from gridpad.ui.rule_text import field_label, rule_text
from gridpad.ui.widgets import CARD_MARGINS, Card, label

if TYPE_CHECKING:
    from gridpad.app.syncing import OpenTarget, RecordLabel, RecordToCorrect
    from gridpad.ui.context import AppContext


def rule_words(rule: str) -> str | None:
    """The rule as the forms word it, with no value in it; None for a rule the forms do not know."""
    without_values = {
        "id_number.length": tr("Wrong length: an ID number has 18 characters"),
        "id_number.date_invalid": tr("The birth date in the number is not a real date"),
        "id_number.date_too_early": tr("The birth date in the number is before 1900"),
        "id_number.date_future": tr("The birth date in the number is in the future"),
        "id_number.area_unknown": tr("The area code in the number does not exist"),
        "phone.mobile_length": tr("A mobile number has 11 digits"),
        "tenancy.move_out_before_move_in": tr("Move-out date is before the move-in date"),
        "person.birth_date_mismatch": tr("Does not match the birth date in the ID number"),
        "text.too_long": tr("Too long"),
        "json.too_long": tr("Too long"),
        "id.length": tr("The record id is too long"),
    }
    if rule in without_values:
        return without_values[rule]
    text = rule_text(rule, {})
    return None if text == rule or "{" in text else text


def problem_text(field: str, rule: str) -> str:
    """``性别 — 与证件号码不符``: the field as the form labels it, and the rule."""
    why = rule_words(rule) or tr("breaks the rule \u201c{0}\u201d").format(rule)
    return f"{field_label(field)} \u2014 {why}"


def record_text(table_name: str, record: RecordLabel | None, row_id: str) -> str:
    """``人员 · 陈*雯 · 兴业路18号 · 301``; the id's start only when this tablet lacks the row."""
    parts = record.parts() if record is not None else []
    return " \u00b7 ".join([table_name, *(parts or [row_id[:8] + "\u2026"])])


class BreachCard(Card):
    """One record to correct; 打开更正 opens its page."""

    def __init__(self, item: RecordToCorrect, table_name: str, on_open: Callable[[OpenTarget], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, name="warningCard", margins=CARD_MARGINS)
        self.item = item
        self.title = label(record_text(table_name, item.label, item.row_id), "title", self, wrap=True)
        self.problems = label("\n".join(problem_text(f, r) for f, r in item.problems), None, self, wrap=True)
        self.open_button = QPushButton(tr("Open to correct"), self)
        self.open_button.setEnabled(item.target is not None)
        target = item.target
        if target is not None:
            self.open_button.clicked.connect(lambda: on_open(target))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_button)
        self.body.addWidget(self.title)
        self.body.addWidget(self.problems)
        self.body.addLayout(row)


class BreachFlag(Card):
    """On a person's or building's page: what the server flagged for correction (hidden if none)."""

    def __init__(self, ctx: AppContext, table: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, name="warningCard", margins=CARD_MARGINS)
        self._ctx = ctx
        self._table = table
        self._problems: list[tuple[str, str]] = []
        self.heading = label("", "title", self, wrap=True)
        self.lines = label("", None, self, wrap=True)
        self.body.addWidget(self.heading)
        self.body.addWidget(self.lines)
        self.hide()

    def load(self, row_id: str) -> None:
        from gridpad.app.sync_review import breaches_of  # light: not the sync client

        self.hide()
        self._ctx.db.call(breaches_of, self._table, row_id, owner=self, on_done=self._show)

    def _show(self, problems: list[tuple[str, str]]) -> None:
        self._problems = problems
        self.retranslate()
        self.setVisible(bool(problems))

    def retranslate(self) -> None:
        self.heading.setText(tr("To correct: the stored values break these rules"))
        self.lines.setText("\n".join(problem_text(f, r) for f, r in self._problems))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
