"""Start the app: QApplication, bundled font, stylesheet, translations, DB worker, main window."""

from __future__ import annotations

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
from gridpad.ui.resources import load_theme, register_fonts, register_icon_path

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
    i18n = Translations(app, prefs=data_dir / "ui.json")
    i18n.start(lang)
    db = DbClient(db_path(data_dir), app)
    drafts = Drafts(db)
    # The first request opens the store (and imports sqlite-utils) on the DB thread while the window
    # is built; it also moves drafts an older version kept as files into the store.
    drafts.adopt_files(data_dir)
    return AppContext(data_dir=data_dir, db=db, theme=theme, i18n=i18n, drafts=drafts)


def shutdown_context(ctx: AppContext) -> None:
    """Stop the worker threads (sync first: it may be mid-push). Sync is made on first use by
    ``gridpad.ui.sync_worker.shared_controller`` (status strip, sync and settings screens)."""
    if ctx.sync is not None:
        ctx.sync.stop()
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
    from gridpad.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("GridPad")
    app.setOrganizationName("gridpad")
    data_dir.mkdir(parents=True, exist_ok=True)
    ctx = make_context(app, data_dir, lang)
    window = MainWindow(ctx)
    window.resize(1280, 800)
    window.show()
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
