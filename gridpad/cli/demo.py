"""``gridpad demo``: a local central server on loopback with the demo town, this tablet enrolled
on the demo grids, the grid seeded and pushed, then the app.

Everything lives under the data dir (the server in ``<data>/demo-server``), so running the demo
again reuses it: the server keeps its database, the tablet keeps its data and only re-enrolls when
its credential is gone. The server stops when the app exits (or at once with ``--no-gui``; or once
the first screen has painted with ``--quit-after-first-paint``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import socket
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gridpad import config
from gridpad.cli import CommandError

if TYPE_CHECKING:
    from gridpad.app.startup import Store

DEMO_USER = "demo"
SERVER_DIR = "demo-server"
#: The demo grid manager holds the first two grids of 乌沙社区 (domain.md §8), more when --persons asks.
DEMO_USER_GRIDS = 2


def _say(text: str) -> None:
    print(f"gridpad demo: {text}", flush=True)


def _free_port(preferred: int | None) -> int:
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise CommandError("no free TCP port on 127.0.0.1")


def _admin(server_dir: Path, *args: str) -> str:
    """``gridpad-server admin …`` on the demo server's data (the same command, run in-process to
    spare a Python start per call); returns what it printed."""
    from sync.server import cli as server_cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = server_cli.main(["admin", "--data-dir", str(server_dir), *args])
    if code != 0:
        raise CommandError(f"server admin {' '.join(args[:2])} failed: {err.getvalue().strip()}")
    return out.getvalue()


def _set_up_server(server_dir: Path, user_grids: Sequence[str]) -> None:
    """Town, villages, the twelve demo grids and the demo user (once per server data dir)."""
    from gridpad.demo import reference_data as demo_data
    from gridpad.demo.grids import demo_grids

    marker = server_dir / "demo-setup-done"
    if marker.exists():
        return
    _say("creating the demo town, grids and user on the local server")
    _admin(server_dir, "town", "add", demo_data.TOWN_CODE, "--name", demo_data.TOWN_NAME)
    for code, name, _short in demo_data.VILLAGES:
        _admin(server_dir, "village", "add", code, "--name", name, "--town", demo_data.TOWN_CODE)
    for grid in demo_grids():
        _admin(server_dir, "grid", "add", str(grid["code"]), "--name", str(grid["name"]),
               "--village", str(grid["village_code"]))
    _admin(server_dir, "user", "add", DEMO_USER, "--role", "manager", "--grids", ",".join(user_grids))
    marker.write_text("ok\n")


class DemoServer:
    """``gridpad-server serve`` on 127.0.0.1 as a child process."""

    def __init__(self, server_dir: Path) -> None:
        self.dir = server_dir
        port_file = server_dir / "port"
        preferred = int(port_file.read_text()) if port_file.exists() else None
        self.port = _free_port(preferred)
        port_file.write_text(str(self.port))
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> DemoServer:
        from sync.server import process

        try:
            self.proc = process.start(["serve", "--data-dir", str(self.dir), "--port", str(self.port)],
                                      url=self.url, log_path=self.dir / "server.log", with_parent=True)
        except process.ServerStartError as exc:
            raise CommandError(f"the local server did not start: {exc}") from exc
        return self

    def stop(self) -> None:
        from sync.server import process

        process.stop(self.proc)


def _ensure_keyring() -> None:
    """Without a usable OS keyring (a bare Linux box, or one that is locked or misconfigured), keep
    the demo's credential in this process only: it lives as long as the demo does and never touches
    a file; the next run enrolls again."""
    import keyring

    from gridpad.sync_client.credentials import SessionKeyring, keyring_problem

    problem = keyring_problem()
    if problem:
        keyring.set_keyring(SessionKeyring())
        _say("no usable OS keyring here: the device credential is kept in memory for this session only")


def _enroll(store: Store, server: DemoServer) -> None:
    from gridpad.app.demo_data import reuse_demo_enrollment
    from gridpad.app.syncing import enroll_device

    if reuse_demo_enrollment(store, server.url):
        return
    code = _admin(server.dir, "enroll-code", DEMO_USER).strip().splitlines()[-1].strip()
    enrollment = enroll_device(store, server.url, code, device_name="gridpad demo")
    _say(f"enrolled as {enrollment.user} on grids {', '.join(enrollment.grids)}")


def prepare(data_dir: Path, persons: int, seed: int = 1) -> DemoServer:
    """Everything but the window; returns the running server (the caller stops it)."""
    from gridpad.app.demo_data import has_demo_data, seed_demo
    from gridpad.app.startup import open_device_store
    from gridpad.app.syncing import SyncError, sync_now
    from gridpad.demo.grids import demo_grids, grids_for

    server_dir = data_dir / SERVER_DIR
    server_dir.mkdir(parents=True, exist_ok=True)
    codes = [str(g["code"]) for g in demo_grids()]
    wanted = grids_for(persons)
    user_grids = codes[:max(DEMO_USER_GRIDS, len(wanted))]
    _set_up_server(server_dir, user_grids)
    server = DemoServer(server_dir).start()
    _say(f"local server on {server.url} (data in {server_dir})")
    try:
        _ensure_keyring()
        store = open_device_store(config.db_path(data_dir))
        try:
            _enroll(store, server)
            if not has_demo_data(store):
                _say(f"seeding the demo grid with {persons} fictional persons")
                seed_demo(store, persons, seed)
            _say("syncing (the first sync sends the demo data to the server)")
            result = sync_now(store, data_dir)
            _say(result.summary())
        except SyncError as exc:
            raise CommandError(str(exc)) from None
        finally:
            store.close()
    except BaseException:
        server.stop()
        raise
    return server


def run(args: argparse.Namespace) -> int:
    data_dir = config.data_dir(args.data_dir)
    if args.persons < 0:
        raise CommandError("--persons: must be 0 or more")
    server = prepare(data_dir, args.persons)
    try:
        if args.no_gui:
            _say(f"ready in {data_dir}; not opening the window (--no-gui)")
            return 0
        from gridpad.cli.gui import open_window

        return open_window(data_dir, args)
    finally:
        server.stop()  # also after --quit-after-first-paint: nothing of the demo outlives it
