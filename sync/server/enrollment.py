"""Enrollment (one-time code -> device credential) and credential checks."""

from __future__ import annotations

import hmac
import json
from pathlib import Path

import sqlalchemy as sa
import uuid6
from sqlalchemy.engine import Engine

from sync.protocol import EnrollRequest, EnrollResponse
from sync.server import auth, db, keys
from sync.server.refusal import Refused


def enroll(engine: Engine, data_dir: Path, req: EnrollRequest, now_ms: int) -> EnrollResponse:
    code_hash = auth.digest(auth.normalise_code(req.code))
    ec = db.enroll_code
    secret = auth.new_secret()
    with db.write_tx(engine) as conn:
        row = conn.execute(sa.select(ec).where(ec.c.code_hash == code_hash)).mappings().first()
        if row is None:
            raise Refused(403, "bad_code", "unknown enrollment code: check it, or ask IT for a new one")
        if row["used_at_ms"] is not None:
            raise Refused(403, "code_used", "this enrollment code was already used: ask IT for a new one")
        if row["expires_at_ms"] <= now_ms:
            raise Refused(403, "code_expired", "this enrollment code has expired: ask IT for a new one")
        device_id = req.device_id or str(uuid6.uuid7())
        if conn.execute(sa.select(db.device.c.id).where(db.device.c.id == device_id)).first():
            raise Refused(409, "device_exists", f"device {device_id} is already enrolled")
        conn.execute(ec.update().where(ec.c.code_hash == code_hash)
                     .values(used_at_ms=now_ms, device_id=device_id))
        conn.execute(db.device.insert().values(
            id=device_id, user_name=row["user_name"], name=req.device_name,
            secret_hash=auth.digest(secret), enrolled_at_ms=now_ms))
        role = conn.execute(sa.select(db.app_user.c.role)
                            .where(db.app_user.c.name == row["user_name"])).scalar_one()
        grids = sorted(r[0] for r in conn.execute(
            sa.select(db.user_grid.c.grid_id).where(db.user_grid.c.user_name == row["user_name"])))
    return EnrollResponse(device_id=device_id, device_secret=secret, user=row["user_name"], role=role,
                          grids=grids or json.loads(row["grids"]),
                          plate_public_keys=keys.public_keys(data_dir))


def check_credential(engine: Engine, device_id: str, secret: str) -> None:
    """Refuse unknown devices, wrong secrets (401) and revoked devices (403, wipe)."""
    with db.read_tx(engine) as conn:
        row = conn.execute(sa.select(db.device.c.secret_hash, db.device.c.revoked)
                           .where(db.device.c.id == device_id)).first()
    if row is None or not hmac.compare_digest(row[0], auth.digest(secret)):
        raise Refused(401, "bad_credentials", "unknown device or wrong secret: enroll the device again")
    if row[1]:
        raise Refused(403, "revoked", "this device was revoked: wipe its local data", wipe=True)
