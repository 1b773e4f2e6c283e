"""Hazards on the server: the append-only timeline, its fold, and who sees what.

A hazard's state is always :func:`sync.rules.hazard_workflow.fold` of its stored events; the
``hazard`` row only caches that fold for listing. An event is appended by :func:`act` only after
:func:`check_event` accepts it against the current fold, in one write transaction that first locks
the hazard row: concurrent actions are ordered by the server and a stale one is refused with the
reason (state, allowed actions) instead of being lost.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, RowMapping

from sync.rules.hazard_deadlines import DEFAULT_POLICY, DeadlineColour, Level, deadline_colour
from sync.rules.hazard_workflow import (
    Action,
    Actor,
    HazardEvent,
    HazardState,
    HazardView,
    Role,
    WorkflowError,
    allowed_actions,
    check_event,
    current_deadline,
    fold,
)
from sync.server import db


class HazardNotFound(Exception):  # noqa: N818 - a lookup that found nothing, not a failure
    def __init__(self, hazard_id: str) -> None:
        super().__init__(f"no hazard {hazard_id}")
        self.hazard_id = hazard_id


class NotInTerritory(Exception):  # noqa: N818 - a refusal
    """The hazard exists but the actor's account does not cover it (never dispatched to the
    department, or in another town): nothing of it is shown."""

    def __init__(self, hazard_id: str, actor: Actor) -> None:
        where = f"department {actor.org}" if actor.role is Role.DEPARTMENT else f"town {actor.town}"
        super().__init__(f"hazard {hazard_id} is outside your territory ({where})")


class UnknownDepartment(Exception):  # noqa: N818 - a refusal
    def __init__(self, name: str) -> None:
        super().__init__(f"department: no organisation {name!r}; add it with: admin org add NAME")


@dataclass(frozen=True)
class NewHazard:
    """What a report carries (a device's inspection, or set-up by an administrator)."""

    grid_id: str
    town: str
    level: Level
    category: str | None = None
    department: str | None = None
    building_id: str | None = None
    unit_id: str | None = None
    inspection_id: str | None = None
    item_id: str | None = None
    note: str = ""
    photos: tuple[str, ...] = ()


def _event_from_row(row: RowMapping) -> HazardEvent:
    return HazardEvent(id=row["id"], hazard_id=row["hazard_id"], action=Action(row["action"]),
                       actor=Actor.from_dict(json.loads(row["actor"])), at_ms=int(row["at_ms"]),
                       note=row["note"] or "", photos=tuple(json.loads(row["photos"] or "[]")),
                       params=MappingProxyType(json.loads(row["params"] or "{}")), seen=row["seen"])


def _events(conn: Connection, hazard_id: str) -> list[HazardEvent]:
    e = db.hazard_event
    rows = conn.execute(sa.select(e).where(e.c.hazard_id == hazard_id).order_by(e.c.seq)).mappings()
    return [_event_from_row(r) for r in rows]


def _view(hazard_id: str, events: Sequence[HazardEvent]) -> HazardView:
    result = fold(hazard_id, events, DEFAULT_POLICY)
    if result.refused:  # stored events were all accepted once: a refusal now means the rules changed
        raise RuntimeError(f"hazard {hazard_id}: stored event {result.refused[0].event.id} no longer "
                           f"folds ({result.refused[0].error.message})")
    return result.view


def _insert_event(conn: Connection, event: HazardEvent, seq: int) -> None:
    dispatch = event.action is Action.DISPATCH
    department = str(event.params.get("department") or "").strip() if dispatch else None
    conn.execute(db.hazard_event.insert().values(
        id=event.id, hazard_id=event.hazard_id, seq=seq, action=event.action.value,
        actor=json.dumps(event.actor.to_dict(), ensure_ascii=False), actor_user=event.actor.user,
        actor_role=event.actor.role.value, at_ms=event.at_ms, note=event.note,
        photos=json.dumps(list(event.photos)), params=json.dumps(dict(event.params), ensure_ascii=False),
        seen=event.seen, dispatched_to=department or None))


def _cache(view: HazardView, now_ms: int) -> dict[str, Any]:
    deadline = current_deadline(view, DEFAULT_POLICY)
    return {"state": view.state.value, "handler": view.handler, "version": view.version,
            "level": view.level.value if view.level else None, "urgent": int(view.urgent),
            "supervision": view.supervision.value,
            "deadline_stage": deadline.stage.value if deadline else None,
            "deadline_start_ms": deadline.start_ms if deadline else None,
            "deadline_due_ms": deadline.due_ms if deadline else None, "updated_at_ms": now_ms}


def report(engine: Engine, new: NewHazard, reporter: Actor, now_ms: int, hazard_id: str | None = None,
           event_id: str | None = None) -> str:
    """Record a reported hazard: its row and its first event (``report``, checked by the rules as
    any other). Returns the hazard's id."""
    hazard_id = hazard_id or str(uuid.uuid4())
    params: dict[str, Any] = {"level": new.level.value, "town": new.town, "grid": new.grid_id}
    if new.category:
        params["category"] = new.category
    if new.department:
        params["department"] = new.department
    event = HazardEvent(id=event_id or str(uuid.uuid4()), hazard_id=hazard_id, action=Action.REPORT,
                        actor=reporter, at_ms=now_ms, note=new.note, photos=new.photos,
                        params=MappingProxyType(params), seen=0)
    view = HazardView(hazard_id)
    check_event(view, event, DEFAULT_POLICY)
    view = _view(hazard_id, [event])
    with db.write_tx(engine) as conn:
        conn.execute(db.hazard.insert().values(
            id=hazard_id, grid_id=new.grid_id, town=new.town, building_id=new.building_id,
            unit_id=new.unit_id, inspection_id=new.inspection_id, item_id=new.item_id,
            category=new.category, department=new.department, reporter=reporter.user,
            created_at_ms=now_ms, **_cache(view, now_ms)))
        _insert_event(conn, event, 1)
    return hazard_id


def _lock_hazard(conn: Connection, hazard_id: str) -> RowMapping:
    # PostgreSQL: the row lock orders concurrent actions on one hazard; SQLite: BEGIN IMMEDIATE did.
    row = conn.execute(sa.select(db.hazard).where(db.hazard.c.id == hazard_id)
                       .with_for_update()).mappings().first()
    if row is None:
        raise HazardNotFound(hazard_id)
    return row


def _ever_dispatched_to(conn: Connection, hazard_id: str, org_name: str) -> bool:
    e = db.hazard_event
    return conn.execute(sa.select(e.c.id).where(e.c.hazard_id == hazard_id, e.c.dispatched_to == org_name)
                        .limit(1)).first() is not None


def _visible(conn: Connection, row: RowMapping, actor: Actor) -> bool:
    """A centre sees its town; a department what is or ever was dispatched to it; admin all."""
    if actor.role in (Role.ADMIN, Role.SYSTEM):
        return True
    if actor.role is Role.CENTRE:
        return actor.town is not None and row["town"] == actor.town
    if actor.role is Role.DEPARTMENT:
        return bool(actor.org) and (row["handler"] == actor.org
                                    or _ever_dispatched_to(conn, row["id"], actor.org))
    return row["grid_id"] in actor.grids


def act(engine: Engine, hazard_id: str, actor: Actor, action: Action, now_ms: int, *, note: str = "",
        params: Mapping[str, Any] | None = None, photos: Sequence[str] = (), seen: int | None = None,
        event_id: str | None = None) -> HazardView:
    """Append ``action`` to the timeline if the rules accept it now; the new view.

    Raises :class:`HazardNotFound`, :class:`NotInTerritory` (the actor may not even see it),
    :class:`UnknownDepartment` (a dispatch to no known organisation) or :class:`WorkflowError`."""
    event = HazardEvent(id=event_id or str(uuid.uuid4()), hazard_id=hazard_id, action=action, actor=actor,
                        at_ms=now_ms, note=note, photos=tuple(photos),
                        params=MappingProxyType(dict(params or {})), seen=seen)
    with db.write_tx(engine) as conn:
        row = _lock_hazard(conn, hazard_id)
        if not _visible(conn, row, actor):
            raise NotInTerritory(hazard_id, actor)
        view = _view(hazard_id, _events(conn, hazard_id))
        check_event(view, event, DEFAULT_POLICY)
        if action is Action.DISPATCH:
            department = str(event.params["department"]).strip()
            if conn.execute(sa.select(db.org.c.name).where(db.org.c.name == department)).first() is None:
                raise UnknownDepartment(department)
        _insert_event(conn, event, view.version + 1)
        new_view = _view(hazard_id, [*_events(conn, hazard_id)])
        conn.execute(db.hazard.update().where(db.hazard.c.id == hazard_id).values(**_cache(new_view, now_ms)))
    return new_view


# --- reading -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HazardSummary:
    id: str
    status: HazardState
    item: str | None
    category: str | None
    department: str | None
    handler: str | None
    level: str | None
    town: str
    grid: str
    building_id: str | None
    reporter: str
    created_at_ms: int
    deadline_stage: str | None
    deadline_due_ms: int | None
    deadline_colour: DeadlineColour | None
    urgent: bool
    supervision: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status.value, "item": self.item, "category": self.category,
                "department": self.department, "handler": self.handler, "level": self.level,
                "town": self.town, "grid": self.grid, "building_id": self.building_id,
                "reporter": self.reporter, "created_at_ms": self.created_at_ms,
                "deadline_stage": self.deadline_stage, "deadline_due_ms": self.deadline_due_ms,
                "deadline_colour": self.deadline_colour.value if self.deadline_colour else None,
                "urgent": self.urgent, "supervision": self.supervision}


def _summary(row: RowMapping, now_ms: int) -> HazardSummary:
    start, due = row["deadline_start_ms"], row["deadline_due_ms"]
    colour = deadline_colour(now_ms, start, due) if start is not None and due is not None else None
    return HazardSummary(
        id=row["id"], status=HazardState(row["state"]), item=row["item_id"], category=row["category"],
        department=row["department"], handler=row["handler"], level=row["level"], town=row["town"],
        grid=row["grid_id"], building_id=row["building_id"], reporter=row["reporter"],
        created_at_ms=int(row["created_at_ms"]), deadline_stage=row["deadline_stage"], deadline_due_ms=due,
        deadline_colour=colour, urgent=bool(row["urgent"]), supervision=row["supervision"])


def list_hazards(engine: Engine, actor: Actor, now_ms: int, *, grid: str | None = None,
                 status: HazardState | None = None, limit: int = 1000) -> list[HazardSummary]:
    """Hazards ``actor`` may see (territory as :func:`act`), oldest first."""
    h, e = db.hazard, db.hazard_event
    q = sa.select(h)
    if actor.role is Role.CENTRE:
        q = q.where(h.c.town == (actor.town or ""))
    elif actor.role is Role.DEPARTMENT:
        ever = sa.select(e.c.hazard_id).where(e.c.dispatched_to == actor.org)
        q = q.where(sa.or_(h.c.handler == actor.org, h.c.id.in_(ever)))
    elif actor.role not in (Role.ADMIN, Role.SYSTEM):
        q = q.where(h.c.grid_id.in_(sorted(actor.grids)))
    if grid is not None:
        q = q.where(h.c.grid_id == grid)
    if status is not None:
        q = q.where(h.c.state == status.value)
    with db.read_tx(engine) as conn:
        rows = conn.execute(q.order_by(h.c.created_at_ms, h.c.id).limit(limit)).mappings().all()
    return [_summary(r, now_ms) for r in rows]


@dataclass(frozen=True)
class HazardDetail:
    summary: HazardSummary
    view: HazardView
    timeline: tuple[HazardEvent, ...]
    allowed: tuple[Action, ...]
    unit_id: str | None
    inspection_id: str | None

    def to_dict(self) -> dict[str, Any]:
        v = self.view
        return {**self.summary.to_dict(), "unit_id": self.unit_id, "inspection_id": self.inspection_id,
                "version": v.version, "reopen_count": v.reopen_count, "send_back_count": v.send_back_count,
                "extension_days": v.extension_days, "pending_extension_days": v.pending_extension_days,
                "long_standing": v.long_standing,
                "completion": v.completion.value if v.completion else None,
                "closed_by_system": v.closed_by_system,
                "allowed_actions": [a.value for a in self.allowed],
                "timeline": [_event_dict(ev) for ev in self.timeline]}


def _event_dict(event: HazardEvent) -> dict[str, Any]:
    return {"id": event.id, "action": event.action.value, "user": event.actor.user,
            "role": event.actor.role.value, "org": event.actor.org or None, "at_ms": event.at_ms,
            "note": event.note, "photos": list(event.photos), "params": dict(event.params)}


def show(engine: Engine, hazard_id: str, actor: Actor, now_ms: int) -> HazardDetail:
    """The hazard with its timeline, current deadline and what ``actor`` may do now."""
    with db.read_tx(engine) as conn:
        row = conn.execute(sa.select(db.hazard).where(db.hazard.c.id == hazard_id)).mappings().first()
        if row is None:
            raise HazardNotFound(hazard_id)
        if not _visible(conn, row, actor):
            raise NotInTerritory(hazard_id, actor)
        events = _events(conn, hazard_id)
    view = _view(hazard_id, events)
    return HazardDetail(_summary(row, now_ms), view, tuple(events), allowed_actions(view, actor),
                        row["unit_id"], row["inspection_id"])


def refusal_detail(error: WorkflowError) -> dict[str, Any]:
    """What a refused action answers: the rule code, the state and the actions allowed now."""
    return {"rule": error.error.rule, "field": error.error.field,
            "state": error.state.value if error.state else None,
            "allowed_actions": [a.value for a in error.allowed]}
