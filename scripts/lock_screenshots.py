"""Render the lock screen's states to PNG (zh_CN and en, landscape and portrait) with demo data
behind it: waiting after wrong PINs, locked out (asks for IT's unlock code), choosing a new PIN.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/lock_screenshots.py [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402
from screenshots import LANGS, SIZES, TODAY, settle  # noqa: E402  (this script's folder is on sys.path)

from gridpad.app.lock_settings import set_pin  # noqa: E402
from gridpad.app.pin_lock import try_pin  # noqa: E402
from gridpad.config import db_path  # noqa: E402
from gridpad.core.pin_backoff import FREE_TRIES, LOCKOUT_AFTER  # noqa: E402
from gridpad.store.db import open_store  # noqa: E402
from gridpad.transfer.seed import seed_demo  # noqa: E402
from gridpad.ui.app import make_context, shutdown_context  # noqa: E402
from gridpad.ui.lock_overlay import Mode  # noqa: E402
from gridpad.ui.main_window import MainWindow  # noqa: E402


def prepare(data_dir: Path, wrong: int) -> None:
    """Demo data, a PIN, and ``wrong`` wrong PINs (each tried once its wait is over)."""
    with open_store(db_path(data_dir)) as store:
        seed_demo(store, 300, 1, today=TODAY)
        set_pin(store, "739105", "739105", 5)
        now = time.time() - 24 * 3600
        for _ in range(wrong):
            now += 3600
            try_pin(store, "1357", now)
        if wrong <= FREE_TRIES:
            return
        try_pin(store, "1357", time.time())  # the last one now: its wait is shown running


def render(app: QApplication, out: Path, name: str, wrong: int, mode: Mode | None = None) -> list[Path]:
    written = []
    with tempfile.TemporaryDirectory(prefix="gridpad-lock-") as tmp:
        data_dir = Path(tmp)
        prepare(data_dir, wrong)
        ctx = make_context(app, data_dir, LANGS[0])
        ctx.today = lambda: TODAY
        window = MainWindow(ctx)
        window.show()
        settle(ctx)
        overlay = ctx.lock.overlay
        assert overlay is not None and ctx.lock.locked
        if mode is not None:
            overlay.cover(mode)
        for lang in LANGS:
            ctx.i18n.set_language(lang)
            for width, height in SIZES:
                window.resize(width, height)
                ctx.lock.tick()
                settle(ctx)
                path = out / f"lock-{name}-{lang}-{width}x{height}.png"
                window.grab().save(str(path))
                written.append(path)
        window.close()
        shutdown_context(ctx)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots-out"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    written = render(app, out, "wait", FREE_TRIES + 1)
    written += render(app, out, "locked-out", LOCKOUT_AFTER - 1)
    written += render(app, out, "new-pin", LOCKOUT_AFTER - 1, Mode.NEW_PIN)
    print(f"{len(written)} screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
