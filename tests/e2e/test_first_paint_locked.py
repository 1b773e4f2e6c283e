"""A restart with a PIN set opens on the lock screen, not on the data: the real ``gridpad gui``
process with ``--quit-after-first-paint`` reports the lock screen as the first thing painted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.live_server import REPO

from gridpad.app.lock_settings import set_pin
from gridpad.app.pin_lock import lock_status
from gridpad.store.db import open_store

pytestmark = pytest.mark.slow


def _gui(data_dir: Path, lang: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    command = [sys.executable, "-m", "gridpad", "--data-dir", str(data_dir), "gui", "--lang", lang,
               "--quit-after-first-paint"]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=300,
                          check=False)


def test_a_restart_with_a_pin_paints_the_lock_screen_first(tmp_path: Path) -> None:
    seeded = subprocess.run([sys.executable, "-m", "gridpad", "--data-dir", str(tmp_path), "seed-demo",
                             "--persons", "40"], capture_output=True, text=True, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300, check=False)
    assert seeded.returncode == 0, seeded.stderr
    with open_store(tmp_path / "gridpad.sqlite") as store:
        set_pin(store, "739105", "739105", 5)
    for lang, shown in (("zh_CN", "first paint: lock shows 网格通已锁定"),
                        ("en", "first paint: lock shows GridPad is locked")):
        done = _gui(tmp_path, lang)
        assert done.returncode == 0, done.stderr[-3000:]
        [line] = [x for x in done.stdout.splitlines() if x.startswith("first paint:")]
        # The lock screen alone (its title and the PIN field's caption): no figure, name or status behind it.
        assert line == shown + " | PIN"
    with open_store(tmp_path / "gridpad.sqlite") as store:
        assert lock_status(store).state.failures == 0  # starting counts no wrong PIN
