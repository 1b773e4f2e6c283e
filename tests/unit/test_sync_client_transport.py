"""The sync client's HTTP layer against a real local HTTP server: retries, plain-word failures, and
replies read through the protocol models (a missing or renamed field is a ProtocolError)."""

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

from gridpad.store import remote
from gridpad.store.db import open_store
from gridpad.sync_client.credentials import DeviceKeys, new_private_key
from gridpad.sync_client.engine import sync_once
from gridpad.sync_client.enroll import enroll
from gridpad.sync_client.errors import (
    InsecureServerError,
    KeyringUnavailableError,
    ProtocolError,
    RejectedError,
    ServerFailedError,
    ServerUnreachableError,
    UnprovenRevocationError,
)
from gridpad.sync_client.pull import pull_pages
from gridpad.sync_client.status import read_status
from gridpad.sync_client.transport import ALLOW_HTTP_ENV, RetryPolicy, ServerClient, check_url
from sync.protocol import Me, PullResponse, PushRequest, PushResponse


class Script:
    """Answers to give, in order: (status, json body, or raw bytes)."""

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
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
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


CHALLENGE = {"nonce": "c" * 43, "expires_at_ms": 1}
TOKEN = {"token": "t", "token_type": "bearer", "expires_in": 900, "expires_at_ms": 1}
EMPTY_PAGE = {"rows": [], "next_cursor": 0, "more": False, "grids": ["G1"]}


def _client(url: str) -> ServerClient:
    keys = DeviceKeys(new_private_key(), DeviceKeys(new_private_key(), "").public_key)
    return ServerClient(url, device_id="dev1", keys=keys,
                        retry=RetryPolicy(attempts=3, backoff_s=0.001))


def test_a_server_error_is_retried_and_the_request_then_succeeds(http: tuple[str, Script]) -> None:
    url, script = http
    script.answers = [(200, CHALLENGE), (200, TOKEN), (503, {}), (200, EMPTY_PAGE)]
    with closing(_client(url)) as c:
        assert c.call("GET", "/v1/pull", PullResponse) == PullResponse.model_validate(EMPTY_PAGE)
    assert script.seen == ["POST /v1/challenge", "POST /v1/token", "GET /v1/pull", "GET /v1/pull"]


def test_persistent_server_errors_say_the_server_failed_not_unreachable(http: tuple[str, Script]) -> None:
    url, script = http
    script.answers = [(200, CHALLENGE), (200, TOKEN), *[(500, {})] * 3]
    with closing(_client(url)) as c, \
            pytest.raises(ServerFailedError, match=r"^the server failed \(HTTP 500\)"):
        c.call("GET", "/v1/pull", PullResponse)
    assert script.seen.count("GET /v1/pull") == 3


def test_nothing_listening_is_server_unreachable() -> None:
    with closing(_client("http://127.0.0.1:9")) as c, \
            pytest.raises(ServerUnreachableError, match=r"^server unreachable: http://127\.0\.0\.1:9: conn"):
        c.call("GET", "/v1/pull", PullResponse, auth=False)


def test_a_refusal_is_final_and_carries_the_servers_reason(http: tuple[str, Script]) -> None:
    url, script = http
    script.answers = [(200, CHALLENGE), (200, TOKEN),
                      (422, {"error": "invalid_change", "reason": "bad", "problems": [
                          {"change_id": 3, "field": "phone", "rule": "phone",
                           "message": "person.phone is not a mobile"}]})]
    with closing(_client(url)) as c, pytest.raises(RejectedError) as info:
        c.call("POST", "/v1/push", PushResponse, body=PushRequest(device_id="dev1", changes=[]))
    assert str(info.value) == "rejected by server: bad: person.phone is not a mobile"
    assert script.seen.count("POST /v1/push") == 1  # not retried


def test_an_unsigned_revocation_is_not_obeyed(http: tuple[str, Script]) -> None:
    url, script = http
    revoked = {"error": "revoked", "reason": "this device was revoked", "wipe": True}
    script.answers = [(403, revoked), (403, revoked | {"wipe_proof": "A" * 88})]
    with closing(_client(url)) as c, pytest.raises(UnprovenRevocationError, match=r"could not prove"):
        c.call("GET", "/v1/pull", PullResponse)
    with closing(_client(url)) as c, pytest.raises(UnprovenRevocationError, match=r"nothing was deleted"):
        c.call("GET", "/v1/pull", PullResponse)


def test_an_expired_token_is_renewed_once(http: tuple[str, Script]) -> None:
    url, script = http
    me = {"device_id": "dev1", "user": "u", "role": "manager", "grids": [], "revoked": False,
          "plate_public_keys": {}}
    expired = {"error": "bad_token", "reason": "token expired"}
    script.answers = [(200, CHALLENGE), (200, TOKEN | {"token": "t1"}), (401, expired),
                      (200, CHALLENGE), (200, TOKEN | {"token": "t2"}), (200, me)]
    with closing(_client(url)) as c:
        assert c.call("GET", "/v1/me", Me).user == "u"
    assert script.seen == ["POST /v1/challenge", "POST /v1/token", "GET /v1/me",
                           "POST /v1/challenge", "POST /v1/token", "GET /v1/me"]


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


# --- replies are read through the sync.protocol models ----------------------------------------

def test_a_pull_page_without_more_fails_loudly_and_is_not_retried(http: tuple[str, Script]) -> None:
    url, script = http
    script.answers = [(200, CHALLENGE), (200, TOKEN), (200, {"rows": [], "next_cursor": 5, "grids": ["G1"]})]
    with closing(_client(url)) as c, pytest.raises(ProtocolError) as info:
        list(pull_pages(c, 0))
    assert str(info.value) == "the server's reply was not understood: more: field required (GET /v1/pull)"
    assert info.value.field == "more"
    assert script.seen.count("GET /v1/pull") == 1  # the same server would answer the same way


def test_a_renamed_field_deep_in_a_row_is_named(http: tuple[str, Script]) -> None:
    url, script = http
    row = {"table": "person", "id": "p1", "serverSeq": 3, "deleted": False, "fields": {}}
    script.answers = [(200, CHALLENGE), (200, TOKEN), (200, {"rows": [row], "next_cursor": 3, "more": False})]
    with closing(_client(url)) as c, pytest.raises(ProtocolError) as info:
        list(pull_pages(c, 0))
    assert info.value.field == "rows[0].server_seq" and info.value.problem == "field required"


def test_a_push_receipt_of_the_wrong_type_is_not_taken_for_an_empty_one(http: tuple[str, Script]) -> None:
    url, script = http
    answer = {"receipt": "1,2", "applied": 2, "conflicts": 0, "server_time_ms": 1}
    script.answers = [(200, CHALLENGE), (200, TOKEN), (200, answer)]
    with closing(_client(url)) as c, pytest.raises(ProtocolError) as info:
        c.call("POST", "/v1/push", PushResponse, body=PushRequest(device_id="dev1", changes=[]))
    assert info.value.field == "receipt"


def test_fields_a_newer_server_adds_are_ignored(http: tuple[str, Script]) -> None:
    url, script = http
    script.answers = [(200, CHALLENGE), (200, TOKEN | {"scope": "sync"}),
                      (200, EMPTY_PAGE | {"server_version": "2.0"})]
    with closing(_client(url)) as c:
        assert c.call("GET", "/v1/pull", PullResponse).grids == ["G1"]


def test_a_cut_off_reply_is_asked_for_again(http: tuple[str, Script]) -> None:
    url, script = http
    script.answers = [(200, CHALLENGE), (200, TOKEN), (200, json.dumps(EMPTY_PAGE).encode()[:15]),
                      (200, EMPTY_PAGE)]
    with closing(_client(url)) as c:
        assert c.call("GET", "/v1/pull", PullResponse).more is False
    assert script.seen.count("GET /v1/pull") == 2


def test_the_sync_reports_a_reply_it_did_not_understand(http: tuple[str, Script], tmp_path: Path) -> None:
    """What the status strip and `gridpad sync` show; nothing pulled is half-applied."""
    url, script = http
    script.answers = [(200, CHALLENGE), (200, TOKEN), (200, {"rows": [], "next_cursor": 9, "grids": []})]
    with closing(open_store(tmp_path / "gridpad.sqlite")) as store, closing(_client(url)) as c:
        with pytest.raises(ProtocolError):
            sync_once(store, data_dir=tmp_path, client=c)
        assert read_status(store).last_error == \
            "the server's reply was not understood: more: field required (GET /v1/pull)"
        assert remote.cursor(store) == 0


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765", "http://127.9.8.7", "http://[::1]:8765/",
                                 "http://localhost:1", "https://grid.example.gov.cn:8443"])
def test_plain_http_is_allowed_to_this_machine_only(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_HTTP_ENV, raising=False)
    check_url(url)


@pytest.mark.parametrize("url", ["http://10.0.0.8:8765", "http://grid.example.gov.cn", "http://[fe80::1]/",
                                 "http://127.0.0.1.example.com", "http://0.0.0.0:8765"])
def test_plain_http_elsewhere_is_refused_unless_the_lab_flag_is_set(
        url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_HTTP_ENV, raising=False)
    with pytest.raises(InsecureServerError, match=r"^refusing plain HTTP to .*: http:// is allowed only"):
        check_url(url)
    monkeypatch.setenv(ALLOW_HTTP_ENV, "1")
    check_url(url)
