"""The sync client's HTTP layer against a real local HTTP server: retries, plain-word failures."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from gridpad.store.db import open_store
from gridpad.sync_client.enroll import enroll
from gridpad.sync_client.errors import (
    DeviceRevokedError,
    KeyringUnavailableError,
    RejectedError,
    ServerUnreachableError,
)
from gridpad.sync_client.transport import RetryPolicy, ServerClient


class Script:
    """Answers to give, in order: (status, json body)."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, object]] = []
        self.seen: list[str] = []


@pytest.fixture
def http() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            script.seen.append(f"{self.command} {self.path.split('?')[0]}")
            status, body = script.answers.pop(0) if script.answers else (200, {})
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", script
    server.shutdown()
    server.server_close()


def _client(url: str) -> ServerClient:
    return ServerClient(url, device_id="dev1", secret="s3cret",
                        retry=RetryPolicy(attempts=3, backoff_s=0.001))


def test_a_server_error_is_retried_and_the_request_then_succeeds(http: tuple[str, Script]) -> None:
    url, script = http
    script.answers = [(200, {"token": "t", "expires_in": 900}), (503, {}), (200, {"rows": [], "more": False})]
    with closing(_client(url)) as c:
        assert c.call("GET", "/v1/pull") == {"rows": [], "more": False}
    assert script.seen == ["POST /v1/token", "GET /v1/pull", "GET /v1/pull"]


def test_persistent_server_errors_become_server_unreachable(http: tuple[str, Script]) -> None:
    url, script = http
    script.answers = [(200, {"token": "t", "expires_in": 900})] + [(500, {})] * 3
    with closing(_client(url)) as c, \
            pytest.raises(ServerUnreachableError, match=r"^server unreachable: .*500"):
        c.call("GET", "/v1/pull")
    assert script.seen.count("GET /v1/pull") == 3


def test_nothing_listening_is_server_unreachable() -> None:
    with closing(_client("http://127.0.0.1:9")) as c, \
            pytest.raises(ServerUnreachableError, match=r"^server unreachable: http://127\.0\.0\.1:9: conn"):
        c.call("GET", "/v1/pull", auth=False)


def test_a_refusal_is_final_and_carries_the_servers_reason(http: tuple[str, Script]) -> None:
    url, script = http
    script.answers = [(200, {"token": "t", "expires_in": 900}),
                      (422, {"error": "invalid_change", "reason": "bad", "problems": [
                          {"change_id": 3, "field": "phone", "rule": "phone",
                           "message": "person.phone is not a mobile"}]})]
    with closing(_client(url)) as c, pytest.raises(RejectedError) as info:
        c.call("POST", "/v1/push", json_body={})
    assert str(info.value) == "rejected by server: bad: person.phone is not a mobile"
    assert script.seen.count("POST /v1/push") == 1  # not retried


def test_revocation_is_recognised(http: tuple[str, Script]) -> None:
    url, script = http
    script.answers = [(403, {"error": "revoked", "reason": "this device was revoked", "wipe": True})]
    with closing(_client(url)) as c, pytest.raises(DeviceRevokedError, match=r"^enrollment revoked"):
        c.call("GET", "/v1/pull")


def test_an_expired_token_is_renewed_once(http: tuple[str, Script]) -> None:
    url, script = http
    script.answers = [(200, {"token": "t1", "expires_in": 900}), (401, {"error": "bad_token"}),
                      (200, {"token": "t2", "expires_in": 900}), (200, {"ok": 1})]
    with closing(_client(url)) as c:
        assert c.call("GET", "/v1/me") == {"ok": 1}
    assert script.seen == ["POST /v1/token", "GET /v1/me", "POST /v1/token", "GET /v1/me"]


def test_enrollment_needs_a_keyring_and_says_so_before_spending_the_code(
        http: tuple[str, Script], tmp_path: Path) -> None:
    url, script = http
    keyring.set_keyring(keyring.backends.fail.Keyring())
    with closing(open_store(tmp_path / "gridpad.sqlite")) as store, \
            pytest.raises(KeyringUnavailableError, match="no OS keyring"):
        enroll(store, url, "AAAA-BBBB")
    assert script.seen == []  # the one-time code was not sent


def test_a_missing_ca_bundle_is_named(http: tuple[str, Script], tmp_path: Path) -> None:
    url, _script = http
    with closing(open_store(tmp_path / "gridpad.sqlite")) as store, \
            pytest.raises(RejectedError, match="--ca-bundle: no such file"):
        enroll(store, url, "AAAA-BBBB", ca_bundle=str(tmp_path / "nope.pem"))
