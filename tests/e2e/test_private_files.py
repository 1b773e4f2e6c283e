"""Issue #9, item 9: data dirs 0700 and files 0600 on both sides, fresh and repaired at start.

The server's SQLite file holds the token-signing key and the tablet's holds a grid's ID numbers;
on a shared machine the file mode is their only protection. Real ``gridpad-server`` and ``gridpad``
processes; modes read from the file system.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from support.live_server import REPO, Api, running_server

from gridpad.store.db import open_store


def _modes(root: Path) -> dict[str, str]:
    """Every dir and file under ``root`` (itself included) -> its mode in octal."""
    out = {".": oct(stat.S_IMODE(root.stat().st_mode))}
    for path in root.rglob("*"):
        out[str(path.relative_to(root))] = oct(stat.S_IMODE(path.lstat().st_mode))
    return out


def _private(modes: dict[str, str], root: Path) -> dict[str, str]:
    """The entries of ``modes`` that are not 0700 dirs or 0600 files (should be none)."""
    bad = {}
    for name, mode in modes.items():
        want = "0o700" if (root / name).is_dir() else "0o600"
        if mode != want:
            bad[name] = mode
    return bad


def _loosen(root: Path) -> None:
    """As an older version (umask 022) left the tree: dirs 0755, files 0644."""
    root.chmod(0o755)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.slow
def test_the_servers_data_dir_is_private_fresh_and_after_a_restart_on_an_open_tree(tmp_path: Path) -> None:
    data = tmp_path / "server-data"
    with running_server(data) as server:
        scope = server.new_scope()
        api = Api(server.url)
        assert api.enroll(scope.code).status_code == 200
        photo = b"a photo"
        r = api.http.put(f"/v1/photos/{hashlib.sha256(photo).hexdigest()}", content=photo,
                         headers={**api.auth, "Content-Type": "application/octet-stream"})
        assert r.status_code == 200, r.text
        api.close()
        modes = _modes(data)
        for name in ("server.sqlite3", "identity_key.pem", "plate_keys", "photos"):
            assert name in modes
        assert any(n.endswith(".pem") for n in modes if n.startswith("plate_keys/"))
        assert _private(modes, data) == {}

    _loosen(data)
    assert _modes(data)["server.sqlite3"] == "0o644"
    with running_server(data):
        assert _private(_modes(data), data) == {}


def _gridpad(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "gridpad", "--data-dir", str(data), *args],
                          capture_output=True, text=True, env=env, timeout=120, cwd=REPO)


def test_the_tablets_data_dir_is_private_fresh_and_after_a_start_on_an_open_tree(tmp_path: Path) -> None:
    data = tmp_path / "tablet"
    done = _gridpad(data, "seed-demo", "--persons", "20")
    assert done.returncode == 0, done.stderr
    assert _private(_modes(data), data) == {}
    assert "gridpad.sqlite" in _modes(data)

    store = open_store(data / "gridpad.sqlite")  # -wal and -shm exist while a connection is open
    (data / "photos").mkdir(mode=0o755, exist_ok=True)
    (data / "photos" / ("ab" * 32)).write_bytes(b"photo")
    (data / "export.csv").write_text("name\n刘洋\n", encoding="utf-8")
    _loosen(data)
    assert _modes(data)["gridpad.sqlite"] == "0o644"
    done = _gridpad(data, "search", "刘")
    assert done.returncode == 0, done.stderr
    modes = _modes(data)
    store.close()
    assert {"gridpad.sqlite-wal", "gridpad.sqlite-shm", "photos", f"photos/{'ab' * 32}"} <= set(modes)
    assert _private(modes, data) == {}
