"""Administration of the central system: towns, villages, grids, users, enrollment codes, devices.

Functions take an engine and raise :class:`AdminError` with a one-line reason for bad input.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync import hlc, merge
from sync.server import auth, db
from sync.server.central import SERVER_DEVICE, write_row

ROLES = ("manager", "supervisor")
CODE_TTL_MS = 7 * 24 * 3600 * 1000


class AdminError(Exception):
    pass


_CODE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")  # grid codes become row ids: same alphabet as ids


def _check_code(kind: str, code: str) -> None:
    if not _CODE.match(code):
        raise AdminError(f"{kind} code {code[:70]!r}: 1-64 characters A-Z a-z 0-9 _ . : -")


def _check_name(kind: str, name: str) -> None:
    if not name.strip() or len(name) > 100 or "\x00" in name:
        raise AdminError(f"{kind} name: 1-100 characters")


check_code = _check_code  # for the staff and hazard admin (sync.server.staff)
check_name = _check_name


def add_town(engine: Engine, code: str, name: str) -> None:
    _check_code("town", code)
    _check_name("town", name)
    with db.write_tx(engine) as conn:
        if conn.execute(sa.select(db.town.c.code).where(db.town.c.code == code)).first():
            raise AdminError(f"town {code} already exists")
        conn.execute(db.town.insert().values(code=code, name=name))


def add_village(engine: Engine, code: str, name: str, town: str) -> None:
    _check_code("village", code)
    _check_name("village", name)
    with db.write_tx(engine) as conn:
        if not conn.execute(sa.select(db.town.c.code).where(db.town.c.code == town)).first():
            raise AdminError(f"no town {town}; add it first with: admin town add {town} --name NAME")
        if conn.execute(sa.select(db.village.c.code).where(db.village.c.code == code)).first():
            raise AdminError(f"village {code} already exists")
        conn.execute(db.village.insert().values(code=code, name=name, town_code=town))


def add_grid(engine: Engine, code: str, name: str, village: str | None = None) -> None:
    """A grid is a synced, server-owned row (``grid.id`` = ``grid_id`` = code) that devices pull."""
    _check_code("grid", code)
    _check_name("grid", name)
    fields: dict[str, object] = {"grid_id": code, "code": code, "name": name, "is_demo": 0}
    g = db.synced["grid"]
    with db.write_tx(engine) as conn:
        if village is not None:
            v = conn.execute(sa.select(db.village.c.name, db.town.c.code, db.town.c.name)
                             .join(db.town, db.town.c.code == db.village.c.town_code)
                             .where(db.village.c.code == village)).first()
            if v is None:
                raise AdminError(f"no village {village}; add it first with: admin village add")
            fields.update(village_code=village, village_name=v[0], town_code=v[1], town_name=v[2])
        if conn.execute(sa.select(g.c.id).where(g.c.id == code)).first():
            raise AdminError(f"grid {code} already exists")
        seqs = db.SeqAllocator(conn)
        write_row(conn, seqs, "grid", code, fields, merge.Author(hlc.send(0, hlc.now_ms()), SERVER_DEVICE))
        seqs.save()


def add_user(engine: Engine, name: str, role: str, grids: list[str]) -> None:
    if role not in ROLES:
        raise AdminError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if not grids:
        raise AdminError("a user needs at least one grid (--grids CODE,…)")
    _check_name("user", name)
    g = db.synced["grid"]
    with db.write_tx(engine) as conn:
        known = {r[0] for r in conn.execute(sa.select(g.c.id).where(g.c.id.in_(grids)))}
        missing = [x for x in grids if x not in known]
        if missing:
            raise AdminError(f"no grid {', '.join(missing)}; add it first with: admin grid add")
        if (conn.execute(sa.select(db.app_user.c.name).where(db.app_user.c.name == name)).first()
                or conn.execute(sa.select(db.staff_user.c.name).where(db.staff_user.c.name == name)).first()):
            raise AdminError(f"user {name} already exists")
        conn.execute(db.app_user.insert().values(name=name, role=role))
        conn.execute(db.user_grid.insert(), [{"user_name": name, "grid_id": x} for x in dict.fromkeys(grids)])


def set_user_grids(engine: Engine, name: str, grids: list[str]) -> None:
    """Replace ``name``'s grids. Devices read their scope on every request: the next sync of each
    of the user's devices downloads the added grids' rows and removes the dropped grids' rows."""
    if not grids:
        raise AdminError("a user needs at least one grid (--grids CODE,…)")
    g = db.synced["grid"]
    with db.write_tx(engine) as conn:
        if not conn.execute(sa.select(db.app_user.c.name).where(db.app_user.c.name == name)).first():
            raise AdminError(f"no user {name}; add it first with: admin user add")
        known = {r[0] for r in conn.execute(sa.select(g.c.id).where(g.c.id.in_(grids)))}
        missing = [x for x in grids if x not in known]
        if missing:
            raise AdminError(f"no grid {', '.join(missing)}; add it first with: admin grid add")
        conn.execute(db.user_grid.delete().where(db.user_grid.c.user_name == name))
        conn.execute(db.user_grid.insert(), [{"user_name": name, "grid_id": x} for x in dict.fromkeys(grids)])


def issue_code(engine: Engine, user: str, now_ms: int, ttl_ms: int = CODE_TTL_MS) -> str:
    """A one-time enrollment code for ``user`` (only its hash is stored)."""
    code = auth.new_code()
    with db.write_tx(engine) as conn:
        u = conn.execute(sa.select(db.app_user.c.role).where(db.app_user.c.name == user)).first()
        if u is None:
            raise AdminError(f"no user {user}; add it first with: admin user add")
        grids = sorted(r[0] for r in conn.execute(
            sa.select(db.user_grid.c.grid_id).where(db.user_grid.c.user_name == user)))
        conn.execute(db.enroll_code.insert().values(
            code_hash=auth.digest(auth.normalise_code(code)), user_name=user, role=u[0],
            grids=json.dumps(grids), expires_at_ms=now_ms + ttl_ms))
    return code


@dataclass(frozen=True)
class DeviceInfo:
    id: str
    user: str
    name: str | None
    revoked: bool
    enrolled_at_ms: int
    last_sync_ms: int | None
    backlog: int | None
    photo_backlog: int | None


def devices(engine: Engine) -> list[DeviceInfo]:
    d = db.device
    with db.read_tx(engine) as conn:
        rows = conn.execute(sa.select(d).order_by(d.c.user_name, d.c.id)).mappings().all()
    return [DeviceInfo(r["id"], r["user_name"], r["name"], bool(r["revoked"]), r["enrolled_at_ms"],
                       r["last_sync_ms"], r["backlog"], r["photo_backlog"]) for r in rows]


def revoke(engine: Engine, device_id: str) -> None:
    with db.write_tx(engine) as conn:
        done = conn.execute(db.device.update().where(db.device.c.id == device_id).values(revoked=1))
        if done.rowcount == 0:
            raise AdminError(f"no device {device_id}")


@dataclass(frozen=True)
class RosterEntry:
    """One user of a roster file; ``where`` names its line for messages (``users.csv line 3``)."""

    where: str
    name: str
    role: str
    grids: tuple[str, ...]


def issue_roster_codes(engine: Engine, entries: list[RosterEntry], now_ms: int,
                       ttl_ms: int = CODE_TTL_MS) -> list[str]:
    """One enrollment code per entry, in entry order, all or none (one transaction).

    Users not yet known are added; a known user must already have the entry's role and grids, so a
    roster never silently changes who sees what. Every problem is reported at once.
    """
    g = db.synced["grid"]
    problems: list[str] = []
    codes: list[str] = []
    with db.write_tx(engine) as conn:
        known_grids = {r[0] for r in conn.execute(sa.select(g.c.id))}
        users = {r[0]: r[1] for r in conn.execute(sa.select(db.app_user.c.name, db.app_user.c.role))}
        user_grids: dict[str, set[str]] = {}
        for user, grid in conn.execute(sa.select(db.user_grid.c.user_name, db.user_grid.c.grid_id)):
            user_grids.setdefault(user, set()).add(grid)
        seen: set[str] = set()
        for e in entries:
            try:
                _check_name("user", e.name)
                if e.role not in ROLES:
                    raise AdminError(f"role must be one of {', '.join(ROLES)}, not {e.role!r}")
                if not e.grids:
                    raise AdminError("grids: at least one grid code")
                missing = [x for x in e.grids if x not in known_grids]
                if missing:
                    raise AdminError(f"no grid {', '.join(missing)}; add it first with: admin grid add")
                if e.name in seen:
                    raise AdminError(f"user {e.name} is listed twice")
                has = user_grids.get(e.name, set())
                if e.name in users and (users[e.name], has) != (e.role, set(e.grids)):
                    raise AdminError(f"user {e.name} exists as {users[e.name]} of {','.join(sorted(has))}, "
                                     f"not {e.role} of {','.join(sorted(e.grids))}")
            except AdminError as err:
                problems.append(f"{e.where}: {err}")
            seen.add(e.name)
        if problems:
            raise AdminError(f"{len(problems)} problem(s), no code issued:\n  " + "\n  ".join(problems))
        for e in entries:
            if e.name not in users:
                conn.execute(db.app_user.insert().values(name=e.name, role=e.role))
                conn.execute(db.user_grid.insert(),
                             [{"user_name": e.name, "grid_id": x} for x in dict.fromkeys(e.grids)])
            code = auth.new_code()
            conn.execute(db.enroll_code.insert().values(
                code_hash=auth.digest(auth.normalise_code(code)), user_name=e.name, role=e.role,
                grids=json.dumps(sorted(set(e.grids))), expires_at_ms=now_ms + ttl_ms))
            codes.append(code)
    return codes
