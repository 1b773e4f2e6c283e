"""ASGI middleware: cap request bodies and inflate ``Content-Encoding: gzip`` safely.

The whole body is read (at most ``max_wire`` bytes on the wire), inflated with a hard cap on the
output (a gzip bomb stops at ``max_body`` + 1 bytes), then handed to the app as a plain body.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 5 * 1024 * 1024


async def _refuse(send: Send, status: int, error: str, reason: str) -> None:
    body = json.dumps({"error": error, "reason": reason, "problems": [], "wipe": False}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _inflate(data: bytes, limit: int) -> bytes | None:
    """gzip-inflate at most ``limit`` bytes; None if the output would be larger."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = d.decompress(data, limit + 1)
    if len(out) > limit or d.unconsumed_tail:
        return None
    out += d.flush(limit + 1 - len(out))
    if len(out) > limit:
        return None
    if not d.eof:
        raise zlib.error("truncated gzip stream")
    return out


class BodyLimit:
    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _refuse(send, 413, "too_large", f"request body over {self.max_body} bytes")
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await _refuse(send, 413, "too_large", f"request body over {self.max_body} bytes")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        encoding = headers.get(b"content-encoding", b"identity").strip().lower()
        if encoding == b"gzip":
            try:
                inflated = _inflate(body, self.max_body)
            except zlib.error:
                await _refuse(send, 400, "bad_gzip", "the gzip body is damaged or incomplete")
                return
            if inflated is None:
                await _refuse(send, 413, "too_large", f"inflated body over {self.max_body} bytes")
                return
            body = inflated
            scope = dict(scope)
            scope["headers"] = [(k, v) for k, v in scope["headers"]
                                if k.lower() not in (b"content-encoding", b"content-length")]
            scope["headers"].append((b"content-length", str(len(body)).encode()))
        elif encoding not in (b"identity", b""):
            await _refuse(send, 415, "bad_encoding", "only gzip or identity content encoding")
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
