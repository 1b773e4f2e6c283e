"""Honest placeholders for screens that come in a later release (inspections, hazards)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from gridpad.ui.widgets import label, screen_layout


class PlaceholderScreen(QWidget):
    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        outer, self.title = screen_layout(self, spacing=None)
        card = QFrame(self)
        card.setObjectName("placeholder")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(32, 32, 32, 32)
        self.body = label("", None, card, wrap=True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        inner.addWidget(self.body)
        outer.addWidget(card)
        outer.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        if self.kind == "inspections":
            self.title.setText(self.tr("Inspections"))
            self.body.setText(self.tr(
                "Inspection checklists come in a later release of GridPad.\n"
                "Buildings due for inspection are listed under Today."))
        elif self.kind == "hazards":
            self.title.setText(self.tr("Hazards"))
            # Nothing about counts: buildings show no hazard figures until reports exist.
            self.body.setText(self.tr("Hazard reports come in a later release of GridPad."))
        else:
            self.title.setText(self.kind)
            self.body.setText(self.tr("This screen is not available in this build."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
