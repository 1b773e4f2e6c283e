"""The installer: ``build_installer.py`` builds the PyInstaller bundle and the .deb, and the frozen
``gridpad`` works from a clean environment (no venv, no PYTHONPATH, not in the checkout).

One build per module (about 1.5-3 minutes on the 2-core machine), baked with a real test server's
URL so the frozen ``gridpad enroll --code`` is checked against it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.live_server import REPO, ServerProcess, running_server
from support.secret_service import secret_service

from gridpad import __version__

pytestmark = pytest.mark.slow


@dataclass
class Built:
    bundle: Path
    deb: Path
    server: ServerProcess
    home: Path

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = 120,
            ) -> subprocess.CompletedProcess[str]:
        """The frozen ``gridpad`` with a bare environment, as on a fresh tablet."""
        clean = {"HOME": str(self.home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                 "GRIDPAD_HOME": str(self.home / "data"), **(env or {})}
        return subprocess.run([str(self.bundle / "gridpad"), *args], capture_output=True, text=True,
                              env=clean, cwd=self.home, timeout=timeout)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    root = tmp_path_factory.mktemp("installer")
    with running_server(root / "server") as server:
        dist, work = root / "dist", root / "work"
        done = subprocess.run(
            [sys.executable, str(REPO / "build_installer.py"), "--distpath", str(dist), "--workpath",
             str(work), "--server-url", server.url, "--deb"],
            capture_output=True, text=True, cwd=REPO, timeout=600,
            env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
        assert done.returncode == 0, done.stderr[-4000:]
        [deb] = dist.glob("gridpad_*.deb")
        home = root / "home"
        home.mkdir()
        yield Built(dist / "gridpad", deb, server, home)
        for folder in (work, dist):  # ~650 MB together: not for pytest's kept temp dirs
            shutil.rmtree(folder, ignore_errors=True)


def test_frozen_cli_seeds_searches_and_exports(built: Built) -> None:
    assert built.run("--version").stdout.strip() == f"gridpad {__version__}"
    seeded = built.run("seed-demo", "--persons", "200")
    assert seeded.returncode == 0, seeded.stderr
    assert "person\t200" in seeded.stdout

    found = built.run("search", "张", "--limit", "5")
    assert found.returncode == 0, found.stderr
    hits = [json.loads(line) for line in found.stdout.splitlines()]
    assert hits and all(h["kind"] == "person" and h["title"].startswith("张") for h in hits)
    assert all("*" in h["subtitle"] for h in hits)  # ID numbers and phones stay masked

    out = built.home / "registry.jsonl"
    exported = built.run("export", "--format", "jsonl", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    tables = [json.loads(line)["table"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert tables.count("person") == 200


def test_frozen_scan_and_enroll_with_the_baked_server_url(built: Built, tmp_path: Path) -> None:
    cli = built.server.admin_cli
    cli("grid", "add", "G1", "--name", "乌沙第一网格")
    roster = tmp_path / "users.csv"
    roster.write_text("name,role,grids\n李华,manager,G1\n", encoding="utf-8")
    # No --server: the QR holds only the code, as for tablets whose installer knows the server.
    cli("enroll-codes", "--users-file", str(roster), "--out", str(tmp_path / "codes"))
    [png] = (tmp_path / "codes").glob("*.png")
    code = (tmp_path / "codes" / "codes.csv").read_text(encoding="utf-8-sig").splitlines()[1].split(",")[3]
    for backend in ("zxing", "zbar"):  # both native decoders load from the bundle / the system
        scanned = built.run("scan", "--raw", "--backend", backend, str(png))
        assert (scanned.returncode, scanned.stdout.strip()) == (0, code), scanned.stderr

    # The tablet's OS keyring: GNOME Keyring's Secret Service on a D-Bus session of its own. It
    # proves the frozen keyring finds that backend (secretstorage, jeepney), and enroll reaches the
    # baked server without --server.
    with secret_service(tmp_path) as ring:
        enrolled = built.run("enroll", "--code", code, env=ring.env)
    assert enrolled.returncode == 0, enrolled.stderr
    assert "for 李华 (manager), grids: G1" in enrolled.stdout
    device_id = enrolled.stdout.split()[2]
    assert any(line.startswith(device_id) for line in cli("devices").stdout.splitlines())


def test_frozen_window_starts_offscreen(built: Built) -> None:
    probe = built.run("gui", "--lang", "zh_CN",
                      env={"QT_QPA_PLATFORM": "offscreen", "GRIDPAD_STARTUP_PROBE": "1"})
    assert probe.returncode == 0, probe.stderr[-3000:]
    assert probe.stdout.startswith("interactive "), probe.stdout
    # What gridpad/ui/resources.py looks for beside the frozen modules (sys._MEIPASS/resources).
    internal = built.bundle / "_internal"
    for part in ("i18n/gridpad_zh_CN.qm", "styles/gridpad.qss", "fonts/wqy-microhei.ttc"):
        assert (internal / "resources" / part).is_file(), part
    assert not (internal / "sync" / "server").exists()  # the central server is not shipped to tablets
    demo = built.run("demo", "--no-gui")
    assert demo.returncode == 2 and "not part of the installed app" in demo.stderr, demo.stderr[-2000:]


def test_the_deb_installs_the_bundle_under_opt(built: Built) -> None:
    info = subprocess.run(["dpkg-deb", "-I", str(built.deb)], capture_output=True, text=True,
                          check=True).stdout
    assert "Package: gridpad" in info and f"Version: {__version__}" in info and "libzbar0" in info
    listing = subprocess.run(["dpkg-deb", "-c", str(built.deb)], capture_output=True, text=True,
                             check=True).stdout
    assert "./usr/bin/gridpad -> /opt/gridpad/gridpad" in listing
    for path in ("./opt/gridpad/gridpad", "./opt/gridpad/_internal/resources/i18n/gridpad_zh_CN.qm",
                 "./opt/gridpad/_internal/defaults.json", "./usr/share/applications/gridpad.desktop"):
        assert f" {path}\n" in listing or f" {path} " in listing, path
