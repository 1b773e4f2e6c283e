"""A headless GridPad app process driven through its real widgets (used by test_two_apps.py).

    python two_apps_gui_driver.py DATA_DIR BUILDING_ID ROOM_NO ID_NUMBER NAME PHONE

Opens the real main window (offscreen), goes to the building card, registers a tenant with the
tenant form (typing as key events), then presses Sync now on the sync screen and waits for the
sync to finish. Prints one JSON line with what it saw; exit 0 only if every step worked.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def wait_until(app: QApplication, cond: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise SystemExit(f"driver: timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.01)


def type_text(widget: QWidget, text: str) -> None:
    """Key events that carry text (Chinese included), as an input method would deliver them."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def main(argv: list[str]) -> int:
    data_dir, building_id, room_no, id_number, name, phone = argv
    app = QApplication(sys.argv[:1])
    from gridpad.ui.app import make_context
    from gridpad.ui.main_window import MainWindow
    from gridpad.ui.registry_screen import RegistryScreen
    from gridpad.ui.sync_screen import SyncScreen

    ctx = make_context(app, Path(data_dir), "en")
    window = MainWindow(ctx)
    window.resize(1280, 800)
    window.show()
    try:
        window.navigate("registry", building_id=building_id)
        reg = window.screens["registry"]
        assert isinstance(reg, RegistryScreen)
        wait_until(app, lambda: reg.building_page.detail is not None, "the building card")
        reg.building_page.register_button.click()
        form = reg.tenant_form
        wait_until(app, lambda: form.unit.findText(room_no) >= 0, "the room list of the tenant form")
        wait_until(app, lambda: ctx.db.pending == 0, "the form to load")
        type_text(form.id_number, id_number)
        type_text(form.name, name)
        type_text(form.phone, phone)
        form.unit.setCurrentIndex(form.unit.findText(room_no))
        form.relation.setCurrentIndex(form.relation.findData("01"))
        form.primary.click()
        wait_until(app, lambda: reg.pages.currentWidget() is reg.person_page
                   and reg.person_page.detail is not None, "the saved resident's page")
        shown_name = reg.person_page.name.value.text()

        window.navigate("sync")
        sync_screen = window.screens["sync"]
        assert isinstance(sync_screen, SyncScreen)
        finished: list[object] = []
        failed: list[str] = []
        ctx.sync.sync_finished.connect(finished.append)
        ctx.sync.sync_failed.connect(failed.append)
        wait_until(app, lambda: sync_screen.sync_button.isEnabled(), "the Sync now button")
        sync_screen.sync_button.click()
        wait_until(app, lambda: bool(finished or failed), "the sync to finish", timeout=60)
        if failed:
            raise SystemExit(f"driver: sync failed: {failed[0]}")
        wait_until(app, lambda: window.status_strip.outbox_label.text() == "Waiting to sync: 0",
                   "the status strip to show an empty outbox")
        print(json.dumps({"shown_name": shown_name, "pushed": getattr(finished[0], "pushed", None),
                          "strip": window.status_strip.outbox_label.text()}), flush=True)
    finally:
        window.close()
        ctx.sync.stop()
        ctx.db.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
