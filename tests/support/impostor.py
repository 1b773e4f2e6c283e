"""A fake server at another address (issue #9, item 8): it answers every request as ``mode`` says and
notes what it was sent, so tests check that a tablet pointed at it learns that nothing is right,
deletes nothing and sends nothing reusable.

Modes: ``wipe`` (403 ``{"error": "revoked", "wipe": true}``, signed by its own key when
``sign_with_own_key``), ``junk`` (200 with a body that is not JSON), ``shapeless`` (200 with JSON
of no expected shape), ``server_error`` (500), ``not_found`` (404 HTML). For HTTPS it serves the
given certificate (e.g. from the enrolled server's own CA, so only the pinned key tells it apart).
"""

from __future__ import annotations

import base64
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from support.live_server import TLSFiles
from sync.protocol import wipe_message

MODES = ("wipe", "junk", "shapeless", "server_error", "not_found")

#: What ``gridpad sync`` says of a wipe order it could not verify.
UNPROVEN = "claims this tablet is revoked but could not prove it is the enrolled server; nothing was deleted"


class Impostor:
    def __init__(self, url: str) -> None:
        self.url = url
        self.seen: list[tuple[str, bytes]] = []  # ("METHOD /path?query", body)
        self.mode = "wipe"
        self.sign_with_own_key = False

    def answer(self, body: bytes, own_key: Ed25519PrivateKey) -> tuple[int, str, bytes]:
        """(status, content type, body) for a request with ``body``."""
        if self.mode == "junk":
            return 200, "application/json", b"\x00not json{{"
        if self.mode == "shapeless":
            return 200, "application/json", json.dumps({"token": 7, "nonce": [], "wipe": "yes"}).encode()
        if self.mode == "server_error":
            return 500, "application/json", b'{"detail": "Internal Server Error"}'
        if self.mode == "not_found":
            return 404, "text/html", b"<html><body>Not Found</body></html>"
        answer: dict[str, object] = {"error": "revoked", "reason": "revoked", "wipe": True}
        if self.sign_with_own_key and body:
            ask = json.loads(body)
            sig = own_key.sign(wipe_message(ask.get("device_id", ""), ask.get("device_nonce", "")))
            answer["wipe_proof"] = base64.b64encode(sig).decode()
        return 403, "application/json", json.dumps(answer).encode()


@contextmanager
def impostor(tls: TLSFiles | None = None) -> Iterator[Impostor]:
    """A running :class:`Impostor` on 127.0.0.1 (HTTPS with ``tls``), stopped afterwards."""
    own_key = Ed25519PrivateKey.generate()
    fake = Impostor("")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            fake.seen.append((f"{self.command} {self.path}", body))
            status, kind, data = fake.answer(body, own_key)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_HEAD = _answer  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    scheme = "http"
    if tls is not None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(tls.certfile, tls.keyfile)
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
        scheme = "https"
    fake.url = f"{scheme}://127.0.0.1:{httpd.server_address[1]}"
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield fake
    finally:
        httpd.shutdown()
        httpd.server_close()
