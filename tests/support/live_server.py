"""The one test harness for a real ``gridpad-server serve`` child process on a free loopback port.

    with running_server(tmp_path) as server:                    # SQLite file in tmp_path
        server.url, server.engine, server.admin_cli("devices")
    with running_server(tmp_path, pg_url) as server:            # a database from pg_database()
    with running_server(tmp_path, tls=TLSFiles(cert, key, ca)) as server:   # HTTPS (support.tls)
    server = ServerProcess(tmp_path).start(); server.kill(); server.start()  # SIGKILL, same data

    scope = server.new_scope(grids=1, users=2)   # fresh grids and users, one unused code each
    scope.grid, scope.codes[1], server.fresh_code(scope)   # a second device of the same user

Fixtures (registered for every test in tests/conftest.py): ``server`` — one process per backend
(SQLite, PostgreSQL) for the whole session; tests share it but not data (every scope has its own
random tag) — and ``api_factory`` — :class:`Api`, a tablet's raw HTTP view of it (httpx), for
tests of what the server answers. In-process tablets with a store are in :mod:`support.devices`.

``pg_url()`` reads ``GRIDPAD_TEST_PG_URL``; when it is missing the test FAILS under CI (``CI`` set)
and is skipped only on a developer machine.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import signal
import socket
import ssl
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import hlc
from sync.doorplate import public_key_text
from sync.protocol import token_message
from sync.server import admin, db, process

REPO = Path(__file__).resolve().parents[2]
BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("pg", id="pg", marks=pytest.mark.pg)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tag() -> str:
    """A random tag for names a test makes on a shared server (grids, users)."""
    return uuid.uuid4().hex[:10].upper()


def uid() -> str:
    return str(uuid.uuid4())


# --- databases ---------------------------------------------------------------------------------

def pg_url() -> str:
    url = os.environ.get("GRIDPAD_TEST_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("GRIDPAD_TEST_PG_URL is not set but CI is: the PostgreSQL backend must be tested")
        pytest.skip("GRIDPAD_TEST_PG_URL is not set (scripts/test starts a cluster); allowed only outside CI")
    return url


@contextmanager
def pg_database() -> Iterator[str]:
    """A fresh, empty database next to ``GRIDPAD_TEST_PG_URL`` (dropped afterwards)."""
    base = sa.make_url(db.normalise_url(pg_url()))
    name = f"gridpad_t_{uuid.uuid4().hex[:12]}"
    admin_engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin_engine.dispose()


@contextmanager
def backend_url(backend: str) -> Iterator[str | None]:
    """The ``db_url`` for a backend of :data:`BACKENDS`: None for SQLite (the server's default
    file), a fresh PostgreSQL database for ``pg``."""
    if backend == "sqlite":
        yield None
        return
    with pg_database() as url:
        yield url


# --- the server process ------------------------------------------------------------------------

@dataclass(frozen=True)
class TLSFiles:
    """Serve HTTPS with ``certfile``/``keyfile``; ``ca_bundle`` (the CA that signed it) is what the
    readiness probe trusts."""

    certfile: Path
    keyfile: Path
    ca_bundle: Path


@dataclass(frozen=True)
class Scope:
    """Grids and users made for one test, each user with one unused enrollment code."""

    grids: list[str]
    users: list[str]
    codes: list[str]

    @property
    def grid(self) -> str:
        return self.grids[0]

    @property
    def user(self) -> str:
        return self.users[0]

    @property
    def code(self) -> str:
        return self.codes[0]


class ServerProcess:
    """``gridpad-server serve`` as a child process; ``db_url`` None means its SQLite default."""

    def __init__(self, data_dir: Path, db_url: str | None = None, token_ttl_s: int | None = None,
                 tls: TLSFiles | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db_url = db_url or f"sqlite:///{self.data_dir / 'server.sqlite3'}"
        self.port = free_port()
        self.tls = tls
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.token_ttl_s = token_ttl_s
        self.proc: subprocess.Popen[bytes] | None = None
        self._engine: sa.engine.Engine | None = None

    @property
    def backend(self) -> str:
        return "postgresql" if self.db_url.startswith("postgres") else "sqlite"

    @property
    def engine(self) -> sa.engine.Engine:
        """The server's database, for admin set-up through :mod:`sync.server.admin` in-process."""
        if self._engine is None:
            self._engine = db.make_engine(self.db_url)
            db.migrate(self._engine)
        return self._engine

    def start(self, timeout: float = 30) -> ServerProcess:
        """Start (or, after :meth:`kill`, restart on the same data and port); return once it answers."""
        args = ["serve", "--data-dir", str(self.data_dir), "--db", self.db_url, "--port", str(self.port)]
        if self.token_ttl_s is not None:
            args += ["--token-ttl", str(self.token_ttl_s)]
        context = None
        if self.tls is not None:  # the probe trusts the server's CA but not its name: tests serve wrong names
            args += ["--ssl-certfile", str(self.tls.certfile), "--ssl-keyfile", str(self.tls.keyfile)]
            context = ssl.create_default_context(cafile=self.tls.ca_bundle)
            context.check_hostname = False
        try:
            self.proc = process.start(args, url=self.url, log_path=self.data_dir / "server.log",
                                      timeout=timeout, context=context, cwd=REPO,
                                      env={**os.environ, "PYTHONPATH": str(REPO)})
        except process.ServerStartError as exc:
            raise RuntimeError(f"{exc}: {self.log_tail()}") from exc
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

    def log_tail(self) -> str:
        path = self.data_dir / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    # -- admin ----------------------------------------------------------------------------------
    def admin_cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``gridpad-server admin --db … --data-dir … ARGS`` as a child process."""
        done = subprocess.run(
            process.command("admin", "--db", self.db_url, "--data-dir", str(self.data_dir), *args),
            capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
            timeout=60)
        if check and done.returncode != 0:
            raise AssertionError(f"admin {' '.join(args)} failed: {done.stderr}")
        return done

    def new_scope(self, grids: int = 1, users: int = 1, role: str = "manager") -> Scope:
        """Fresh grids and ``users`` users holding all of them, through the server's own admin
        functions on its database."""
        t = tag()
        grid_ids = [f"G{t}{i}" for i in range(grids)]
        for g in grid_ids:
            admin.add_grid(self.engine, g, f"测试网格{g}")
        names = [f"u{t}_{i}" for i in range(users)]
        for name in names:
            admin.add_user(self.engine, name, role, grid_ids)
        return Scope(grid_ids, names, [self.issue_code(name) for name in names])

    def fresh_code(self, scope: Scope) -> Scope:
        """The same grids and first user with a new code: for another device of that user."""
        return Scope(scope.grids, [scope.user], [self.issue_code(scope.user)])

    def issue_code(self, user: str) -> str:
        return admin.issue_code(self.engine, user, hlc.now_ms())

    def revoke(self, device_id: str) -> None:
        admin.revoke(self.engine, device_id)


@contextmanager
def running_server(data_dir: Path, db_url: str | None = None, token_ttl_s: int | None = None,
                   tls: TLSFiles | None = None) -> Iterator[ServerProcess]:
    server = ServerProcess(data_dir, db_url, token_ttl_s, tls).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One real server per backend for the session; the pg one fails under CI without a database."""
    with backend_url(request.param) as url, \
            running_server(tmp_path_factory.mktemp(f"server-{request.param}"), url) as proc:
        yield proc


# --- a tablet's raw HTTP view, for tests of the server's answers --------------------------------

class Api:
    """A tablet's view of the server over HTTP (httpx), with its credential and bearer token."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=30)
        self.device_id = ""
        self.key = Ed25519PrivateKey.generate()  # the device key; the server sees its public half
        self.token = ""
        self.change_id = 0
        self.clock = 0
        self.enrollment: dict[str, Any] = {}

    def close(self) -> None:
        self.http.close()

    def enroll(self, code: str) -> httpx.Response:
        r = self.http.post("/v1/enroll", json={"code": code, "device_name": "test tablet",
                                                "public_key": public_key_text(self.key)})
        if r.status_code == 200:
            self.enrollment = r.json()
            self.device_id = self.enrollment["device_id"]
            self.refresh()
        return r

    def token_request(self, key: Ed25519PrivateKey | None = None) -> dict[str, str]:
        """A challenge fetched and signed (by ``key``, default the device's): a /v1/token body."""
        r = self.http.post("/v1/challenge", json={"device_id": self.device_id, "device_nonce": "n" * 16})
        nonce = r.json().get("nonce", "x" * 16)
        sig = (key or self.key).sign(token_message(self.device_id, nonce))
        return {"device_id": self.device_id, "nonce": nonce, "signature": base64.b64encode(sig).decode()}

    def refresh(self) -> httpx.Response:
        r = self.http.post("/v1/token", json=self.token_request())
        if r.status_code == 200:
            self.token = r.json()["token"]
        return r

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.get(path, headers=self.auth, **kw)

    def post(self, path: str, body: Any) -> httpx.Response:
        return self.http.post(path, json=body, headers=self.auth)

    def change(self, table: str, row_id: str, op: str, fields: dict[str, Any], base_seq: int = 0,
               hlc_value: int | None = None) -> dict[str, Any]:
        """An outbox row as the device makes it: increasing change_id, HLC from its clock."""
        self.change_id += 1
        self.clock = hlc.send(self.clock, hlc.now_ms()) if hlc_value is None else hlc_value
        return {"change_id": self.change_id, "table": table, "row_id": row_id, "op": op,
                "fields": fields, "base_seq": base_seq, "hlc": self.clock}

    def push(self, changes: list[dict[str, Any]], *, gzip_body: bool = True) -> httpx.Response:
        raw = json.dumps({"device_id": self.device_id, "changes": changes}).encode()
        headers = {**self.auth, "Content-Type": "application/json"}
        if gzip_body:
            raw = gzip.compress(raw)
            headers["Content-Encoding"] = "gzip"
        return self.http.post("/v1/push", content=raw, headers=headers)

    def pull_all(self, since: int = 0, limit: int = 1000) -> tuple[list[dict[str, Any]], int]:
        rows: list[dict[str, Any]] = []
        while True:
            r = self.get("/v1/pull", params={"since": since, "limit": limit})
            assert r.status_code == 200, r.text
            page = r.json()
            rows += page["rows"]
            since = page["next_cursor"]
            if not page["more"]:
                return rows, since


class ApiFactory(Protocol):
    """The ``api_factory`` fixture."""

    def __call__(self, scope: Scope | None = None) -> Api: ...


@pytest.fixture
def api_factory(server: ServerProcess) -> Iterator[ApiFactory]:
    """``api_factory(scope=None)``: an :class:`Api` on the session server, enrolled with the scope's
    first code when given."""
    made: list[Api] = []

    def make(scope: Scope | None = None) -> Api:
        api = Api(server.url)
        made.append(api)
        if scope is not None:
            r = api.enroll(scope.code)
            assert r.status_code == 200, r.text
        return api

    yield make
    for a in made:
        a.close()


def building(grid: str, **extra: Any) -> dict[str, Any]:
    return {"grid_id": grid, "address": f"虎门镇测试路{tag()}号", "is_demo": 1, **extra}
