"""``gridpad enroll`` on a machine whose keyring cannot hold the device credential refuses before
the one-time code is spent, in one line, with a non-zero exit; the same code then enrolls the device
once a working keyring is there (real CLI child processes, a real server)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.live_server import REPO, ServerProcess, running_server

from sync import hlc
from sync.server import admin

#: PYTHON_KEYRING_BACKEND values of machines without a usable keyring, and what the refusal names.
UNUSABLE: dict[str, tuple[str | None, str]] = {
    "bare_machine": (None, "no OS keyring"),  # nothing configured, no D-Bus session: keyring's own choice
    "none": ("keyring.backends.fail.Keyring", "no OS keyring"),
    "misconfigured": ("keyring.backends.no_such_module.Keyring", "misconfigured"),
    "no_such_class": ("keyring.backends.null.NoSuchKeyring", "misconfigured"),
    "refuses_to_store": ("support.broken_keyrings.RefusingKeyring", "the collection is locked"),
    "forgets": ("keyring.backends.null.Keyring", "did not give back"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with running_server(tmp_path_factory.mktemp("srv")) as running:
        admin.add_grid(running.engine, "G1", "乌沙第一网格")
        yield running


def _code(server: ServerProcess, user: str) -> str:
    admin.add_user(server.engine, user, "manager", ["G1"])
    return admin.issue_code(server.engine, user, hlc.now_ms())


def _gridpad(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # No keyring configuration or D-Bus session of this machine's user leaks in.
    base = {k: v for k, v in os.environ.items()
            if k not in ("PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS")}
    base["XDG_CONFIG_HOME"] = str(data_dir.parent / "config")
    return subprocess.run(
        [sys.executable, "-m", "gridpad", "--data-dir", str(data_dir), *args],
        capture_output=True, text=True, timeout=120, cwd=REPO, check=False,
        env={**base, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'tests'}", **env})


def _enroll(data_dir: Path, server: ServerProcess, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return _gridpad(data_dir, "enroll", "--server", server.url, "--code", code, **env)


def _devices(server: ServerProcess) -> list[str]:
    return server.admin_cli("devices").stdout.splitlines()[1:]


@pytest.mark.parametrize("case", list(UNUSABLE))
def test_enroll_refuses_before_spending_the_code(case: str, server: ServerProcess, tmp_path: Path) -> None:
    backend, reason = UNUSABLE[case]
    code = _code(server, f"user-{case}")
    before = _devices(server)

    refused = _enroll(tmp_path / "tablet", server, code,
                      **({} if backend is None else {"PYTHON_KEYRING_BACKEND": backend}))

    assert refused.returncode != 0, refused.stdout
    assert "enrolled" not in refused.stdout
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gridpad enroll: "), refused.stderr
    assert reason in lines[0]
    assert _devices(server) == before  # the server registered no device: the code was not spent

    ring = tmp_path / "ring"  # the same code works once the tablet has a keyring
    done = _enroll(tmp_path / "tablet", server, code,
                   PYTHON_KEYRING_BACKEND="support.file_keyring.FileKeyring",
                   GRIDPAD_TEST_KEYRING_DIR=str(ring))
    assert done.returncode == 0, done.stderr
    assert f"for user-{case} (manager), grids: G1" in done.stdout


@pytest.mark.parametrize("case", ["none", "misconfigured"])
def test_sync_without_a_usable_keyring_says_so_in_one_line(case: str, server: ServerProcess,
                                                            tmp_path: Path) -> None:
    """The keyring was there at enrollment and is gone (or broken) at sync: one line naming the
    keyring, not a traceback."""
    ring = tmp_path / "ring"
    data = tmp_path / "tablet"
    done = _enroll(data, server, _code(server, f"sync-{case}"),
                   PYTHON_KEYRING_BACKEND="support.file_keyring.FileKeyring",
                   GRIDPAD_TEST_KEYRING_DIR=str(ring))
    assert done.returncode == 0, done.stderr
    backend = UNUSABLE[case][0]
    assert backend is not None
    r = _gridpad(data, "sync", PYTHON_KEYRING_BACKEND=backend)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gridpad sync: the OS keyring cannot be read ("), r.stderr
