"""``gridpad gui/demo --quit-after-first-paint``: the real command opens the window, waits until
Today has painted its data, prints what it shows and exits 0 (offscreen, and the real xcb window
under Xvfb); a checkout without built translations says so in one line instead."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from support.live_server import REPO

from gridpad.store import views
from gridpad.store.db import open_store

pytestmark = pytest.mark.slow


def _gridpad(data_dir: Path, *args: str, platform: str = "offscreen", wrap: tuple[str, ...] = (),
             pythonpath: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env.update(QT_QPA_PLATFORM=platform, PYTHONPATH=str(pythonpath))
    return subprocess.run([*wrap, sys.executable, "-m", "gridpad", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=env, cwd=pythonpath, timeout=300, check=False)


def _figures(line: str) -> dict[str, int]:
    found = re.search(r"\(buildings=(\d+) rooms=(\d+) residents=(\d+) over_limit=(\d+) due=(\d+)\)", line)
    assert found, line
    return dict(zip(("buildings", "rooms", "residents", "over_limit", "due"), map(int, found.groups()),
                    strict=True))


def _expected(data_dir: Path) -> dict[str, int]:
    with open_store(data_dir / "gridpad.sqlite") as store:
        s = views.today_summary(store, dt.date.today())
    return {"buildings": s.buildings, "rooms": s.units, "residents": s.residents,
            "over_limit": s.over_limit_units, "due": len(s.due)}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("seeded")
    done = _gridpad(data, "seed-demo", "--persons", "60")
    assert done.returncode == 0, done.stderr
    return data


def _first_paint(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr[-3000:]
    [line] = [x for x in done.stdout.splitlines() if x.startswith("first paint:")]
    return line


def test_gui_reports_what_today_painted(seeded: Path) -> None:
    line = _first_paint(_gridpad(seeded, "gui", "--lang", "zh_CN", "--quit-after-first-paint"))
    assert line.startswith("first paint: today shows 今日任务 | "), line
    figures = _figures(line)
    assert figures == _expected(seeded)
    assert figures["residents"] > 0
    # The figures are what the screen shows next to their captions.
    assert f"| {figures['buildings']} | 楼栋 |" in line and f"| {figures['residents']} | 在住人员 |" in line
    assert line.endswith("从未同步")  # the status strip: this tablet never synced


def test_gui_in_english(seeded: Path) -> None:
    line = _first_paint(_gridpad(seeded, "gui", "--lang", "en", "--quit-after-first-paint"))
    assert line.startswith("first paint: today shows Today | "), line


def test_the_real_xcb_window_under_xvfb(seeded: Path) -> None:
    xvfb_run = shutil.which("xvfb-run")
    if xvfb_run is None:
        if os.environ.get("CI"):
            pytest.fail("xvfb-run is needed under CI (bash scripts/setup --tests)")
        pytest.skip("xvfb-run not installed (bash scripts/setup --tests)")
    done = _gridpad(seeded, "gui", "--quit-after-first-paint", platform="xcb", wrap=(xvfb_run, "-a"))
    assert "Could not load the Qt platform plugin" not in done.stderr
    assert _figures(_first_paint(done)) == _expected(seeded)


def test_demo_paints_then_stops_its_server(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    done = _gridpad(data, "demo", "--persons", "40", "--quit-after-first-paint")
    line = _first_paint(done)
    assert _figures(line) == _expected(data)
    assert "; status: " in line and "从未同步" not in line  # the demo synced before opening the window
    port = int((data / "demo-server" / "port").read_text())
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # the local server stopped with the demo


def test_a_checkout_without_built_translations_says_so(seeded: Path, tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    for part in ("gridpad", "sync", "resources"):
        shutil.copytree(REPO / part, checkout / part, ignore=shutil.ignore_patterns("*.qm", "__pycache__"))
    done = _gridpad(seeded, "gui", "--lang", "zh_CN", "--quit-after-first-paint", pythonpath=checkout)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        f"gridpad gui: the zh_CN translation is not built ({checkout}/resources/i18n/gridpad_zh_CN.qm "
        "is missing): run `bash scripts/setup` to build the translations")
    assert "first paint" not in done.stdout
    english = _gridpad(seeded, "gui", "--lang", "en", "--quit-after-first-paint", pythonpath=checkout)
    assert _first_paint(english).startswith("first paint: today shows Today")
