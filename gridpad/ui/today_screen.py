"""Today (今日任务): what exists now — registry counts and the buildings whose inspection is due.

A tablet not enrolled yet is greeted with what to do first (enroll with the code or QR code from
IT; in a source checkout, or open the demo) instead of a screen of zeros."""

from __future__ import annotations

import importlib.util
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from gridpad.store import views
from gridpad.ui.context import AppContext
from gridpad.ui.i18n import app_name
from gridpad.ui.widgets import Card, clear_layout, label, primary_button

if TYPE_CHECKING:
    from gridpad.app.syncing import SyncSnapshot


def demo_available() -> bool:
    """Whether ``gridpad demo`` can run here: it starts the central server, which a source
    checkout holds and the installed bundle leaves out."""
    if getattr(sys, "frozen", False):
        return False
    try:
        return importlib.util.find_spec("sync.server") is not None
    except (ImportError, ValueError):
        return False


class TodayScreen(QWidget):
    """Signals:
        due_count(int): inspections due or overdue (the rail shows it as a badge).
    """

    due_count = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("screen")
        self.summary: views.TodaySummary | None = None
        self._loading = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.setSpacing(16)
        self.title = label("", "bigTitle", self)
        outer.addWidget(self.title)

        # First start: what to do with a tablet that is not enrolled (shown until it is).
        self.welcome = Card(self)
        self.welcome_title = label("", "title", self.welcome)
        self.welcome_text = label("", None, self.welcome, wrap=True)
        self.demo_hint = label("", "muted", self.welcome, wrap=True)
        self.demo_hint.setVisible(demo_available())
        self.enroll_button = primary_button(self.welcome)
        self.enroll_button.clicked.connect(lambda: self.ctx.navigate("settings"))
        for w in (self.welcome_title, self.welcome_text, self.demo_hint):
            self.welcome.body.addWidget(w)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.enroll_button)
        self.welcome.body.addLayout(row)
        self.welcome.hide()
        outer.addWidget(self.welcome)
        self._enrolled: bool | None = None

        stats = QGridLayout()
        stats.setSpacing(16)
        self.stat_numbers: dict[str, QLabel] = {}
        self.stat_captions: dict[str, QLabel] = {}
        for i, key in enumerate(("buildings", "units", "residents", "over")):
            card = Card(self)
            number = label("–", "statNumber", card)
            caption = label("", "caption", card, wrap=True)
            card.body.addWidget(number)
            card.body.addWidget(caption)
            self.stat_numbers[key] = number
            self.stat_captions[key] = caption
            stats.addWidget(card, i // 2, i % 2)
        self._stats = stats
        outer.addLayout(stats)

        self.due_title = label("", "title", self)
        outer.addWidget(self.due_title)
        self.due_area = QScrollArea(self)
        self.due_area.setWidgetResizable(True)
        self.due_area.setFrameShape(QScrollArea.Shape.NoFrame)
        holder = QWidget()
        self.due_list = QVBoxLayout(holder)
        self.due_list.setContentsMargins(0, 0, 0, 0)
        self.due_list.setSpacing(8)
        self.due_area.setWidget(holder)
        outer.addWidget(self.due_area, 1)
        self.later = label("", "muted", self, wrap=True)
        outer.addWidget(self.later)
        self._registry_parts: list[QWidget] = [self.due_title, self.due_area, self.later]
        self._stat_cards = [self.stat_numbers[k].parentWidget() for k in self.stat_numbers]
        self.retranslate()
        ctx.sync.snapshot.connect(self._on_snapshot)
        if ctx.sync.last_snapshot is not None:
            self._on_snapshot(ctx.sync.last_snapshot)

    def _on_snapshot(self, snap: SyncSnapshot) -> None:
        self._enrolled = bool(snap.status.enrolled)
        self._show_welcome()

    def _show_welcome(self) -> None:
        """A tablet not enrolled is greeted with what to do; with nothing on it yet, the zeros
        and "no inspections due" are left out."""
        new_device = self._enrolled is False
        self.welcome.setVisible(new_device)
        empty = new_device and self.summary is not None and self.summary.buildings == 0
        for w in [*self._stat_cards, *self._registry_parts]:
            if w is not None:
                w.setVisible(not empty)

    def activated(self) -> None:
        """Refresh (every visit); a refresh already on its way is not asked for twice."""
        if not self._loading:
            self._loading = True
            self.ctx.db.call(views.today_summary, self.ctx.today(), owner=self, on_done=self._show,
                             on_error=lambda _exc: setattr(self, "_loading", False))

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if self.summary is None:
            self.activated()

    def _show(self, summary: views.TodaySummary) -> None:
        self._loading = False
        self.summary = summary
        self.stat_numbers["buildings"].setText(str(summary.buildings))
        self.stat_numbers["units"].setText(str(summary.units))
        self.stat_numbers["residents"].setText(str(summary.residents))
        self._residents_caption()
        self.stat_numbers["over"].setText(str(summary.over_limit_units))
        self._fill_due()
        self._show_welcome()
        self.due_count.emit(sum(1 for d in summary.due if d.days_left <= 0))

    def _residents_caption(self) -> None:
        """Residents registered without a room are in the total but in no room: said beside it."""
        unplaced = self.summary.unplaced if self.summary is not None else 0
        text = self.tr("Current residents")
        if unplaced:
            text += self.tr(" (%n without a room)", "", unplaced)
        self.stat_captions["residents"].setText(text)

    def _fill_due(self) -> None:
        clear_layout(self.due_list)
        summary = self.summary
        if summary is None:
            return
        if not summary.due:
            none = self.tr("No inspections due in the next 7 days.")
            self.due_list.addWidget(label(none, "muted", wrap=True))
        for item in summary.due:
            row = Card()
            line = QHBoxLayout()
            line.addWidget(label(item.address, "title"), 1)
            if item.days_left < 0:
                badge = label(self.tr("Overdue %n day(s)", "", -item.days_left), "badgeDanger")
            elif item.days_left == 0:
                badge = label(self.tr("Due today"), "badgeWarn")
            else:
                badge = label(self.tr("Due in %n day(s)", "", item.days_left), "badgeWarn")
            line.addWidget(badge)
            open_button = QPushButton(self.tr("Open"))
            open_button.clicked.connect(
                lambda _=False, b=item.id: self.ctx.navigate("registry", building_id=b))
            line.addWidget(open_button)
            row.body.addLayout(line)
            self.due_list.addWidget(row)
        self.due_list.addStretch(1)
        if summary.never_inspected:
            self.later.setText(self.tr("%n building(s) have no inspection on record yet.", "",
                                       summary.never_inspected))
        else:
            self.later.setText("")

    def retranslate(self) -> None:
        self.title.setText(self.tr("Today"))
        self.welcome_title.setText(self.tr("Welcome to {0}").format(app_name()))
        self.welcome_text.setText(self.tr(
            "This tablet is not enrolled yet. Enroll it with the enrollment code from IT, or with a "
            "photo of their enrollment QR code: open Settings, then type the server address and the "
            "code, or read them from the QR image. Your grid's buildings and residents then arrive "
            "with the first sync."))
        self.demo_hint.setText(self.tr(
            "To try the app first: close it and run `gridpad demo` in the source checkout. It opens "
            "a fictional grid with a local server."))
        self.enroll_button.setText(self.tr("Enroll this tablet"))
        self.stat_captions["buildings"].setText(self.tr("Buildings"))
        self.stat_captions["units"].setText(self.tr("Rooms"))
        self._residents_caption()
        self.stat_captions["over"].setText(self.tr("Rooms over their occupant limit"))
        self.due_title.setText(self.tr("Inspections due or overdue"))
        self._fill_due()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


