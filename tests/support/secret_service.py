"""A real Secret Service keyring for child processes: ``gnome-keyring-daemon`` on a private D-Bus
session bus (``dbus-run-session``), its login keyring unlocked with a known password.

    with secret_service(tmp_path) as ring:
        subprocess.run([...], env={**os.environ, **ring.env})   # keyring picks SecretService

``ring.env`` carries the bus address and keeps every keyring file under ``tmp_path``. Needs
``dbus-run-session`` and ``gnome-keyring-daemon`` (``bash scripts/setup --tests``); without them the
test fails under CI and is skipped only on a developer machine, like the PostgreSQL tests.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

PASSWORD = "gridpad-test"
SECRETS_NAME = "org.freedesktop.secrets"

# Inside the session: start the daemon (it reads the login password on stdin and unlocks, creating
# the login keyring on first use), say where the bus is, then wait to be stopped.
_SESSION = f"""
printf %s '{PASSWORD}' | gnome-keyring-daemon --foreground --unlock --components=secrets \
  >"$1/daemon.log" 2>&1 &
echo "$DBUS_SESSION_BUS_ADDRESS"
wait
"""


@dataclass(frozen=True)
class SecretService:
    env: dict[str, str]
    home: Path


def tools_problem() -> str | None:
    missing = [t for t in ("dbus-run-session", "gnome-keyring-daemon") if shutil.which(t) is None]
    return f"{' and '.join(missing)} not installed (bash scripts/setup --tests)" if missing else None


def require_tools() -> None:
    problem = tools_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"a real Secret Service keyring is needed under CI: {problem}")
        pytest.skip(problem)


def _has_owner(address: str, name: str) -> bool:
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    bus = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                      interface="org.freedesktop.DBus")
    with open_dbus_connection(bus=address) as conn:
        reply = conn.send_and_get_reply(new_method_call(bus, "NameHasOwner", "s", (name,)), timeout=5)
    return bool(reply.body[0])


@contextmanager
def secret_service(folder: Path, timeout: float = 30) -> Iterator[SecretService]:
    require_tools()
    home = folder / "keyring-home"
    home.mkdir(parents=True)
    # The daemon's control socket lives here: a short path (a socket path holds at most 107 bytes).
    runtime = Path(tempfile.mkdtemp(prefix="gkr-"))
    env = {"HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_CACHE_HOME": str(home / "cache"), "XDG_RUNTIME_DIR": str(runtime)}
    proc = subprocess.Popen(["dbus-run-session", "--", "sh", "-c", _SESSION, "session", str(home)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, **env}, start_new_session=True)
    try:
        assert proc.stdout is not None
        address = proc.stdout.readline().strip()
        assert address, f"dbus-run-session gave no bus address (exit {proc.poll()})"
        deadline = time.monotonic() + timeout
        while not _has_owner(address, SECRETS_NAME):
            log = (home / "daemon.log").read_text(errors="replace") if (home / "daemon.log").exists() else ""
            assert time.monotonic() < deadline, f"no Secret Service on the bus after {timeout} s: {log}"
            time.sleep(0.1)
        yield SecretService(env={**env, "DBUS_SESSION_BUS_ADDRESS": address}, home=home)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the session, its bus and the keyring daemon
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        shutil.rmtree(runtime, ignore_errors=True)
