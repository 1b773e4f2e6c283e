"""The main window: navigation rail, one screen at a time, the status strip at the bottom.

Landscape (≥ 900 px wide) puts the rail on the left; portrait puts it at the bottom as a bar.
"""

from __future__ import annotations

import importlib
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from gridpad.ui.context import AppContext
from gridpad.ui.i18n import app_name
from gridpad.ui.nav_rail import ITEMS, NavRail
from gridpad.ui.placeholder_screen import PlaceholderScreen
from gridpad.ui.registry_screen import RegistryScreen
from gridpad.ui.status_strip import StatusStrip
from gridpad.ui.today_screen import TodayScreen

PORTRAIT_BELOW = 900
#: The size the app is designed for (ui.md); a screen no larger than this in either orientation
#: is a tablet's, where the app opens maximised.
DESIGN_SIZE = (1280, 800)

# Screens built on first visit (module, class): scan and sync pull in the camera, numpy and the
# sync client, which a cold start does not need. An import error raises: no screen is replaced.
_DEFERRED = {
    "scan": ("gridpad.ui.scan_screen", "ScanScreen"),
    "sync": ("gridpad.ui.sync_screen", "SyncScreen"),
    "settings": ("gridpad.ui.settings_screen", "SettingsScreen"),
}


def _deferred(ctx: AppContext, module: str, name: str) -> QWidget:
    widget: QWidget = getattr(importlib.import_module(module), name)(ctx)
    return widget


def show_fitted(window: QMainWindow) -> None:
    """Show ``window`` fitted to its screen's available area: maximised on a tablet-sized screen
    (landscape or portrait), else at the design size, centred, never larger than the screen."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    long_side, short_side = max(DESIGN_SIZE), min(DESIGN_SIZE)
    tablet = max(area.width(), area.height()) <= long_side or min(area.width(), area.height()) <= short_side
    if tablet:
        window.setGeometry(area)
        window.showMaximized()
        return
    width, height = min(DESIGN_SIZE[0], area.width()), min(DESIGN_SIZE[1], area.height())
    window.resize(width, height)
    window.move(area.center().x() - width // 2, area.center().y() - height // 2)
    window.show()


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
        self.status_strip = StatusStrip(ctx)
        slot_layout.addWidget(self.status_strip)
        outer.addWidget(self.status_slot)
        self.setCentralWidget(central)
        ctx.lock.attach(self)  # the privacy lock covers this window

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
        if key in _DEFERRED:
            empty = QWidget()
            empty.setObjectName("screen")
            return empty
        return PlaceholderScreen(key)  # 巡查 / 隐患: not built yet

    def screen_for(self, key: str) -> QWidget:
        """The screen for ``key``, building a deferred one now."""
        current = self.screens[key]
        if key in _DEFERRED and key not in self._built:
            self._built.add(key)
            widget = _deferred(self.ctx, *_DEFERRED[key])
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
        self.setWindowTitle(app_name())

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
