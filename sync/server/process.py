"""``gridpad-server serve`` as a child process: for ``gridpad demo`` and the tests.

The readiness probe uses the standard library, so the app side needs nothing of the server's stack.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

_PR_SET_PDEATHSIG = 1


class ServerStartError(RuntimeError):
    """The server exited, or did not answer in time; the message says which and where the log is."""


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "sync.server.cli", *args]


def _answers(url: str, context: ssl.SSLContext | None) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=1, context=context) as reply:
            return bool(reply.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _die_with_parent() -> None:
    """Linux: SIGTERM the child when its parent dies, however it dies (kill -9 included)."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def start(args: Sequence[str], *, url: str, log_path: Path, timeout: float = 30,
          context: ssl.SSLContext | None = None, cwd: Path | None = None,
          env: Mapping[str, str] | None = None, with_parent: bool = False) -> subprocess.Popen[bytes]:
    """Start ``gridpad-server ARGS`` logging to ``log_path``; return once ``url`` answers.

    ``with_parent``: the server ends when this process does (Linux), so a killed ``gridpad demo``
    leaves no server behind."""
    preexec = _die_with_parent if with_parent and sys.platform.startswith("linux") else None
    with log_path.open("ab") as log:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(command(*args), stdout=log, stderr=log, cwd=cwd, preexec_fn=preexec,
                                env=dict(env) if env is not None else dict(os.environ))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerStartError(f"gridpad-server exited; see {log_path}")
        if _answers(url, context):
            return proc
        time.sleep(0.05)
    stop(proc)
    raise ServerStartError(f"gridpad-server did not answer in {timeout:g} s; see {log_path}")


def stop(proc: subprocess.Popen[bytes] | None, timeout: float = 10) -> None:
    """Terminate, then kill if it does not go."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout)
