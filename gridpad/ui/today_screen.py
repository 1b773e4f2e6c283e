"""Today (今日任务): what exists now — registry counts and the buildings whose inspection is due."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from gridpad.store import views
from gridpad.ui.context import AppContext
from gridpad.ui.widgets import Card, clear_layout, label


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
        self.retranslate()

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
        self.stat_numbers["over"].setText(str(summary.over_limit_units))
        self._fill_due()
        self.due_count.emit(sum(1 for d in summary.due if d.days_left <= 0))

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
        self.stat_captions["buildings"].setText(self.tr("Buildings"))
        self.stat_captions["units"].setText(self.tr("Rooms"))
        self.stat_captions["residents"].setText(self.tr("Current residents"))
        self.stat_captions["over"].setText(self.tr("Rooms over their occupant limit"))
        self.due_title.setText(self.tr("Inspections due or overdue"))
        self._fill_due()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


