"""A real ``gridpad-server serve`` child process on a free loopback port, for any test's fixtures.

    with running_server(tmp_path) as server:            # SQLite file in tmp_path
        server.url, server.engine, server.admin_cli("devices")

    with running_server(tmp_path, pg_database()) as server:   # a fresh PostgreSQL database
    with running_server(tmp_path, tls=TLSFiles(cert, key, ca)) as server:   # HTTPS (support.tls)

``pg_url()`` reads ``GRIDPAD_TEST_PG_URL``; when it is missing the test FAILS under CI (``CI`` set)
and is skipped only on a developer machine.
"""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from sync.server import db, process

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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


@dataclass(frozen=True)
class TLSFiles:
    """Serve HTTPS with ``certfile``/``keyfile``; ``ca_bundle`` (the CA that signed it) is what the
    readiness probe trusts."""

    certfile: Path
    keyfile: Path
    ca_bundle: Path


class ServerProcess:
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
        args = ["serve", "--data-dir", str(self.data_dir), "--db", self.db_url, "--port", str(self.port)]
        if self.token_ttl_s is not None:
            args += ["--token-ttl", str(self.token_ttl_s)]
        if self.tls is not None:
            args += ["--ssl-certfile", str(self.tls.certfile), "--ssl-keyfile", str(self.tls.keyfile)]
        context = None
        if self.tls is not None:  # the probe trusts the server's CA but not its name: tests serve wrong names
            context = ssl.create_default_context(cafile=self.tls.ca_bundle)
            context.check_hostname = False
        try:
            self.proc = process.start(args, url=self.url, log_path=self.data_dir / "server.log",
                                      timeout=timeout, context=context, cwd=REPO,
                                      env={**os.environ, "PYTHONPATH": str(REPO)})
        except process.ServerStartError as exc:
            raise RuntimeError(f"{exc}: {self.log_tail()}") from exc
        return self

    def log_tail(self) -> str:
        path = self.data_dir / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def admin_cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``gridpad-server admin --db … --data-dir … ARGS`` as a child process."""
        done = subprocess.run(
            process.command("admin", "--db", self.db_url, "--data-dir", str(self.data_dir), *args),
            capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
            timeout=60)
        if check and done.returncode != 0:
            raise AssertionError(f"admin {' '.join(args)} failed: {done.stderr}")
        return done

    def stop(self) -> None:
        process.stop(self.proc)
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


@contextmanager
def running_server(data_dir: Path, db_url: str | None = None, token_ttl_s: int | None = None,
                   tls: TLSFiles | None = None) -> Iterator[ServerProcess]:
    server = ServerProcess(data_dir, db_url, token_ttl_s, tls).start()
    try:
        yield server
    finally:
        server.stop()
