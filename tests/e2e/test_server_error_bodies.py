"""A real `gridpad-server` refuses malformed bodies in its usual ErrorBody (never `{"detail": …}`,
never a 500), and a device told "500" says the server failed, not that it is unreachable
(issue #9, item 11)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from support.cli import gridpad, one_line_error
from support.live_server import Api, ApiFactory, Scope, ServerProcess, building, running_server, uid

from sync.protocol import ErrorBody


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _push_raw(api: Api, scope: Scope, fire_facilities: str, *, gzipped: bool) -> httpx.Response:
    change = api.change("building", uid(), "insert", building(scope.grid, fire_facilities=0))
    body = json.dumps({"device_id": api.device_id, "changes": [change]})
    body = body.replace('"fire_facilities": 0', f'"fire_facilities": {fire_facilities}')
    raw = body.encode()
    headers = {**api.auth, "Content-Type": "application/json"}
    if gzipped:
        raw, headers["Content-Encoding"] = gzip.compress(raw), "gzip"
    return api.http.post("/v1/push", content=raw, headers=headers)


@pytest.mark.parametrize("depth", [300, 990, 5000])
@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
def test_a_json_value_nested_too_deep_is_refused_with_422(server: ServerProcess, api_factory: ApiFactory,
                                                          depth: int, gzipped: bool) -> None:
    scope = server.new_scope()
    api = api_factory(scope)
    r = _push_raw(api, scope, _nested(depth), gzipped=gzipped)
    assert r.status_code == 422
    body = ErrorBody.model_validate_json(r.content)
    assert body.error in ("invalid_request", "too_deep") and body.reason
    assert _push_raw(api, scope, _nested(10), gzipped=gzipped).status_code == 200  # still serving


def test_invalid_utf8_is_refused_in_the_usual_error_body(server: ServerProcess,
                                                         api_factory: ApiFactory) -> None:
    api = api_factory(server.new_scope())
    r = api.http.post("/v1/push", content=b'{"device_id": "\xff\xfe", "changes": []}',
                      headers={**api.auth, "Content-Type": "application/json"})
    assert r.status_code == 400
    assert ErrorBody.model_validate_json(r.content) == ErrorBody(error="invalid_body",
                                                                 reason="the body is not UTF-8 text")
    r = api.http.post("/v1/token", content=b'{"device_id": "a", "device_secret": "b"',
                      headers={"Content-Type": "application/json"})  # cut short: not JSON
    assert r.status_code in (400, 422) and ErrorBody.model_validate_json(r.content).reason


def test_an_unknown_path_is_a_404_error_body(server: ServerProcess, api_factory: ApiFactory) -> None:
    api = api_factory(server.new_scope())
    r = api.get("/v1/no-such-thing")
    assert r.status_code == 404
    assert ErrorBody.model_validate_json(r.content).error == "not_found"


def test_gridpad_sync_says_the_server_failed_when_it_answers_500(tmp_path: Path) -> None:
    keyring_env = {"PYTHON_KEYRING_BACKEND": "support.file_keyring.FileKeyring",
                   "GRIDPAD_TEST_KEYRING_DIR": str(tmp_path / "ring")}
    tablet = tmp_path / "tablet"
    with running_server(tmp_path / "server") as server:
        scope = server.new_scope()
        done = gridpad(tablet, "enroll", "--server", server.url, "--code", scope.code, env=keyring_env)
        assert done.returncode == 0, done.stderr
        with server.engine.begin() as conn:  # the server's own database breaks under it
            conn.execute(sa.text("ALTER TABLE person RENAME TO person_lost"))
        line = one_line_error(gridpad(tablet, "sync", env=keyring_env), "sync")
        assert line.startswith("gridpad sync: the server failed (HTTP 500)"), line
        assert "unreachable" not in line
        assert server.proc is not None and server.proc.poll() is None  # still up, and said why in its log
        assert "person" in server.log_tail()
