"""Time-driven server rules, in process on a real SQLite file, with a clock the test moves:
bearer tokens and enrollment codes expire exactly when they should, without waiting for it."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from support.clocks import ManualClock

from sync.doorplate import public_key_text
from sync.protocol import token_message
from sync.server import admin, db
from sync.server.app import create_app

TOKEN_TTL_MS = 15 * 60 * 1000


class InProcessClient:
    """Plain calls into the ASGI app through httpx (Starlette's TestClient, minus its deprecated
    httpx dependency): the event loop runs in a portal thread."""

    def __init__(self, app: FastAPI, portal: BlockingPortal) -> None:
        self._portal = portal
        self._client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://central")

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self._portal.call(partial(self._client.get, path, **kw))

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self._portal.call(partial(self._client.post, path, **kw))

    def close(self) -> None:
        self._portal.call(self._client.aclose)


@dataclass
class Server:
    engine: Engine
    clock: ManualClock
    http: InProcessClient

    def new_code(self, user: str, ttl_ms: int = 60_000) -> str:
        admin.add_grid(self.engine, f"G{user}", f"测试网格{user}")
        admin.add_user(self.engine, user, "manager", [f"G{user}"])
        return admin.issue_code(self.engine, user, self.clock(), ttl_ms=ttl_ms)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    db.migrate(engine)
    clock = ManualClock()  # a fixed "now": nothing here depends on the real time
    app = create_app(engine, tmp_path, token_ttl_ms=TOKEN_TTL_MS, clock=clock)
    with start_blocking_portal() as portal:
        http = InProcessClient(app, portal)
        yield Server(engine, clock, http)
        http.close()
    engine.dispose()


def _enroll(server: Server, code: str) -> tuple[str, Ed25519PrivateKey]:
    key = Ed25519PrivateKey.generate()
    r = server.http.post("/v1/enroll", json={"code": code, "device_name": "test tablet",
                                             "public_key": public_key_text(key)})
    assert r.status_code == 200, r.text
    return r.json()["device_id"], key


def _token(server: Server, device_id: str, key: Ed25519PrivateKey) -> str:
    r = server.http.post("/v1/challenge", json={"device_id": device_id, "device_nonce": "n" * 16})
    assert r.status_code == 200, r.text
    nonce = r.json()["nonce"]
    sig = base64.b64encode(key.sign(token_message(device_id, nonce))).decode()
    r = server.http.post("/v1/token", json={"device_id": device_id, "nonce": nonce, "signature": sig})
    assert r.status_code == 200, r.text
    body = r.json()
    # The device is told the lifetime by the same clock that will judge it.
    assert body["expires_in"] == TOKEN_TTL_MS // 1000
    assert body["expires_at_ms"] == server.clock() + TOKEN_TTL_MS
    return str(body["token"])


def _pull(server: Server, token: str) -> tuple[int, str]:
    r = server.http.get("/v1/pull", headers={"Authorization": f"Bearer {token}"})
    return r.status_code, r.json().get("reason", "")


def test_token_works_until_its_expiry_and_a_fresh_one_works_after(server: Server) -> None:
    device = _enroll(server, server.new_code("ua"))
    token = _token(server, *device)
    assert _pull(server, token) == (200, "")
    server.clock.advance(TOKEN_TTL_MS - 1)
    assert _pull(server, token) == (200, "")  # the last millisecond still counts
    server.clock.advance(1)
    assert _pull(server, token) == (401, "token expired")
    fresh = _token(server, *device)
    assert _pull(server, fresh) == (200, "")
    assert _pull(server, token) == (401, "token expired")  # renewal does not revive the old one


def test_enrollment_code_is_refused_from_its_expiry_on(server: Server) -> None:
    late, on_time = server.new_code("ub", ttl_ms=5_000), server.new_code("uc", ttl_ms=5_000)
    server.clock.advance(4_999)
    _enroll(server, on_time)
    server.clock.advance(1)
    r = server.http.post("/v1/enroll", json={"code": late, "device_name": "test tablet",
                                             "public_key": public_key_text(Ed25519PrivateKey.generate())})
    assert r.status_code == 403 and r.json()["error"] == "code_expired"
