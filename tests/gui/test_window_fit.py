"""The window opens fitted to the screen it is on (issue 10.9): maximised on a tablet's 800×1280
portrait or 1280×800 landscape screen, every screen of the app reachable inside it. Each size runs
the real start-up path (``show_fitted``) in a child process whose offscreen screen has that size."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from registry_support import seed_small
from support.live_server import REPO

CHILD = r'''
import json, sys, time
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QPushButton
from gridpad.ui.app import make_context, shutdown_context
from gridpad.ui.main_window import MainWindow, show_fitted

app = QApplication(sys.argv[:1])
ctx = make_context(app, Path(sys.argv[1]), "zh_CN")
window = MainWindow(ctx)
show_fitted(window)

def settle():
    end = time.monotonic() + 0.4
    while time.monotonic() < end or ctx.db.pending:
        QCoreApplication.processEvents()
        time.sleep(0.01)

settle()
area = window.screen().availableGeometry()
report = {"area": [area.width(), area.height()], "maximized": window.isMaximized(),
          "portrait": window.rail.property("orientation") == "horizontal", "screens": {}}
for key in list(window.screens):
    window.navigate(key)
    settle()
    frame = window.frameGeometry()
    # Buttons shown on the screen (scrolled content aside) must lie inside the visible window.
    screen = window.screens[key]
    outside = [b.text() for b in screen.findChildren(QPushButton) if b.isVisible()
               and b.objectName() == "primary"
               and not window.rect().contains(b.mapTo(window, b.rect().bottomRight()))]
    report["screens"][key] = {"frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                              "outside": outside}
print(json.dumps(report))
window.close()
shutdown_context(ctx)
'''


@pytest.mark.parametrize("size", [(800, 1280), (1280, 800)])
def test_the_window_fits_a_tablet_screen_in_either_orientation(tmp_path: Path, size: tuple[int, int]) -> None:
    width, height = size
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "tablet", "x": 0, "y": 0, "width": width,
                                               "height": height, "logicalDpi": 96, "logicalBaseDpi": 96,
                                               "dpr": 1}]}))
    data = tmp_path / "data"
    seed_small(data)
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, "-c", CHILD, str(data)], capture_output=True, text=True, env=env,
                       cwd=REPO, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout.strip().splitlines()[-1])
    assert report["area"] == [width, height]
    assert report["maximized"]
    assert report["portrait"] == (width < height)  # the rail is a bottom bar on a portrait screen
    for key, shown in report["screens"].items():
        x, y, w, h = shown["frame"]
        assert x >= 0 and y >= 0 and x + w <= width and y + h <= height, (key, shown["frame"])
        assert shown["outside"] == [], key
