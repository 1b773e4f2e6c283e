"""Fixtures for the server test suite: one real server process per backend (SQLite, PostgreSQL),
and an HTTP client that enrolls like a tablet. Import the fixtures into a test module.

Every test makes its own grids and users (random codes), so tests share a server but not data.
"""

from __future__ import annotations

import gzip
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from support.server_process import ServerProcess, pg_database, running_server

from sync import hlc
from sync.server import admin

BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("pg", id="pg", marks=pytest.mark.pg)]


@pytest.fixture(scope="session", params=BACKENDS)
def server(request: pytest.FixtureRequest,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The same suite runs against both backends; the pg one fails under CI without a database."""
    with ExitStack() as stack:
        url = stack.enter_context(pg_database()) if request.param == "pg" else None
        yield stack.enter_context(running_server(tmp_path_factory.mktemp(f"srv-{request.param}"), url))


def uid() -> str:
    return str(uuid.uuid4())


def tag() -> str:
    return uuid.uuid4().hex[:10].upper()


@dataclass
class Scope:
    grids: list[str]
    user: str
    code: str


def new_scope(server: ServerProcess, n_grids: int = 1, role: str = "manager") -> Scope:
    t = tag()
    grids = [f"G{t}{i}" for i in range(n_grids)]
    for g in grids:
        admin.add_grid(server.engine, g, f"测试网格{g}")
    user = f"u{t}"
    admin.add_user(server.engine, user, role, grids)
    return Scope(grids, user, admin.issue_code(server.engine, user, hlc.now_ms()))


def new_scope_same_user(server: ServerProcess, scope: Scope) -> Scope:
    """For a second device of the same user: a fresh code for that user."""
    return Scope(scope.grids, scope.user, admin.issue_code(server.engine, scope.user, hlc.now_ms()))


class Api:
    """A tablet's view of the server over HTTP (httpx), with its credential and bearer token."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=30)
        self.device_id = ""
        self.secret = ""
        self.token = ""
        self.change_id = 0
        self.clock = 0
        self.enrollment: dict[str, Any] = {}

    def close(self) -> None:
        self.http.close()

    def enroll(self, code: str) -> httpx.Response:
        r = self.http.post("/v1/enroll", json={"code": code, "device_name": "test tablet"})
        if r.status_code == 200:
            self.enrollment = r.json()
            self.device_id, self.secret = self.enrollment["device_id"], self.enrollment["device_secret"]
            self.refresh()
        return r

    def refresh(self) -> httpx.Response:
        r = self.http.post("/v1/token", json={"device_id": self.device_id, "device_secret": self.secret})
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


@pytest.fixture
def api_factory(server: ServerProcess) -> Iterator[Any]:
    made: list[Api] = []

    def make(scope: Scope | None = None, **kw: Any) -> Api:
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


def wait_until(pred: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False
