"""Real processes for sync tests and benchmarks: a ``gridpad-server`` subprocess on 127.0.0.1 that can
be SIGKILLed and restarted on the same data, admin set-up through the server's own admin functions,
and in-process devices (each its own data dir and SQLite file)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from gridpad.store import outbox
from gridpad.store.db import Store, open_store
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client import enroll as enroll_mod
from gridpad.sync_client.engine import SyncResult, sync_once
from gridpad.sync_client.transport import RetryPolicy
from support.server_process import pg_database
from sync.schema import DELETED, TABLES
from sync.server import admin, db, process

REPO = Path(__file__).resolve().parents[2]
FAST_RETRY = RetryPolicy(attempts=4, backoff_s=0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProc:
    """``gridpad-server serve`` as a child process; ``db_url`` None means its SQLite default."""

    def __init__(self, data_dir: Path, db_url: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db_url = db_url or f"sqlite:///{self.data_dir / 'server.sqlite3'}"
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self._engine: sa.engine.Engine | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def engine(self) -> sa.engine.Engine:
        if self._engine is None:
            self._engine = db.make_engine(self.db_url)
            db.migrate(self._engine)
        return self._engine

    def start(self) -> ServerProc:
        self.proc = process.start(
            ["serve", "--data-dir", str(self.data_dir), "--db", self.db_url, "--port", str(self.port)],
            url=self.url, log_path=self.data_dir / "server.log", cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)})
        return self

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as when the machine loses power."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        process.stop(self.proc)
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # -- admin, through the server's own functions on the same database -------------------------
    def new_scope(self, users: int = 1, role: str = "manager") -> Scope:
        """A fresh grid and ``users`` users on it, each with one unused enrollment code."""
        tag = uuid.uuid4().hex[:10]
        grid = f"G{tag}"
        admin.add_grid(self.engine, grid, f"测试网格{tag}")
        codes = []
        for i in range(users):
            name = f"u{tag}_{i}"
            admin.add_user(self.engine, name, role, [grid])
            codes.append(admin.issue_code(self.engine, name, int(time.time() * 1000)))
        return Scope(grid, codes)

    def issue_code(self, user: str) -> str:
        return admin.issue_code(self.engine, user, int(time.time() * 1000))

    def revoke(self, device_id: str) -> None:
        admin.revoke(self.engine, device_id)


@dataclass
class Scope:
    grid: str
    codes: list[str]


@dataclass
class Device:
    """One tablet: its own data dir and store, enrolled against a server, synced in-process."""

    data_dir: Path
    store: Store = field(init=False)

    def __post_init__(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = open_store(self.data_dir / "gridpad.sqlite")

    def enroll(self, url: str, code: str) -> enroll_mod.Enrollment:
        return enroll_mod.enroll(self.store, url, code, retry=FAST_RETRY)

    def retarget(self, url: str) -> None:
        """Point the device at another address of the same server (e.g. through a proxy)."""
        DeviceMeta(self.store).server_url = url

    def sync(self, **kw: Any) -> SyncResult:
        return sync_once(self.store, data_dir=self.data_dir, retry=kw.pop("retry", FAST_RETRY), **kw)

    @property
    def device_id(self) -> str:
        value = DeviceMeta(self.store).enrolled_device_id
        assert value is not None
        return value

    def outbox_count(self) -> int:
        return outbox.count(self.store)

    def export(self) -> list[tuple[str, str, str]]:
        return export_store(self.store)

    def close(self) -> None:
        self.store.close()


def export_store(store: Store, tables: tuple[str, ...] = tuple(TABLES)) -> list[tuple[str, str, str]]:
    """Every synced row without bookkeeping (``_server_seq``), sorted: ``(table, id, fields json)``."""
    out = []
    for name in tables:
        cols = [*TABLES[name].column_names, DELETED]
        sel = ", ".join(cols)
        for rec in store.db.execute(f"SELECT id, {sel} FROM {name} ORDER BY id"):
            fields = dict(zip(cols, rec[1:], strict=True))
            out.append((name, rec[0], json.dumps(fields, sort_keys=True, ensure_ascii=False)))
    return sorted(out)


# -- pytest fixtures (import them into a test module) -------------------------------------------

BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="pg", marks=pytest.mark.pg)]


@contextmanager
def backend_url(backend: str) -> Iterator[str | None]:
    """None for SQLite (the server's default file); a fresh PostgreSQL database otherwise
    (skipped without GRIDPAD_TEST_PG_URL on a developer machine, a failure under CI)."""
    if backend == "sqlite":
        yield None
        return
    with pg_database() as url:
        yield url


@pytest.fixture(scope="session", params=BACKENDS)
def sync_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One real server process per backend for the whole session; tests use fresh scopes on it."""
    with backend_url(request.param) as url:
        server = ServerProc(tmp_path_factory.mktemp(f"server-{request.param}"), url).start()
        yield server
        server.stop()


@pytest.fixture
def make_device(tmp_path: Path):  # type: ignore[no-untyped-def]
    made: list[Device] = []

    def make(name: str) -> Device:
        d = Device(tmp_path / name)
        made.append(d)
        return d

    yield make
    for d in made:
        d.close()  # closing twice (after a wipe) is harmless
