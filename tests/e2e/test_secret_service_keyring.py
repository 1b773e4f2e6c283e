"""Enroll and sync through a real OS keyring: GNOME Keyring's Secret Service on a private D-Bus
session (support.secret_service), the real ``gridpad enroll`` / ``gridpad sync`` child processes and
a real server. The in-memory keyring the other tests use is not involved: these run in children
that pick their keyring as on a tablet."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from support.live_server import REPO, ServerProcess, running_server
from support.secret_service import SecretService, secret_service

from sync import hlc
from sync.server import admin

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with running_server(tmp_path_factory.mktemp("srv")) as running:
        admin.add_grid(running.engine, "G1", "乌沙第一网格")
        yield running


@pytest.fixture
def ring(tmp_path: Path) -> Iterator[SecretService]:
    with secret_service(tmp_path) as service:
        yield service


def _env(ring: SecretService) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    return {**base, **ring.env, "PYTHONPATH": str(REPO)}


def _gridpad(ring: SecretService, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gridpad", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=_env(ring), timeout=120, cwd=REPO,
                          check=False)


def _keyring(ring: SecretService, code: str) -> str:
    """Run ``code`` with ``keyring`` imported in a child on the same session; its stdout."""
    done = subprocess.run([sys.executable, "-c", f"import keyring\n{code}"], capture_output=True,
                          text=True, env=_env(ring), timeout=60, check=True)
    return done.stdout.strip()


def _code(server: ServerProcess, user: str) -> str:
    admin.add_user(server.engine, user, "manager", ["G1"])
    return admin.issue_code(server.engine, user, hlc.now_ms())


def test_enroll_and_sync_keep_the_credential_in_the_secret_service(
        server: ServerProcess, ring: SecretService, tmp_path: Path) -> None:
    assert _keyring(ring, "print(type(keyring.get_keyring()).__module__)") == "keyring.backends.SecretService"
    tablet = tmp_path / "tablet"

    enrolled = _gridpad(ring, tablet, "enroll", "--server", server.url, "--code", _code(server, "王小明"))
    assert enrolled.returncode == 0, enrolled.stderr
    assert "for 王小明 (manager), grids: G1" in enrolled.stdout
    device_id = enrolled.stdout.split()[2]

    secret = _keyring(ring, f"print(keyring.get_password('gridpad', '{device_id}') or '')")
    assert len(secret) >= 16  # the credential is in GNOME Keyring …
    for file in tablet.rglob("*"):  # … and in no file of the tablet's data
        assert not file.is_file() or secret.encode() not in file.read_bytes(), file
    assert _keyring(ring, "print(keyring.get_password('gridpad', 'gridpad-keyring-check'))") == "None"

    synced = _gridpad(ring, tablet, "sync")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.startswith("pushed 0, pulled 1, conflicts 0"), synced.stdout  # the grid came down

    # The keyring is where the credential lives: without it the tablet is not enrolled.
    _keyring(ring, f"keyring.delete_password('gridpad', '{device_id}')")
    lost = _gridpad(ring, tablet, "sync")
    assert lost.returncode != 0
    assert "not enrolled" in lost.stderr


def test_the_keyring_refuses_once_its_daemon_is_gone(server: ServerProcess, tmp_path: Path) -> None:
    """A tablet whose keyring daemon has stopped is a machine without a keyring: enroll refuses and
    the code stays usable for when the keyring is back."""
    code = _code(server, "陈美玲")
    with secret_service(tmp_path / "first") as gone:
        pass  # the session, its bus and the daemon have ended; its address is left behind
    refused = _gridpad(gone, tmp_path / "tablet", "enroll", "--server", server.url, "--code", code)
    assert refused.returncode != 0
    assert refused.stderr.startswith("gridpad enroll: no OS keyring"), refused.stderr
    with secret_service(tmp_path / "second") as back:
        done = _gridpad(back, tmp_path / "tablet", "enroll", "--server", server.url, "--code", code)
    assert done.returncode == 0, done.stderr


@pytest.mark.os_keyring
def test_the_check_before_enrolling_leaves_nothing_in_the_keyring(
        ring: SecretService, monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends import SecretService as SecretServiceBackend

    from gridpad.sync_client import credentials

    for name, value in ring.env.items():
        monkeypatch.setenv(name, value)
    keyring.set_keyring(SecretServiceBackend.Keyring())
    assert credentials.keyring_problem() is None
    assert keyring.get_password(credentials.SERVICE, credentials.PROBE_USER) is None
    assert _keyring(ring, "import secretstorage\n"
                          "c = secretstorage.get_default_collection(secretstorage.dbus_init())\n"
                          "print(len(list(c.get_all_items())))") == "0"
