"""``gridpad-server admin hazard list|show|act``: the hazard workflow from the command line.

``act --as USER`` runs with that staff account's role and territory, exactly as through the API;
without it the action is recorded as the server administrator's (role ``admin``: the OS login, or
``GRIDPAD_ADMIN``).
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from sync import hlc
from sync.rules.hazard_deadlines import SHANGHAI, Level
from sync.rules.hazard_workflow import Action, Actor, HazardState, Role, Supervision, WorkflowError
from sync.server import hazards, staff
from sync.server.admin import AdminError


def _when(ms: int | None) -> str:
    if ms is None:
        return "-"
    return datetime.fromtimestamp(ms / 1000, SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _admin_actor(name: str) -> Actor:
    return Actor(user=name, role=Role.ADMIN)


def _acting(engine: Engine, args: argparse.Namespace, admin_name: str) -> Actor:
    as_user = getattr(args, "as_user", None)
    if not as_user:
        return _admin_actor(admin_name)
    actor = staff.actor_of(engine, as_user)
    if actor is None:
        raise AdminError(f"--as {as_user}: no centre or department user of that name")
    return actor


def _action(text: str) -> Action:
    try:
        return Action(text.replace("-", "_"))
    except ValueError:
        raise AdminError(f"ACTION: unknown action {text!r}; one of "
                         f"{', '.join(a.value.replace('_', '-') for a in Action)}") from None


def _params(action: Action, args: argparse.Namespace) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if args.org:
        if action is not Action.DISPATCH:
            raise AdminError("--org: only for dispatch (the department to dispatch to)")
        params["department"] = args.org
    if args.days is not None:
        params["days"] = args.days
    if args.level:
        if action is Action.SUPERVISE:
            if args.level not in {s.value for s in Supervision} - {"none"}:
                raise AdminError("--level: supervise takes normal, yellow or red")
            params["supervision"] = args.level
        elif args.level.upper() in {lv.value for lv in Level}:
            params["level"] = args.level.upper()
        else:
            raise AdminError(f"--level: one of {', '.join(lv.value for lv in Level)}")
    if args.completion:
        params["completion"] = args.completion
    return params


def _print_detail(detail: hazards.HazardDetail) -> None:
    s = detail.summary
    print(f"hazard {s.id}: {s.status.value}  level {s.level or '-'}  item {s.item or '-'}  "
          f"category {s.category or '-'}")
    print(f"  town {s.town}  grid {s.grid}  building {s.building_id or '-'}  reporter {s.reporter}")
    print(f"  handler {s.handler or '-'}  suggested department {s.department or '-'}")
    if s.deadline_due_ms is not None:
        print(f"  deadline ({s.deadline_stage}): {_when(s.deadline_due_ms)} "
              f"[{s.deadline_colour.value if s.deadline_colour else '-'}]")
    print(f"  you may: {', '.join(a.value for a in detail.allowed) or 'nothing'}")
    print("timeline:")
    for ev in detail.timeline:
        who = f"{ev.actor.user} ({ev.actor.role.value}{', ' + ev.actor.org if ev.actor.org else ''})"
        extra = " ".join(f"{k}={v}" for k, v in ev.params.items())
        print(f"  {_when(ev.at_ms)}  {ev.action.value:<18} {who}  {extra}  {ev.note}".rstrip())


def run(engine: Engine, args: argparse.Namespace, admin_name: str) -> int:
    now = hlc.now_ms()
    if args.action == "list":
        status = None
        if args.status:
            try:
                status = HazardState(args.status.upper())
            except ValueError:
                raise AdminError(f"--status: one of {', '.join(s.value for s in HazardState)}") from None
        found = hazards.list_hazards(engine, _admin_actor(admin_name), now, grid=args.grid, status=status,
                                     limit=100_000)
        if args.json:
            print(json.dumps([h.to_dict() for h in found], ensure_ascii=False, indent=1))
            return 0
        print("id\tstatus\tlevel\titem\tcategory\thandler\tdeadline")
        for h in found:
            print("\t".join([h.id, h.status.value, h.level or "-", h.item or "-", h.category or "-",
                             h.handler or "-", _when(h.deadline_due_ms)]))
        return 0
    if args.action == "show":
        try:
            detail = hazards.show(engine, args.hazard_id, _admin_actor(admin_name), now)
        except hazards.HazardNotFound as e:
            raise AdminError(str(e)) from None
        if args.json:
            print(json.dumps(detail.to_dict(), ensure_ascii=False, indent=1))
        else:
            _print_detail(detail)
        return 0
    action = _action(args.hazard_action)
    actor = _acting(engine, args, admin_name)
    try:
        view = hazards.act(engine, args.hazard_id, actor, action, now, note=args.note,
                           params=_params(action, args))
    except (hazards.HazardNotFound, hazards.NotInTerritory, hazards.UnknownDepartment) as e:
        raise AdminError(str(e)) from None
    except WorkflowError as e:
        raise AdminError(f"{action.value} refused [{e.error.rule}]: {e.error.message}") from None
    print(f"hazard {args.hazard_id}: {action.value} recorded by {actor.user}; now {view.state.value}")
    return 0
