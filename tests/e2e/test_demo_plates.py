"""The demo's door plates print with one command while ``gridpad demo`` runs (its device credential
lives in that process only: no OS keyring here), and the printed plate scans back to its building."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import demo_env, gridpad, running_demo
from support.live_server import REPO

pytestmark = pytest.mark.slow


def test_demo_plates_print_while_the_demo_runs_and_scan_back(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    env = demo_env()
    with running_demo(data) as proc:
        assert proc.poll() is None, "the demo ended early"
        plain = gridpad(data, "plates", "--out", str(tmp_path / "plain.pdf"), env=env)
        assert plain.returncode == 2  # no credential this process can read: says what to run
        assert "gridpad plates --demo" in plain.stderr and "Traceback" not in plain.stderr

        out = tmp_path / "plates.png"
        # The README's command, with --data-dir after the subcommand as a user may type it.
        r = subprocess.run([sys.executable, "-m", "gridpad", "plates", "--demo", "--data-dir", str(data),
                            "--out", str(out)], capture_output=True, text=True, env=env, cwd=REPO,
                           timeout=120, check=False)
        assert r.returncode == 0, r.stderr
        first = Path(r.stdout.split()[0])
        assert first.is_file()
        scan = gridpad(data, "scan", str(first), env=env)
        assert scan.returncode == 0, scan.stdout + scan.stderr
        image, building_id, _address = scan.stdout.strip().split("\t")
        assert image == str(first) and building_id  # a plate of a building on this tablet
