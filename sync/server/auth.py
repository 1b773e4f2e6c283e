"""Enrollment codes and short-lived bearer tokens (HMAC-SHA256 signed).

Codes are random with 80 bits of entropy, so a plain SHA-256 is enough to store them (a slow
password hash guards guessable passwords, which these are not). Devices prove themselves with an
Ed25519 signature (:mod:`sync.server.enrollment`), never a secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.server import db

TOKEN_TTL_MS = 15 * 60 * 1000
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: typed from paper


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_code() -> str:
    """A one-time enrollment code like ``K7QX-M2PA-9HRT-W4DE`` (80 bits)."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    return "-".join(chars[i:i + 4] for i in range(0, 16, 4))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def signing_key(conn: Connection) -> bytes:
    """The token key, kept in the database so every server process on it agrees."""
    row = conn.execute(sa.select(db.server_secret.c.value)
                       .where(db.server_secret.c.name == "token")).first()
    if row is not None:
        return base64.b64decode(row[0])
    key = secrets.token_bytes(32)
    conn.execute(db.server_secret.insert().values(name="token", value=base64.b64encode(key).decode()))
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_token(key: bytes, device_id: str, now_ms: int, ttl_ms: int = TOKEN_TTL_MS) -> tuple[str, int]:
    expires = now_ms + ttl_ms
    body = _b64(json.dumps({"d": device_id, "e": expires}, separators=(",", ":")).encode())
    sig = _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest())
    return f"{body}.{sig}", expires


class TokenError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_token(key: bytes, token: str, now_ms: int) -> str:
    """The device id a valid, unexpired token names; ``TokenError`` otherwise."""
    body, _, sig = token.partition(".")
    try:
        expected = hmac.new(key, body.encode("ascii"), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(sig)):
            raise TokenError("bad token signature")
        claims = json.loads(_unb64(body))
        device_id, expires = str(claims["d"]), int(claims["e"])
    except (ValueError, KeyError, TypeError, UnicodeError):
        raise TokenError("malformed token") from None
    if expires <= now_ms:
        raise TokenError("token expired")
    return device_id
