"""Small building blocks shared by screens: cards, form fields with inline errors, segmented
choices, occupancy bars, masked values with an eye button. Styled only through object names and
properties in gridpad.qss."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def label(text: str = "", name: str | None = None, parent: QWidget | None = None,
          wrap: bool = False) -> QLabel:
    lab = QLabel(text, parent)
    if name:
        lab.setObjectName(name)
    lab.setWordWrap(wrap)
    return lab


def primary_button(parent: QWidget | None = None) -> QPushButton:
    b = QPushButton(parent)
    b.setObjectName("primary")
    return b


def screen_layout(screen: QWidget, spacing: int | None = 16) -> tuple[QVBoxLayout, QLabel]:
    """A top-level screen's column (24 px margins) with its big heading as the first line."""
    screen.setObjectName("screen")
    outer = QVBoxLayout(screen)
    outer.setContentsMargins(24, 24, 24, 24)
    if spacing is not None:
        outer.setSpacing(spacing)
    heading = label("", "bigTitle", screen)
    outer.addWidget(heading)
    return outer, heading


def scroll_column(parent: QWidget, spacing: int | None = 16) -> tuple[QScrollArea, QVBoxLayout]:
    """A frameless scroll area holding one column of widgets (add them to the returned layout)."""
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    if spacing is not None:
        column.setSpacing(spacing)
    area.setWidget(holder)
    return area, column


def caption_grid(cells: Sequence[tuple[str, QWidget]],
                 spacing: int = 16) -> tuple[QGridLayout, dict[str, QLabel]]:
    """Two columns of (caption above value) pairs; returns the grid and the captions by key, for
    the caller to set their (translated) texts."""
    grid = QGridLayout()
    grid.setHorizontalSpacing(spacing)
    captions: dict[str, QLabel] = {}
    for i, (key, widget) in enumerate(cells):
        captions[key] = cap = label("", "fieldLabel")
        grid.addWidget(cap, (i // 2) * 2, i % 2)
        grid.addWidget(widget, (i // 2) * 2 + 1, i % 2)
    return grid, captions


#: Roomier margins for the cards of the sync and settings screens (left, top, right, bottom).
CARD_MARGINS = (20, 16, 20, 16)


class Card(QFrame):
    """A framed box (object name ``card``, ``warningCard``, …); put its content in ``body``."""

    def __init__(self, parent: QWidget | None = None, name: str = "card",
                 margins: tuple[int, int, int, int] = (16, 16, 16, 16)) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(*margins)
        self.body.setSpacing(8)


class FieldRow(QWidget):
    """Label above, editor, then the error (danger colour) or a hint (e.g. what the ID number says):
    one message at a time, the error first (a red "wrong length" beside a green "4 more" confuses)."""

    def __init__(self, name: str, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.editor = editor
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        self.caption = label("", "fieldLabel", self)
        self.error = label("", "fieldError", self, wrap=True)
        self.hint = label("", "fieldHint", self, wrap=True)
        lay.addWidget(self.caption)
        lay.addWidget(editor)
        lay.addWidget(self.error)
        lay.addWidget(self.hint)
        self.error.hide()
        self.hint.hide()

    def set_error(self, text: str | None) -> None:
        self.error.setText(text or "")
        self.error.setVisible(bool(text))
        self.hint.setVisible(bool(self.hint.text()) and not text)  # back when the error goes
        self.editor.setProperty("invalid", bool(text))
        repolish(self.editor)

    def set_hint(self, text: str | None) -> None:
        self.hint.setText(text or "")
        self.hint.setVisible(bool(text) and not self.error.text())


class Segmented(QWidget):
    """Two or more large buttons for a one-of answer (no tiny radio buttons on a tablet).

    Signals:
        changed(str): the chosen value ('' for none).
    """

    changed = Signal(str)

    def __init__(self, options: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self._group = QButtonGroup(self)
        self.buttons: dict[str, QPushButton] = {}
        for value in options:
            b = QPushButton(self)
            b.setObjectName("segment")
            b.setCheckable(True)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self._group.addButton(b)
            lay.addWidget(b)
            self.buttons[value] = b
            b.clicked.connect(lambda _=False, v=value: self.changed.emit(v))

    def set_labels(self, labels: dict[str, str]) -> None:
        for value, b in self.buttons.items():
            b.setText(labels.get(value, value))

    def value(self) -> str:
        return next((v for v, b in self.buttons.items() if b.isChecked()), "")

    def set_value(self, value: str | None) -> None:
        b = self.buttons.get(value or "")
        if b is not None:
            b.setChecked(True)
        else:
            self._group.setExclusive(False)
            for other in self.buttons.values():
                other.setChecked(False)
            self._group.setExclusive(True)


class OccupancyBar(QWidget):
    """Residents / limit: a slim bar and the figures beside it (readable on any fill). Over the
    limit the bar turns red (the 'over' property) and the words say so too."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 0, 8, 0)
        lay.setSpacing(8)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("occupancy")
        self.bar.setTextVisible(False)
        self.bar.setMinimumWidth(80)
        self.text = QLabel(self)
        lay.addWidget(self.bar, 1)
        lay.addWidget(self.text)

    def set_occupancy(self, residents: int, limit: int | None, over_text: str) -> None:
        cap = limit if limit and limit > 0 else max(residents, 1)
        self.bar.setRange(0, max(cap, residents, 1))
        self.bar.setValue(residents)
        over = bool(limit) and residents > (limit or 0)
        shown = f"{residents} / {limit}" if limit else f"{residents}"
        self.text.setText(f"{shown} {over_text}" if over else shown)
        self.text.setObjectName("fieldError" if over else "")
        for w in (self.bar, self.text):
            w.setProperty("over", over)
            repolish(w)

    @property
    def over(self) -> bool:
        return bool(self.bar.property("over"))


class MaskedValue(QWidget):
    """A masked value and an eye button; tapping it asks ``reveal()`` for the clear value
    (the caller runs the audited store function) and shows it until ``mask()``."""

    reveal_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(8)
        self.value = label("", None, self)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.eye = QPushButton(self)
        self.eye.setObjectName("eye")
        self.eye.clicked.connect(self.reveal_requested.emit)
        lay.addWidget(self.value)
        lay.addWidget(self.eye)
        lay.addStretch(1)
        self._masked = ""

    def set_masked(self, text: str | None, eye_text: str) -> None:
        self._masked = text or "—"
        self.value.setText(self._masked)
        self.eye.setText(eye_text)
        self.eye.setVisible(bool(text))

    def show_clear(self, text: str) -> None:
        self.value.setText(text)
        self.eye.hide()


def clear_layout(layout: QLayout) -> None:
    """Remove and delete everything in ``layout``, the widgets of nested layouts too."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            continue
        w = item.widget()
        if w is not None:
            w.hide()  # gone from the screen now, not at the next deleteLater pass
            w.deleteLater()
        inner = item.layout()
        if inner is not None:
            clear_layout(inner)
            inner.deleteLater()


def tenancy_place(address: str | None, room_no: str | None) -> str:
    """A home in one line: the address, then the room ("兴业路21号 302")."""
    return " ".join(p for p in (address, room_no) if p)
