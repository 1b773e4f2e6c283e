"""The shape the registry's pages share: ‹ Back and a big title on one line at the top, the page
below, and a ``retranslate()`` that Qt's LanguageChange event calls."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gridpad.ui.context import AppContext
from gridpad.ui.widgets import label


class Page(QWidget):
    """Subclasses put their title widget in ``self.top`` and the rest in ``self.outer``, and call
    ``self.retranslate()`` (which should call this one) once built.

    Signals:
        back()
    """

    back = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(0, 0, 0, 0)
        self.outer.setSpacing(12)
        self.top = QHBoxLayout()
        self.back_button = QPushButton(self)
        self.back_button.setObjectName("back")
        self.back_button.clicked.connect(self.go_back)
        self.top.addWidget(self.back_button)
        self.outer.addLayout(self.top)

    def add_title(self) -> QLabel:
        """The page's big title, beside ‹ Back (wraps rather than being cut off)."""
        title = label("", "bigTitle", self, wrap=True)
        self.top.addWidget(title, 1)
        return title

    def go_back(self) -> None:
        self.back.emit()

    def retranslate(self) -> None:
        self.back_button.setText(self.tr("‹ Back"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
