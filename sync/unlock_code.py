"""Unlock codes for a tablet locked out by wrong PINs: issued by the central system, checked offline.

Both sides already hold what a shared key needs: the tablet keeps its Ed25519 device key and the
server identity key it pinned at enrollment; the server keeps its identity key and the device's
public key. Each side turns its Ed25519 keys into X25519 ones (the birational map libsodium's
``crypto_sign_ed25519_*_to_curve25519`` and age's ``ssh-ed25519`` recipients use) and runs
X25519, so both reach the same secret without it ever crossing the network; HKDF binds it to the
device id.

A code is HOTP-shaped (RFC 4226): HMAC-SHA256 over the device id and a counter the server raises
with every code it issues, cut to :data:`DIGITS` decimal digits. The tablet accepts a code whose
counter lies just above the last one it used (:data:`WINDOW`, so codes issued and never typed do
not desynchronise it) and then remembers that counter: every code works once.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync import doorplate

DIGITS = 8
#: How far past the last used counter a code may be (codes issued but never typed).
WINDOW = 20
_P = 2**255 - 19


def x25519_private(key: Ed25519PrivateKey) -> X25519PrivateKey:
    """The X25519 half of an Ed25519 private key (SHA-512 of the seed, clamped by X25519)."""
    seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())
    return X25519PrivateKey.from_private_bytes(hashlib.sha512(seed).digest()[:32])


def x25519_public(ed25519_public: bytes) -> X25519PublicKey:
    """The X25519 public key of an Ed25519 one: u = (1 + y) / (1 - y) mod p."""
    if len(ed25519_public) != 32:
        raise ValueError("not an Ed25519 public key")
    y = int.from_bytes(ed25519_public, "little") & ((1 << 255) - 1)
    if y >= _P or y == 1:
        raise ValueError("not an Ed25519 public key")
    u = (1 + y) * pow(1 - y, _P - 2, _P) % _P
    return X25519PublicKey.from_public_bytes(u.to_bytes(32, "little"))


def shared_key(own: Ed25519PrivateKey, peer_public: str, device_id: str) -> bytes:
    """The unlock key of ``device_id``: the device computes it with its key and the server's
    public key, the server with its identity key and the device's public key (base64 raw)."""
    peer = doorplate.load_public_key(peer_public)
    raw = peer.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    secret = x25519_private(own).exchange(x25519_public(raw))
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"gridpad unlock code v1 " + device_id.encode()).derive(secret)


def code_for(key: bytes, device_id: str, counter: int) -> str:
    """The code with this counter (RFC 4226 dynamic truncation of HMAC-SHA256)."""
    mac = hmac.new(key, f"unlock|{device_id}|{counter}".encode(), hashlib.sha256).digest()
    offset = mac[-1] & 0x0F
    number = int.from_bytes(mac[offset:offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def normalise(typed: str) -> str:
    """The digits of a code as typed or read out (spaces and dashes dropped)."""
    return "".join(ch for ch in typed if ch not in " -\u3000")


def matching_counter(key: bytes, device_id: str, typed: str, last_used: int) -> int | None:
    """The counter of the valid code ``typed`` above ``last_used`` (within :data:`WINDOW`), or None."""
    code = normalise(typed)
    if len(code) != DIGITS or not code.isdigit():
        return None
    for counter in range(last_used + 1, last_used + WINDOW + 1):
        if hmac.compare_digest(code_for(key, device_id, counter), code):
            return counter
    return None


def spaced(code: str) -> str:
    """``1234 5678``: easier to read out over the phone."""
    return f"{code[:4]} {code[4:]}"
