"""``--quit-after-first-paint``: a smoke test of a machine's set-up with the real window.

Waits until the first screen (Today) has its data from the database and has painted it, prints one
line with what it shows (the screen, its figures, the sync status), then quits the app with 0; if
that does not happen within ``timeout_s`` it says so and quits with 1. With a PIN set the lock
screen covers Today from the first frame: the line then tells what the lock screen shows
(``first paint: lock shows …``), and no figure.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from gridpad.ui.context import AppContext
from gridpad.ui.main_window import MainWindow
from gridpad.ui.today_screen import TodayScreen

PREFIX = "first paint:"


def shown_text(widget: QWidget | None, limit: int = 16) -> list[str]:
    """The non-empty texts of the visible labels under ``widget``, in creation order."""
    if widget is None:
        return []
    texts = [" ".join(lbl.text().split()) for lbl in widget.findChildren(QLabel) if lbl.isVisible()]
    return [t for t in texts if t and t != "·"][:limit]


def describe(window: MainWindow) -> str:
    """One line: the screen's key and what it shows, then the status strip (or, locked, the
    lock screen alone: nothing behind it is seen)."""
    overlay = window.ctx.lock.overlay
    if window.ctx.lock.locked and overlay is not None:
        return f"{PREFIX} lock shows " + " | ".join(shown_text(overlay))
    screen = window.stack.currentWidget()
    line = f"{PREFIX} {window.current_key} shows " + " | ".join(shown_text(screen))
    if isinstance(screen, TodayScreen) and screen.summary is not None:
        s = screen.summary
        line += (f" (buildings={s.buildings} rooms={s.units} residents={s.residents} "
                 f"over_limit={s.over_limit_units} due={len(s.due)})")
    status = shown_text(window.status_strip)
    if status:
        line += "; status: " + " ".join(status)
    return line


class _PaintWatch(QObject):
    """Notes a paint of the current screen that happened after its data arrived."""

    def __init__(self, screen: QWidget) -> None:
        super().__init__(screen)
        self.screen = screen
        self.armed = False
        self.painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.armed and event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def quit_after_first_paint(app: QApplication, window: MainWindow, ctx: AppContext,
                           timeout_s: float = 60.0) -> None:
    """Arm the check; ``app.exec()`` then returns 0 after the report, 1 on timeout."""
    screen = window.stack.currentWidget()
    assert screen is not None, "the main window opens on a screen"
    watch = _PaintWatch(screen)
    screen.installEventFilter(watch)
    deadline = time.monotonic() + timeout_s

    def loaded() -> bool:
        if ctx.db.pending or not ctx.lock.ready:
            return False
        return not isinstance(screen, TodayScreen) or screen.summary is not None

    def poll() -> None:
        nonlocal watch
        if time.monotonic() > deadline:
            print(f"{PREFIX} nothing painted with data within {timeout_s:.0f} s "
                  f"(still waiting for {'data' if not watch.armed else 'a paint'})", file=sys.stderr,
                  flush=True)
            app.exit(1)
            return
        if not watch.armed and loaded():
            shown: QWidget = screen
            if ctx.lock.locked and ctx.lock.overlay is not None:  # the lock screen is what paints
                shown = ctx.lock.overlay
                watch = _PaintWatch(shown)
                shown.installEventFilter(watch)
            watch.armed = True
            shown.update()  # the data is in the widgets: the next paint shows it
        if watch.painted:
            print(describe(window), flush=True)
            app.exit(0)
            return
        QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
