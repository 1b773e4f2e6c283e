"""Render every main screen to PNG, with demo data, in zh_CN and en, landscape and portrait.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [--out DIR] [--persons N] [--docs]

Seeds a fictional grid into a temporary data dir (same seed, same pictures), opens the real main
window and grabs each screen once the database worker is idle. ``--docs`` also copies the
registry and registration screens (zh_CN, 1280×800) to docs/screenshots/ for the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEvent, Qt  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from gridpad.config import db_path  # noqa: E402
from gridpad.store.db import open_store  # noqa: E402
from gridpad.transfer.seed import seed_demo  # noqa: E402
from gridpad.ui.app import make_context, shutdown_context  # noqa: E402
from gridpad.ui.context import AppContext  # noqa: E402
from gridpad.ui.main_window import MainWindow  # noqa: E402
from gridpad.ui.registry_screen import RegistryScreen  # noqa: E402

TODAY = dt.date(2026, 11, 26)
SIZES = ((1280, 800), (800, 1280))
LANGS = ("zh_CN", "en")
DOCS = {"registry": "registry", "register": "register"}


def settle(ctx: AppContext, seconds: float = 0.25) -> None:
    """Run the event loop until the DB worker is idle, then a little longer for repaints."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        if ctx.db.pending == 0:
            break
        time.sleep(0.005)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.005)


def type_text(widget: QWidget, text: str) -> None:
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def pick_ids(data_dir: Path) -> dict[str, str]:
    """A busy building, one of its rooms and a resident, for the detail screens."""
    store = open_store(db_path(data_dir))
    try:
        q = store.db.execute
        building = q("SELECT building_id FROM tenancy WHERE move_out_at IS NULL AND _deleted = 0 "
                     "GROUP BY building_id ORDER BY count(*) DESC, building_id LIMIT 1").fetchone()[0]
        unit = q("SELECT unit_id FROM tenancy WHERE building_id = ? AND move_out_at IS NULL "
                 "AND unit_id IS NOT NULL "
                 "GROUP BY unit_id ORDER BY count(*) DESC, unit_id LIMIT 1", (building,)).fetchone()[0]
        person, number, tenancy = q(
            "SELECT p.id, p.id_number, t.id FROM tenancy t JOIN person p ON p.id = t.person_id "
            "WHERE t.unit_id = ? AND t.move_out_at IS NULL ORDER BY p.id LIMIT 1", (unit,)).fetchone()
        other = q("SELECT id FROM building WHERE id != ? ORDER BY id LIMIT 1", (building,)).fetchone()[0]
    finally:
        store.close()
    return {"building": building, "unit": unit, "person": person, "id_number": number, "tenancy": tenancy,
            "other_building": other}


def registry_screen(window: MainWindow) -> RegistryScreen:
    reg = window.screens["registry"]
    assert isinstance(reg, RegistryScreen)
    return reg


def screens(window: MainWindow, ids: dict[str, str]) -> list[tuple[str, Callable[[], None]]]:
    reg = registry_screen(window)

    def registry() -> None:
        window.navigate("registry")
        reg.search.clear()
        reg.go("list")

    def search() -> None:
        registry()
        type_text(reg.search, "zw")
        reg._run_search()

    def fresh_form() -> None:
        from gridpad.app.drafts import discard_all_drafts

        window.ctx.db.call(discard_all_drafts)  # each picture starts from an empty form
        settle(window.ctx)

    def register() -> None:
        registry()
        fresh_form()
        reg.go("tenant_new", ids["building"], ids["unit"])
        settle(window.ctx)
        form = reg.tenant_form
        type_text(form.id_number, "430524199604113516")
        type_text(form.name, "刘晓东")
        form.ethnicity.setCurrentIndex(form.ethnicity.findData("01"))
        type_text(form.hukou, "湖南省邵阳市隆回县")
        type_text(form.phone, "1380013800")

    def register_error() -> None:
        register()
        form = reg.tenant_form
        form.id_number.clear()
        type_text(form.id_number, "430524199604113510")
        type_text(form.phone, "0")

    def duplicate() -> None:
        registry()
        fresh_form()
        reg.go("tenant_new", ids["building"], None)
        settle(window.ctx)
        type_text(reg.tenant_form.id_number, ids["id_number"])
        time.sleep(0.4)  # the duplicate check runs after a short typing pause
        settle(window.ctx)

    def move_here() -> None:
        """A resident of another building registered here: the card, then Move them here."""
        registry()
        fresh_form()
        reg.go("tenant_new", ids["other_building"], None)
        settle(window.ctx)
        form = reg.tenant_form
        type_text(form.id_number, ids["id_number"])
        time.sleep(0.4)
        settle(window.ctx)
        adopt = form.known
        if adopt is not None:
            form.adopt(adopt)
        if form.unit.count() > 1:
            form.unit.setCurrentIndex(1)

    def move_out() -> None:
        registry()
        fresh_form()
        reg.go("move_out", ids["tenancy"], ids["person"])

    def registry_then(page: str, key: str) -> Callable[[], None]:
        def show() -> None:
            registry()
            reg.go(page, ids[key])
        return show

    def fresh_registry() -> None:
        fresh_form()
        registry()

    return [
        ("today", lambda: window.navigate("today")),
        ("registry", fresh_registry),
        ("search", search),
        ("building", registry_then("building", "building")),
        ("unit", registry_then("unit", "unit")),
        ("person", registry_then("person", "person")),
        ("register", register),
        ("register-error", register_error),
        ("register-duplicate", duplicate),
        ("register-move-here", move_here),
        ("move-out", move_out),
        ("building-form", registry_then("building_form", "building")),
        ("scan", lambda: window.navigate("scan")),
        ("inspections", lambda: window.navigate("inspections")),
        ("hazards", lambda: window.navigate("hazards")),
        ("sync", lambda: window.navigate("sync")),
        ("settings", lambda: window.navigate("settings")),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots-out"))
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--docs", action="store_true", help="also update docs/screenshots/")
    parser.add_argument("--only", help="comma-separated screen names")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory(prefix="gridpad-shots-") as tmp:
        data_dir = Path(tmp)
        store = open_store(db_path(data_dir))
        try:
            seed_demo(store, args.persons, 1, today=TODAY)
        finally:
            store.close()
        ids = pick_ids(data_dir)
        ctx = make_context(app, data_dir, LANGS[0])
        ctx.today = lambda: TODAY
        window = MainWindow(ctx)
        window.show()
        wanted = set(args.only.split(",")) if args.only else None
        written = []
        for lang in LANGS:
            ctx.i18n.set_language(lang)
            settle(ctx)
            for width, height in SIZES:
                window.resize(width, height)
                settle(ctx)
                for name, show in screens(window, ids):
                    if wanted and name not in wanted:
                        continue
                    show()
                    settle(ctx)
                    path = out / f"{name}-{lang}-{width}x{height}.png"
                    window.grab().save(str(path))
                    written.append(path)
                    if args.docs and lang == "zh_CN" and (width, height) == SIZES[0] and name in DOCS:
                        docs = ROOT / "docs" / "screenshots"
                        docs.mkdir(parents=True, exist_ok=True)
                        shutil.copy(path, docs / path.name)
        for form in (registry_screen(window).tenant_form,):
            form.discard_draft()
        window.close()
        shutdown_context(ctx)
    print(f"{len(written)} screenshots in {out}")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # Skip interpreter teardown: zxing-cpp's nanobind bindings (loaded by the Scan screen) can
    # crash Python's final garbage collection ("bool_dealloc") after all work is done.
    os._exit(code)
