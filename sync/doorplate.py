"""QR door-plate payloads: made and signed by the central system, verified offline on the tablet.

Format (version 1)::

    GP1.<building id>.<key id>.<signature>

- ``building id``: the building's UUID as 16 raw bytes, RFC 4648 base32, upper case, no padding
  (26 characters);
- ``key id``: 1–8 characters ``A-Z 0-9`` naming the signing key, so several keys can be valid at
  once while the server rotates its key;
- ``signature``: Ed25519 over the ASCII text ``GP1.<building id>.<key id>`` (so version, building
  and key id are all bound), base32 as above (103 characters).

Why base32 and not base64url: every character of the payload (``0-9 A-Z .``) is in the QR code's
*alphanumeric* mode, 5.5 bits a character instead of 8. At error-correction level H the payload
fits a version-9 code (53×53 modules) instead of version 10 (57×57) with base64url in byte mode,
so the modules are bigger on the same plate and read from further away.

Decoding is strict: a payload must re-encode to exactly the same text, so a flipped spare bit or a
lower-cased character never passes as the original.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VERSION = "GP1"
_ID_CHARS = 26  # base32 of 16 bytes
_SIG_CHARS = 103  # base32 of 64 bytes
_KEY_ID = re.compile(r"[A-Z0-9]{1,8}")
# Something that has our shape even if a character of the prefix or a separator got damaged.
_OUR_PREFIX = re.compile(r"^GP\d*\.", re.IGNORECASE)
_OUR_SHAPE = re.compile(r"^.{0,4}[A-Z2-7]{20,32}.{1,10}[A-Z2-7]{95,110}.?$", re.DOTALL)


class PlateStatus(enum.Enum):
    VALID = "valid"
    FOREIGN = "foreign"  # not a GridPad plate at all: payment code, URL, any other text
    DAMAGED = "damaged"  # our prefix, but truncated, garbled or not decodable
    FORGED = "forged"  # well formed, but the signature does not match
    UNKNOWN_KEY = "unknown_key"  # signed with a key this device does not know (yet)


#: Plain-words messages (English). The UI translates by status.
MESSAGES: dict[PlateStatus, str] = {
    PlateStatus.VALID: "Valid GridPad door plate.",
    PlateStatus.FOREIGN: "Not a GridPad door plate (another QR code, e.g. a payment code or a web link).",
    PlateStatus.DAMAGED: "GridPad door plate, but the code is damaged or incomplete; rescan it or report the "
    "plate for replacement.",
    PlateStatus.FORGED: "This door plate's signature is wrong: it was not issued by the central system. "
    "Do not trust it; report the plate.",
    PlateStatus.UNKNOWN_KEY: "This door plate was signed with a key this tablet does not know yet; sync the "
    "tablet and scan again.",
}


@dataclass(frozen=True)
class PlateCheck:
    status: PlateStatus
    message: str
    #: The building id (canonical UUID text) for VALID; also set for FORGED/UNKNOWN_KEY, but only
    #: VALID may ever be used to open a building.
    building_id: str | None = None
    key_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is PlateStatus.VALID


# --- encoding ---------------------------------------------------------------------------------

def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _unb32(text: str, size: int) -> bytes | None:
    """Strict decode: only the canonical encoding of exactly ``size`` bytes is accepted."""
    try:
        data = base64.b32decode(text + "=" * (-len(text) % 8), casefold=False)
    except (binascii.Error, ValueError):
        return None
    if len(data) != size or _b32(data) != text:
        return None
    return data


def _signed_part(id_text: str, key_id: str) -> bytes:
    return f"{VERSION}.{id_text}.{key_id}".encode("ascii")


def make_payload(building_id: str, private_key: Ed25519PrivateKey, key_id: str) -> str:
    """The QR text for one building, signed with the server's private key."""
    if not _KEY_ID.fullmatch(key_id):
        raise ValueError(f"key id {key_id!r}: must be 1-8 characters A-Z 0-9")
    try:
        raw = uuid.UUID(building_id).bytes
    except ValueError:
        raise ValueError(f"building id {building_id!r}: must be a UUID") from None
    id_text = _b32(raw)
    signature = private_key.sign(_signed_part(id_text, key_id))
    return f"{VERSION}.{id_text}.{key_id}.{_b32(signature)}"


# --- verification -----------------------------------------------------------------------------

def _check(status: PlateStatus, building_id: str | None = None, key_id: str | None = None) -> PlateCheck:
    return PlateCheck(status, MESSAGES[status], building_id, key_id)


def _looks_like_ours(text: str) -> bool:
    return bool(_OUR_PREFIX.match(text) or _OUR_SHAPE.match(text))


def verify(text: str, public_keys: Mapping[str, Ed25519PublicKey | str]) -> PlateCheck:
    """Tell what ``text`` (one decoded QR code) is. ``public_keys`` maps key id → key (or its text)."""
    text = text.strip()
    if not text.startswith(VERSION + "."):
        return _check(PlateStatus.DAMAGED if _looks_like_ours(text) else PlateStatus.FOREIGN)
    parts = text.split(".")
    if len(parts) != 4:
        return _check(PlateStatus.DAMAGED)
    _, id_text, key_id, sig_text = parts
    raw_id = _unb32(id_text, 16)
    signature = _unb32(sig_text, 64)
    if raw_id is None or signature is None or not _KEY_ID.fullmatch(key_id):
        return _check(PlateStatus.DAMAGED)
    building_id = str(uuid.UUID(bytes=raw_id))
    key = public_keys.get(key_id)
    if key is None:
        return _check(PlateStatus.UNKNOWN_KEY, building_id, key_id)
    if isinstance(key, str):
        key = load_public_key(key)
    try:
        key.verify(signature, _signed_part(id_text, key_id))
    except InvalidSignature:
        return _check(PlateStatus.FORGED, building_id, key_id)
    return _check(PlateStatus.VALID, building_id, key_id)


# --- key text helpers -------------------------------------------------------------------------

def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_key_text(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """The raw 32-byte public key in standard base64 (what enrollment hands the tablet)."""
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def load_public_key(text: str) -> Ed25519PublicKey:
    """Inverse of :func:`public_key_text`; ``ValueError`` if it is not a 32-byte base64 key."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("public key: not base64 text") from None
    if len(raw) != 32:
        raise ValueError(f"public key: must be 32 bytes, got {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


def key_id_for(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """A default key id: 4 base32 characters of the SHA-256 of the raw public key."""
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _b32(hashlib.sha256(raw).digest())[:4]


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    """PKCS#8 PEM, unencrypted (protect the file with permissions)."""
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def load_private_key_pem(data: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("private key: not an Ed25519 key")
    return key
