"""Start the app: QApplication, bundled font, stylesheet, translations, DB worker, main window."""

from __future__ import annotations

import logging
import os
import resource
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from gridpad.config import db_path
from gridpad.ui.context import AppContext
from gridpad.ui.db_worker import DbClient
from gridpad.ui.drafts import Drafts
from gridpad.ui.i18n import Translations
from gridpad.ui.lock import IdleLock
from gridpad.ui.resources import load_theme, register_fonts, register_icon_path
from gridpad.ui.sync_worker import SyncController
from gridpad.ui.touch import TouchPolicy

log = logging.getLogger(__name__)

#: When set, the app prints ``ready <unix time>`` once the window is shown and the first data has
#: loaded, then quits (bench/bench_startup.py measures cold start with it).
STARTUP_PROBE = "GRIDPAD_STARTUP_PROBE"


def make_context(app: QApplication, data_dir: Path, lang: str | None) -> AppContext:
    """Everything a window needs; also used by tests and the screenshot script."""
    families = register_fonts()
    register_icon_path()
    theme = load_theme()
    font = QFont(families[0] if families else app.font().family())
    font.setPixelSize(16)
    app.setFont(font)
    app.setStyleSheet(theme.stylesheet)
    if not any(isinstance(child, TouchPolicy) for child in app.children()):
        app.installEventFilter(TouchPolicy(app))  # wheel, drag-scrolling, drop-down rows: app-wide
    i18n = Translations(app, prefs=data_dir / "ui.json")
    i18n.start(lang)
    db = DbClient(db_path(data_dir), app)
    ctx = AppContext(data_dir=data_dir, db=db, theme=theme, i18n=i18n, drafts=Drafts(db),
                     sync=SyncController(db_path(data_dir), data_dir), lock=IdleLock())
    start_services(ctx)
    return ctx


def start_services(ctx: AppContext) -> None:
    """Arm the lock, then start sync. The first DB request opens the store (and imports
    sqlite-utils) on the DB thread while the window is built; it also moves drafts an older
    version kept as files into the store and reads the lock's settings and state: the window is
    covered until that answer, and stays locked when a PIN is set. Sync starts once that request
    is answered: the file exists and is migrated before a second connection opens it, and the
    sync thread's imports come after the first paint's."""
    from gridpad.app.startup import SessionStart, open_session

    ctx.lock.bind(ctx.db)

    def opened(start: SessionStart) -> None:
        ctx.lock.start(start.lock, start.lock_status)
        ctx.sync.start()

    def failed(exc: BaseException) -> None:
        log.error("opening the store failed: %s", exc)
        ctx.lock.start_failed(type(exc).__name__)
        ctx.sync.start()  # its status read reports the same problem on the strip

    ctx.db.call(open_session, ctx.data_dir, on_done=opened, on_error=failed, owner=ctx.lock)


def shutdown_context(ctx: AppContext) -> None:
    """Stop the services (sync first: it may be mid-push), then the DB worker."""
    ctx.sync.stop()
    ctx.lock.shutdown()
    ctx.db.shutdown()
    ctx.i18n.uninstall()


def peak_rss_kib() -> int:
    """This process's peak resident set (VmHWM; ru_maxrss survives exec on Linux, VmHWM does not)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _probe_when_idle(app: QApplication, ctx: AppContext) -> None:
    """``interactive <time>``: the window is shown and the event loop has run dry once (input is
    answered from here on; data loads on the DB thread). ``ready <time> <peak RSS KiB>``: the
    first screen's data has arrived too."""
    def data_loaded() -> None:
        if ctx.db.pending:
            QTimer.singleShot(5, data_loaded)
            return
        print(f"ready {time.time():.6f} {peak_rss_kib()}", flush=True)
        app.quit()

    def idle() -> None:
        print(f"interactive {time.time():.6f}", flush=True)
        data_loaded()

    QTimer.singleShot(0, idle)


def run_app(data_dir: Path, lang: str | None = None, *, quit_after_first_paint: bool = False) -> int:
    """Open GridPad on ``data_dir`` (created if needed); returns the exit code.

    ``quit_after_first_paint``: print what the first screen shows once it has painted its data, then
    quit (gridpad.ui.first_paint)."""
    from gridpad.ui.main_window import MainWindow, show_fitted

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("GridPad")
    app.setOrganizationName("gridpad")
    data_dir.mkdir(parents=True, exist_ok=True)
    ctx = make_context(app, data_dir, lang)
    window = MainWindow(ctx)
    show_fitted(window)
    if os.environ.get(STARTUP_PROBE):
        _probe_when_idle(app, ctx)
    if quit_after_first_paint:
        from gridpad.ui.first_paint import quit_after_first_paint as arm

        arm(app, window, ctx)
    try:
        return app.exec()
    finally:
        window.close()
        shutdown_context(ctx)
