"""Staff of the town centre and of departments: organisations, accounts, password sign-in.

Staff have no grids and no devices. A password is hashed with argon2id (argon2-cffi) and never
stored, logged or accepted on a command line; signing in gives the same short-lived HMAC token as
a device's (:mod:`sync.server.auth`) with a ``staff:`` subject, so a staff token is never taken for
a device's. Repeated failures for one name lock it out for a growing while (every server process
on the database agrees: the count is stored).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine

from sync.rules.hazard_workflow import Actor, Role
from sync.server import db
from sync.server.admin import AdminError, check_code, check_name

STAFF_ROLES = ("centre", "department")
SUBJECT_PREFIX = "staff:"
MIN_PASSWORD = 10
MAX_PASSWORD = 200
#: Failures in a row that lock a name out for LOCK_MS; each further failure doubles it, up to the cap.
FREE_FAILURES = 5
LOCK_MS = 30_000
MAX_LOCK_MS = 15 * 60_000

_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-password-of-anyone")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AdminError(f"password: at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AdminError(f"password: at most {MAX_PASSWORD} characters")


def add_org(engine: Engine, name: str, town: str | None) -> None:
    check_name("organisation", name)
    if town is not None:
        check_code("town", town)
    with db.write_tx(engine) as conn:
        known_town = conn.execute(sa.select(db.town.c.code).where(db.town.c.code == town)).first()
        if town is not None and not known_town:
            raise AdminError(f"no town {town}; add it first with: admin town add {town} --name NAME")
        if conn.execute(sa.select(db.org.c.name).where(db.org.c.name == name)).first():
            raise AdminError(f"organisation {name} already exists")
        conn.execute(db.org.insert().values(name=name, town=town))


def add_staff(engine: Engine, name: str, role: str, password: str, now_ms: int, *,
              town: str | None = None, org: str | None = None) -> None:
    """A centre user (``town``) or a department user (``org``), with its password's hash."""
    check_name("user", name)
    if role == "centre":
        if not town or org:
            raise AdminError("a centre user needs --town CODE (and no --org)")
    elif role == "department":
        if not org or town:
            raise AdminError("a department user needs --org NAME (and no --town: the organisation has it)")
    else:
        raise AdminError(f"role must be one of {', '.join(STAFF_ROLES)}, not {role!r}")
    check_password(password)
    hashed = _hasher.hash(password)
    with db.write_tx(engine) as conn:
        if town and not conn.execute(sa.select(db.town.c.code).where(db.town.c.code == town)).first():
            raise AdminError(f"no town {town}; add it first with: admin town add {town} --name NAME")
        if org and not conn.execute(sa.select(db.org.c.name).where(db.org.c.name == org)).first():
            raise AdminError(f"no organisation {org}; add it first with: admin org add NAME")
        taken = (conn.execute(sa.select(db.app_user.c.name).where(db.app_user.c.name == name)).first()
                 or conn.execute(sa.select(db.staff_user.c.name).where(db.staff_user.c.name == name)).first())
        if taken:
            raise AdminError(f"user {name} already exists")
        conn.execute(db.staff_user.insert().values(name=name, role=role, town=town, org=org,
                                                   password_hash=hashed, created_at_ms=now_ms))


def actor_of(engine: Engine, name: str) -> Actor | None:
    """The staff account ``name`` as a workflow actor (None: no such staff user)."""
    s = db.staff_user
    with db.read_tx(engine) as conn:
        row = conn.execute(sa.select(s.c.role, s.c.town, s.c.org).where(s.c.name == name)).first()
        if row is None:
            return None
        town = row[1]
        if row[0] == "department" and row[2]:  # a department's town is its organisation's
            town = conn.execute(sa.select(db.org.c.town).where(db.org.c.name == row[2])).scalar()
    return Actor(user=name, role=Role(row[0]), org=row[2] or "", town=town)


@dataclass(frozen=True)
class SignIn:
    ok: bool
    #: When refused because of earlier failures: milliseconds until the next try is heard.
    retry_after_ms: int = 0


def sign_in(engine: Engine, name: str, password: str, now_ms: int) -> SignIn:
    """Check ``name``'s password unless the name is locked out; count failures, clear on success."""
    name = name[:100]
    s, t = db.staff_user, db.staff_login
    with db.read_tx(engine) as conn:
        lock = conn.execute(sa.select(t.c.failures, t.c.locked_until_ms).where(t.c.name == name)).first()
        stored = conn.execute(sa.select(s.c.password_hash).where(s.c.name == name)).scalar()
    if lock is not None and lock[1] > now_ms:
        return SignIn(False, int(lock[1] - now_ms))
    try:
        good = _hasher.verify(stored or _DUMMY_HASH, password[:MAX_PASSWORD + 1]) and stored is not None
    except (VerificationError, InvalidHashError):
        good = False
    with db.write_tx(engine) as conn:
        if good:
            conn.execute(t.delete().where(t.c.name == name))
            return SignIn(True)
        row = conn.execute(sa.select(t.c.failures).where(t.c.name == name).with_for_update()).first()
        failures = (row[0] if row else 0) + 1
        over = failures - FREE_FAILURES + 1
        until = now_ms + min(LOCK_MS * 2 ** min(over - 1, 10), MAX_LOCK_MS) if over > 0 else 0
        if row is None:
            conn.execute(t.insert().values(name=name, failures=failures, locked_until_ms=until))
        else:
            conn.execute(t.update().where(t.c.name == name).values(failures=failures, locked_until_ms=until))
    return SignIn(False, max(0, until - now_ms))
