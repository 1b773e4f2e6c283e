"""The main window: navigation rail, one screen at a time, the status strip at the bottom.

Landscape (≥ 900 px wide) puts the rail on the left; portrait puts it at the bottom as a bar.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from gridpad.ui.context import AppContext
from gridpad.ui.nav_rail import ITEMS, NavRail
from gridpad.ui.placeholder_screen import PlaceholderScreen
from gridpad.ui.registry_screen import RegistryScreen
from gridpad.ui.today_screen import TodayScreen

log = logging.getLogger(__name__)

PORTRAIT_BELOW = 900

# Screens built by the sync/settings/scan helper: module, class. Missing ones get a placeholder.
_EXTERNAL = {
    "scan": ("gridpad.ui.scan_screen", "ScanScreen"),
    "sync": ("gridpad.ui.sync_screen", "SyncScreen"),
    "settings": ("gridpad.ui.settings_screen", "SettingsScreen"),
}


def _external(ctx: AppContext, module: str, name: str) -> QWidget | None:
    try:
        cls = getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None
    widget: QWidget = cls(ctx)
    return widget


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        ctx.navigate = self.navigate
        self.setMinimumSize(360, 480)
        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self._body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._body.setSpacing(0)
        self.rail = NavRail(central)
        self.stack = QStackedWidget(central)
        self._body.addWidget(self.rail)
        self._body.addWidget(self.stack, 1)
        outer.addLayout(self._body, 1)

        self.status_slot = QWidget(central)
        self.status_slot.setObjectName("statusSlot")
        self.status_slot.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        slot_layout = QVBoxLayout(self.status_slot)
        slot_layout.setContentsMargins(0, 0, 0, 0)
        self.status_strip: QWidget | None = None
        try:
            from gridpad.ui.status_strip import StatusStrip
        except ImportError:  # a build without the sync client
            self.status_slot.setFixedHeight(0)
        else:
            strip = StatusStrip(ctx)
            self.status_strip = strip
            slot_layout.addWidget(strip)
        outer.addWidget(self.status_slot)
        self.setCentralWidget(central)

        self.screens: dict[str, QWidget] = {}
        self._built: set[str] = set()
        for key, _ in ITEMS:
            screen = self._make_screen(key)
            self.screens[key] = screen
            self.stack.addWidget(screen)
        self.rail.selected.connect(self.navigate)
        self._portrait: bool | None = None
        self.retranslate()
        self.navigate("today")

    def _make_screen(self, key: str) -> QWidget:
        if key == "today":
            today = TodayScreen(self.ctx)
            today.due_count.connect(lambda n: self.rail.set_badge("today", n))
            return today
        if key == "registry":
            return RegistryScreen(self.ctx)
        if key in _EXTERNAL:
            # Built on first visit: scan and sync pull in the camera, numpy and the sync client,
            # which a cold start does not need.
            empty = QWidget()
            empty.setObjectName("screen")
            return empty
        return PlaceholderScreen(key)

    def screen_for(self, key: str) -> QWidget:
        """The screen for ``key``, building a deferred one now."""
        current = self.screens[key]
        if key in _EXTERNAL and key not in self._built:
            self._built.add(key)
            widget = _external(self.ctx, *_EXTERNAL[key]) or PlaceholderScreen(key)
            index = self.stack.indexOf(current)
            self.stack.insertWidget(index, widget)
            self.stack.removeWidget(current)
            current.deleteLater()
            self.screens[key] = widget
            return widget
        return current

    def navigate(self, key: str, **kwargs: Any) -> None:
        """Show screen ``key``; keyword arguments go to its ``open(**kwargs)`` (e.g. building_id)."""
        screen = self.screen_for(key)
        self.stack.setCurrentWidget(screen)
        self.rail.set_current(key)
        opener = getattr(screen, "open", None)
        if kwargs and callable(opener):
            opener(**kwargs)
        else:
            activated = getattr(screen, "activated", None)
            if callable(activated):
                activated()

    @property
    def current_key(self) -> str:
        current = self.stack.currentWidget()
        return next(k for k, w in self.screens.items() if w is current)

    def set_portrait(self, portrait: bool) -> None:
        if portrait == self._portrait:
            return
        self._portrait = portrait
        self._body.removeWidget(self.rail)
        self._body.removeWidget(self.stack)
        if portrait:
            self._body.setDirection(QBoxLayout.Direction.TopToBottom)
            self._body.addWidget(self.stack, 1)
            self._body.addWidget(self.rail)
        else:
            self._body.setDirection(QBoxLayout.Direction.LeftToRight)
            self._body.addWidget(self.rail)
            self._body.addWidget(self.stack, 1)
        self.rail.set_horizontal(portrait)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.set_portrait(event.size().width() < PORTRAIT_BELOW)
        super().resizeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("GridPad"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        for screen in self.screens.values():
            flush = getattr(screen, "flush_drafts", None)
            if callable(flush):
                flush()
        super().closeEvent(event)
