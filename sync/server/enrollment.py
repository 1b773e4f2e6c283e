"""Enrollment (one-time code + device public key -> device id) and proof of the device key.

A device never sends a long-term secret: it asks for a challenge (``POST /v1/challenge``), signs
it with the Ed25519 key it made at enrollment, and trades the signature for a token. A revoked
device's challenge is answered with a wipe order signed by the server's identity key over the
device's own nonce, which the device checks against the key it pinned at enrollment.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from pathlib import Path

import sqlalchemy as sa
import uuid6
from cryptography.exceptions import InvalidSignature
from sqlalchemy.engine import Engine

from sync import doorplate
from sync.protocol import (
    ChallengeRequest,
    ChallengeResponse,
    EnrollRequest,
    EnrollResponse,
    TokenRequest,
    token_message,
    wipe_message,
)
from sync.server import auth, db, keys
from sync.server.refusal import Refused

#: How long a challenge may be answered (ms); each is good for one token.
CHALLENGE_TTL_MS = 60_000
_REENROLL = ("unknown device, or one enrolled before devices signed in with a key: "
             "enroll the device again with a new code")


def enroll(engine: Engine, data_dir: Path, req: EnrollRequest, now_ms: int) -> EnrollResponse:
    code_hash = auth.digest(auth.normalise_code(req.code))
    ec = db.enroll_code
    try:
        doorplate.load_public_key(req.public_key)
    except ValueError:
        raise Refused(422, "bad_public_key", "public_key: not an Ed25519 public key") from None
    with db.write_tx(engine) as conn:
        row = conn.execute(sa.select(ec).where(ec.c.code_hash == code_hash)).mappings().first()
        if row is None:
            raise Refused(403, "bad_code", "unknown enrollment code: check it, or ask IT for a new one")
        if row["used_at_ms"] is not None:
            raise Refused(403, "code_used", "this enrollment code was already used: ask IT for a new one")
        if row["expires_at_ms"] <= now_ms:
            raise Refused(403, "code_expired", "this enrollment code has expired: ask IT for a new one")
        device_id = req.device_id or str(uuid6.uuid7())
        known = conn.execute(sa.select(db.device.c.user_name, db.device.c.revoked)
                             .where(db.device.c.id == device_id)).first()
        keyed = conn.execute(sa.select(db.device_key.c.device_id)
                             .where(db.device_key.c.device_id == device_id)).first()
        # A device enrolled before keys (a secret only) enrolls again under its id with a new
        # code of the same user: its ledger and history stay; its old secret is dropped.
        if known is not None and (keyed is not None or known[1] or known[0] != row["user_name"]):
            raise Refused(409, "device_exists", f"device {device_id} is already enrolled")
        conn.execute(ec.update().where(ec.c.code_hash == code_hash)
                     .values(used_at_ms=now_ms, device_id=device_id))
        if known is None:
            conn.execute(db.device.insert().values(
                id=device_id, user_name=row["user_name"], name=req.device_name,
                secret_hash="", enrolled_at_ms=now_ms))  # no secret any more: the key proves it
        else:
            conn.execute(db.device.update().where(db.device.c.id == device_id)
                         .values(name=req.device_name, secret_hash=""))
        conn.execute(db.device_key.insert().values(device_id=device_id, public_key=req.public_key))
        role = conn.execute(sa.select(db.app_user.c.role)
                            .where(db.app_user.c.name == row["user_name"])).scalar_one()
        grids = sorted(r[0] for r in conn.execute(
            sa.select(db.user_grid.c.grid_id).where(db.user_grid.c.user_name == row["user_name"])))
    return EnrollResponse(device_id=device_id, user=row["user_name"], role=role,
                          grids=grids or json.loads(row["grids"]),
                          plate_public_keys=keys.public_keys(data_dir),
                          server_key=doorplate.public_key_text(keys.load_or_create_identity_key(data_dir)))


def _device(engine: Engine, device_id: str) -> tuple[str, bool]:
    """``(public key, revoked)`` of an enrolled device; 401 for unknown or pre-key devices."""
    k, d = db.device_key, db.device
    with db.read_tx(engine) as conn:
        row = conn.execute(sa.select(k.c.public_key, d.c.revoked)
                           .join(d, d.c.id == k.c.device_id).where(k.c.device_id == device_id)).first()
    if row is None:
        raise Refused(401, "bad_credentials", _REENROLL)
    return str(row[0]), bool(row[1])


def _revoked(data_dir: Path, device_id: str, device_nonce: str | None) -> Refused:
    proof = None
    if device_nonce is not None:
        key = keys.load_or_create_identity_key(data_dir)
        proof = base64.b64encode(key.sign(wipe_message(device_id, device_nonce))).decode("ascii")
    return Refused(403, "revoked", "this device was revoked: wipe its local data", wipe=True,
                   wipe_proof=proof)


def issue_challenge(engine: Engine, data_dir: Path, req: ChallengeRequest, now_ms: int) -> ChallengeResponse:
    """A single-use nonce for the device to sign; a revoked device gets a signed wipe order."""
    _key, revoked = _device(engine, req.device_id)
    if revoked:
        raise _revoked(data_dir, req.device_id, req.device_nonce)
    nonce = secrets.token_urlsafe(32)
    c = db.auth_challenge
    with db.write_tx(engine) as conn:
        conn.execute(c.delete().where(c.c.expires_at_ms <= now_ms))  # keep the table small
        conn.execute(c.insert().values(nonce=nonce, device_id=req.device_id,
                                       expires_at_ms=now_ms + CHALLENGE_TTL_MS))
    return ChallengeResponse(nonce=nonce, expires_at_ms=now_ms + CHALLENGE_TTL_MS)


def check_proof(engine: Engine, data_dir: Path, req: TokenRequest, now_ms: int) -> None:
    """Spend the challenge and verify the device's signature of it: 401 unless both hold."""
    public_key, revoked = _device(engine, req.device_id)
    c = db.auth_challenge
    with db.write_tx(engine) as conn:
        spent = conn.execute(c.delete().where(c.c.nonce == req.nonce, c.c.device_id == req.device_id,
                                              c.c.expires_at_ms > now_ms)).rowcount
    if spent != 1:
        raise Refused(401, "bad_challenge", "unknown, used or expired challenge: ask for a new one")
    try:
        doorplate.load_public_key(public_key).verify(
            base64.b64decode(req.signature, validate=True), token_message(req.device_id, req.nonce))
    except (InvalidSignature, ValueError, binascii.Error):
        raise Refused(401, "bad_signature", "the device's signature does not match its enrolled key: "
                      "enroll the device again") from None
    if revoked:
        raise _revoked(data_dir, req.device_id, None)
