"""The navigation rail: a column on the left in landscape, a bottom bar in portrait."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QButtonGroup, QSizePolicy, QToolButton, QWidget

# (key, English label) in rail order; labels are translated in retranslate().
ITEMS: tuple[tuple[str, str], ...] = (
    ("today", "Today"), ("registry", "Registry"), ("scan", "Scan"), ("inspections", "Inspections"),
    ("hazards", "Hazards"), ("sync", "Sync"), ("settings", "Settings"),
)


class NavRail(QWidget):
    """Signals:
        selected(str): the key of the item the user tapped.
    """

    selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navRail")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._layout.setContentsMargins(8, 8, 8, 8)
        self._layout.setSpacing(8)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.buttons: dict[str, QToolButton] = {}
        self._badges: dict[str, int] = {}
        for key, _ in ITEMS:
            b = QToolButton(self)
            b.setObjectName("navButton")
            b.setCheckable(True)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            b.setMinimumSize(QSize(72, 56))
            b.clicked.connect(lambda _=False, k=key: self.selected.emit(k))
            self._group.addButton(b)
            self._layout.addWidget(b)
            self.buttons[key] = b
        self._layout.addStretch(1)
        self.set_horizontal(False)
        self.retranslate()

    def set_horizontal(self, horizontal: bool) -> None:
        self.setProperty("orientation", "horizontal" if horizontal else "vertical")
        self._layout.setDirection(QBoxLayout.Direction.LeftToRight if horizontal
                                  else QBoxLayout.Direction.TopToBottom)
        if horizontal:
            self.setMinimumWidth(0)
            self.setMaximumWidth(16777215)
            self.setFixedHeight(72)
        else:
            self.setMinimumHeight(0)
            self.setMaximumHeight(16777215)
            self.setFixedWidth(104)
        self.style().unpolish(self)
        self.style().polish(self)

    def set_current(self, key: str) -> None:
        self.buttons[key].setChecked(True)

    def set_badge(self, key: str, count: int) -> None:
        self._badges[key] = count
        self.retranslate()

    def _labels(self) -> dict[str, str]:
        return {
            "today": self.tr("Today"), "registry": self.tr("Registry"), "scan": self.tr("Scan"),
            "inspections": self.tr("Inspections"), "hazards": self.tr("Hazards"),
            "sync": self.tr("Sync"), "settings": self.tr("Settings"),
        }

    def retranslate(self) -> None:
        for key, label in self._labels().items():
            badge = self._badges.get(key, 0)
            self.buttons[key].setText(f"{label}\n({badge})" if badge else label)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
