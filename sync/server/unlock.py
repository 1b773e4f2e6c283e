"""Unlock codes for tablets locked out by wrong PINs (``gridpad-server admin unlock-code``).

The code is computed from the server's identity key and the device's enrolled public key
(:mod:`sync.unlock_code`), so the tablet checks it offline. Every code issued takes the device's
next counter and leaves a row in ``admin_audit`` (who, when, which device, which counter: never the
code itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync import unlock_code
from sync.server import db, keys
from sync.server.admin import AdminError

ACTION = "unlock-code"


@dataclass(frozen=True)
class IssuedCode:
    device_id: str
    user: str
    counter: int
    code: str  # DIGITS digits; print it, never log it


def issue_unlock_code(engine: Engine, data_dir: Path, device_id: str, actor: str, now_ms: int) -> IssuedCode:
    identity = keys.load_or_create_identity_key(data_dir)
    d, k, u = db.device, db.device_key, db.device_unlock
    with db.write_tx(engine) as conn:
        row = conn.execute(sa.select(d.c.user_name, d.c.revoked, k.c.public_key)
                           .join(k, k.c.device_id == d.c.id, isouter=True)
                           .where(d.c.id == device_id)).first()
        if row is None:
            raise AdminError(f"no device {device_id} (admin devices lists them)")
        if row[1]:
            raise AdminError(f"device {device_id} is revoked: it wipes its data at its next sync, "
                             "no unlock code is issued for it")
        if row[2] is None:
            raise AdminError(f"device {device_id} enrolled before devices held keys: enroll it again")
        last = conn.execute(sa.select(u.c.counter).where(u.c.device_id == device_id)).scalar()
        counter = int(last or 0) + 1
        if last is None:
            conn.execute(u.insert().values(device_id=device_id, counter=counter))
        else:
            conn.execute(u.update().where(u.c.device_id == device_id).values(counter=counter))
        conn.execute(db.admin_audit.insert().values(at_ms=now_ms, actor=actor[:100], action=ACTION,
                                                    device_id=device_id, detail=f"counter {counter}"))
    key = unlock_code.shared_key(identity, str(row[2]), device_id)
    return IssuedCode(device_id, str(row[0]), counter, unlock_code.code_for(key, device_id, counter))


@dataclass(frozen=True)
class AuditEntry:
    at_ms: int
    actor: str
    action: str
    device_id: str | None
    detail: str


def audit_log(engine: Engine, device_id: str | None = None) -> list[AuditEntry]:
    a = db.admin_audit
    q = sa.select(a.c.at_ms, a.c.actor, a.c.action, a.c.device_id, a.c.detail).order_by(a.c.id)
    if device_id is not None:
        q = q.where(a.c.device_id == device_id)
    with db.read_tx(engine) as conn:
        return [AuditEntry(int(r[0]), r[1], r[2], r[3], r[4]) for r in conn.execute(q)]
