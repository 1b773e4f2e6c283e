"""The ``gridpad`` command as a child process on a data dir, for tests of what a user sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GRID = "44190000500101"


def gridpad(data: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(gridpad_command(data, *args), capture_output=True, text=True, env=gridpad_env(env),
                          timeout=120, cwd=REPO)


def gridpad_command(data: Path, *args: str) -> list[str]:
    """``gridpad --data-dir DATA ARGS`` as this interpreter runs it (e.g. for a Popen to kill)."""
    return [sys.executable, "-m", "gridpad", "--data-dir", str(data), *args]


def gridpad_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child ``gridpad``: this checkout's code (and tests/support) first."""
    return {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'tests'}", **(env or {})}


def demo_env() -> dict[str, str]:
    """What ``gridpad demo`` runs with in the tests: offscreen Qt, the demo's own (file) keyring."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


@contextmanager
def running_demo(data: Path, persons: int = 50) -> Iterator[subprocess.Popen[str]]:
    """``gridpad demo`` started and past its first sync (the window is open); killed at the end."""
    proc = subprocess.Popen([sys.executable, "-m", "gridpad", "--data-dir", str(data), "demo",
                             "--persons", str(persons)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=demo_env(), cwd=REPO)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # the app is open once the first sync has been reported
            if "pushed" in line:
                break
        yield proc
    finally:
        proc.kill()
        proc.wait(30)
        if proc.stdout is not None:
            proc.stdout.close()


def file_keyring_env(ring: Path) -> dict[str, str]:
    """Environment for a child ``gridpad`` whose keyring is a folder of files
    (``support.file_keyring``): a tablet's OS keyring in tests without a desktop session."""
    return {"PYTHON_KEYRING_BACKEND": "support.file_keyring.FileKeyring",
            "GRIDPAD_TEST_KEYRING_DIR": str(ring)}


def one_line_error(r: subprocess.CompletedProcess[str], command: str) -> str:
    """The single stderr line of a failed command (asserts there is nothing else: no traceback,
    no Python warning)."""
    assert r.returncode != 0
    assert "Traceback" not in r.stderr and "Warning" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"gridpad {command}: "), r.stderr
    return lines[0]


def jsonl(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def grid_line(grid: str = GRID) -> dict[str, object]:
    return {"table": "grid", "id": grid, "fields": {"grid_id": grid, "code": grid, "name": "测试网格"}}
