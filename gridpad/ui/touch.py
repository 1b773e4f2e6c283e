"""Touch behaviour for every widget of the app, set in one place (ui.md: touch first).

``TouchPolicy`` is an event filter the app installs on the QApplication, so screens built by any
module get the same behaviour without a widget subclass each:

* combo boxes, spin boxes and date edits take the mouse wheel only when focused: scrolling a page
  over them scrolls the page instead of changing a setting (the wheel never gives them focus);
* every list, table and scrolling page scrolls by dragging it (kinetic scrolling, QScroller),
  except text editors, where a drag selects text;
* drop-down items are drawn by a delegate that honours the stylesheet's 44 px item height.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QPlainTextEdit,
    QScroller,
    QScrollerProperties,
    QStyledItemDelegate,
    QTextEdit,
    QWidget,
)

_WHEEL = QEvent.Type.Wheel
_POLISH = QEvent.Type.Polish
#: Widgets whose value the wheel would change.
_VALUE_WIDGETS = (QComboBox, QAbstractSpinBox)


def make_kinetic(area: QAbstractScrollArea) -> None:
    """Drag (finger or mouse) scrolls ``area``; a tap still reaches the row at once (no press delay)."""
    viewport = area.viewport()
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    scroller = QScroller.scroller(viewport)
    props = scroller.scrollerProperties()
    props.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0)
    # No rubber band past the ends: a table's rows would drift away from its header.
    off = QScrollerProperties.OvershootPolicy.OvershootAlwaysOff
    props.setScrollMetric(QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy, off)
    props.setScrollMetric(QScrollerProperties.ScrollMetric.VerticalOvershootPolicy, off)
    scroller.setScrollerProperties(props)
    if isinstance(area, QAbstractItemView):
        area.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        area.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)


def _scroll_page_under(widget: QWidget, event: QEvent) -> None:
    """Give the wheel to the scrolling page that holds ``widget`` (if any) instead of to it."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    if parent is not None:
        QCoreApplication.sendEvent(parent.viewport(), event.clone())
    event.accept()


def _is_qt_default(delegate: QObject) -> bool:
    return delegate.metaObject().className() == "QComboMenuDelegate"


class TouchPolicy(QObject):
    """The app-wide event filter described in the module docstring."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == _WHEEL:
            if isinstance(watched, _VALUE_WIDGETS) and not watched.hasFocus():
                _scroll_page_under(watched, event)
                return True
        elif kind == _POLISH and isinstance(watched, QWidget):
            self._polish(watched)
        return False

    @staticmethod
    def _polish(widget: QWidget) -> None:
        if widget.property("gridpadTouch"):
            return  # polished again after a style change: set up once
        if isinstance(widget, _VALUE_WIDGETS):
            widget.setProperty("gridpadTouch", True)
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # no focus from the wheel
            # Qt's default drop-down delegate ignores the stylesheet's row height; one a screen
            # chose itself is left alone.
            if isinstance(widget, QComboBox) and _is_qt_default(widget.itemDelegate()):
                widget.setItemDelegate(QStyledItemDelegate(widget))
        elif isinstance(widget, QAbstractScrollArea) and not isinstance(widget, (QTextEdit, QPlainTextEdit)):
            widget.setProperty("gridpadTouch", True)
            make_kinetic(widget)
