"""The sync client reads the real server's replies through the sync.protocol models: a reply that
lost a field stops the sync with a plain error naming it (nothing half-applied), and fields a newer
server adds are ignored. An HTTP proxy in front of a real server rewrites the replies."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from support.devices import Device
from support.live_server import ServerProcess

from gridpad.store import remote, repo
from gridpad.sync_client.errors import ProtocolError
from gridpad.sync_client.status import read_status

Rewrite = Callable[[str, Any], Any]

_FORWARDED = ("Authorization", "Content-Type", "Content-Encoding", "Content-Range")


class RewritingProxy:
    """Forwards every request to ``upstream`` and passes each JSON reply through ``rewrite(path, body)``."""

    def __init__(self, upstream: str, rewrite: Rewrite) -> None:
        session = requests.Session()

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k in _FORWARDED if (v := self.headers.get(k)) is not None}
                resp = session.request(self.command, upstream + self.path, data=body, headers=headers,
                                       timeout=30)
                data = resp.content  # requests has inflated a gzip answer
                if resp.headers.get("Content-Type", "").startswith("application/json"):
                    path = self.path.split("?")[0]
                    data = json.dumps(rewrite(path, json.loads(data)), ensure_ascii=False).encode()
                self.send_response(resp.status_code)
                self.send_header("Content-Type", resp.headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = _forward  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def proxied(server: ServerProcess) -> Iterator[Callable[[Rewrite], RewritingProxy]]:
    made: list[RewritingProxy] = []

    def make(rewrite: Rewrite) -> RewritingProxy:
        made.append(RewritingProxy(server.url, rewrite))
        return made[-1]

    yield make
    for p in made:
        p.close()


def _without_more(path: str, body: Any) -> Any:
    if path == "/v1/pull":
        body.pop("more")
    return body


def test_a_pull_reply_without_more_stops_the_sync_with_its_name_and_applies_nothing(
        server: ServerProcess, make_device: Callable[[str], Device],
        proxied: Callable[[Rewrite], RewritingProxy]) -> None:
    scope = server.new_scope(users=2)
    a, b = make_device("a"), make_device("b")
    a.enroll(server.url, scope.codes[0])
    b.enroll(server.url, scope.codes[1])
    pid = repo.insert(a.store, "person", {"grid_id": scope.grid, "name": "黄敏"})
    a.sync()

    b.retarget(proxied(_without_more).url)
    with pytest.raises(ProtocolError) as info:
        b.sync()
    said = "the server's reply was not understood: more: field required (GET /v1/pull)"
    assert str(info.value) == said
    assert read_status(b.store).last_error == said  # what the status strip shows
    assert remote.cursor(b.store) == 0 and repo.get(b.store, "person", pid) is None

    b.retarget(server.url)  # the same server answering in full: the sync goes through
    assert b.sync().pulled >= 1
    assert repo.get(b.store, "person", pid) is not None
    assert read_status(b.store).last_error is None


def _with_extras(_path: str, body: Any) -> Any:
    if isinstance(body, dict):
        body["added_by_a_newer_server"] = {"x": 1}
        for row in body.get("rows", []):
            row["origin"] = "elsewhere"
    return body


def test_fields_a_newer_server_adds_are_ignored_on_every_reply(
        server: ServerProcess, make_device: Callable[[str], Device],
        proxied: Callable[[Rewrite], RewritingProxy]) -> None:
    scope = server.new_scope(users=2)
    proxy = proxied(_with_extras)
    a, b = make_device("a"), make_device("b")
    a.enroll(proxy.url, scope.codes[0])  # enroll and token replies carry the extra field too
    b.enroll(proxy.url, scope.codes[1])
    pid = repo.insert(a.store, "person", {"grid_id": scope.grid, "name": "邓超"})
    pushed = a.sync(verify=True)
    assert pushed.pushed == 1 and pushed.redownloaded == []
    pulled = b.sync(verify=True)
    assert pulled.pulled >= 1 and pulled.redownloaded == []
    assert repo.get(b.store, "person", pid) is not None
    assert read_status(b.store).last_error is None
