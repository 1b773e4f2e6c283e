"""The hazard workflow of domain.md §5.2 as an append-only timeline of events.

A hazard's current state is a fold over its accepted events (:func:`fold`, :func:`apply`); nothing
else is stored as truth. :func:`check_event` is the one gate, used by the server (authoritative) and
by a device (to offer only actions that can succeed); a refusal is a :class:`WorkflowError` with a
stable rule code that names the current state and the actions the actor may take.

Concurrency (domain.md §5.5: the server's workflow decisions win). The server orders events. Each
event says which version of the timeline its author saw (``seen``: the number of accepted events).
An event made against an older version is *stale* and judged against the current state:

- a transition (an action that changes the state) is accepted only if no transition has happened
  since the author's view, i.e. only flags (督办, 加急, 挂账) were added in between, and it is
  still allowed; otherwise it is refused with ``hazard.stale``, naming the current state, the
  actions that intervened and what the author may do now;
- a flag event (supervise, expedite, long_standing) is accepted whenever it is still allowed in the
  current state: two centre users supervising at once both count.

So no step is ever lost silently: every event is either in the timeline or refused with a reason.
An event whose id is already in the timeline is refused with ``hazard.duplicate``, which a server
treats as "already applied" (a device retrying a push).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from sync.rules.errors import FieldError, RuleError
from sync.rules.hazard_deadlines import (
    DEFAULT_POLICY,
    DeadlinePolicy,
    Level,
    Stage,
    max_extension_days,
    stage_deadline,
)


class HazardState(StrEnum):
    DRAFT = "DRAFT"  # 草稿 (offline, before the first event)
    REPORTED = "REPORTED"  # 已上报
    ACCEPTED = "ACCEPTED"  # 已受理/立案
    REJECTED = "REJECTED"  # 不予立案
    NEED_INFO = "NEED_INFO"  # 退回补充
    DISPATCHED = "DISPATCHED"  # 已派遣
    IN_PROGRESS = "IN_PROGRESS"  # 处置中
    EXTENSION_PENDING = "EXTENSION_PENDING"  # 延期待批
    HANDLED = "HANDLED"  # 已处置, 待核查
    VERIFIED = "VERIFIED"  # 已核查
    CLOSED = "CLOSED"  # 结案
    SELF_RESOLVED = "SELF_RESOLVED"  # 自行处置/即巡即整


class Role(StrEnum):
    MANAGER = "manager"  # grid manager's device
    SUPERVISOR = "supervisor"  # grid supervisor's device: the same hazard actions as a manager
    CENTRE = "centre"  # 镇街智网中心
    DEPARTMENT = "department"  # a department the centre dispatches to
    SYSTEM = "system"  # the server's own sweeps (auto-close, 挂账)
    ADMIN = "admin"  # the server administrator (command line): centre, department and system actions


class Action(StrEnum):
    REPORT = "report"  # 上报 (submit the draft)
    RESUBMIT = "resubmit"  # 补充后重新上报
    SELF_RESOLVE = "self_resolve"  # 即巡即整
    ACCEPT = "accept"  # 受理
    REJECT = "reject"  # 不予立案
    RETURN = "return"  # 退回补充
    DISPATCH = "dispatch"  # 派遣/交办
    SIGN_IN = "sign_in"  # 签收
    SEND_BACK = "send_back"  # 回退 (not this department's duty)
    EXTENSION_REQUEST = "extension_request"  # 申请延期
    EXTENSION_APPROVE = "extension_approve"
    EXTENSION_DENY = "extension_deny"
    FEEDBACK = "feedback"  # 处置反馈
    VERIFY_PASS = "verify_pass"  # 核查通过
    VERIFY_FAIL = "verify_fail"  # 核查不通过 (返工)
    CLOSE = "close"  # 结案
    AUTO_CLOSE = "auto_close"  # closed by the server after the configured working days
    SUPERVISE = "supervise"  # 督办
    EXPEDITE = "expedite"  # 加急
    SPOT_CHECK = "spot_check"  # 抽查 of a self-resolved hazard
    LONG_STANDING = "long_standing"  # 挂账


class Supervision(StrEnum):
    NONE = "none"
    NORMAL = "normal"  # 普通
    YELLOW = "yellow"  # 黄牌
    RED = "red"  # 红牌


_SUPERVISION_RANK = {Supervision.NONE: 0, Supervision.NORMAL: 1, Supervision.YELLOW: 2, Supervision.RED: 3}


class Completion(StrEnum):
    PROCEDURAL = "procedural"  # 程序性办结
    PARTIAL = "partial"  # 阶段性办结
    SUBSTANTIVE = "substantive"  # 实质性办结


S = HazardState

#: action -> {from state: to state}. Flag actions map a state to itself.
_OPEN_FOR_FLAGS = (S.REPORTED, S.NEED_INFO, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS,
                   S.EXTENSION_PENDING, S.HANDLED, S.VERIFIED)
TRANSITIONS: Mapping[Action, Mapping[HazardState, HazardState]] = MappingProxyType({
    Action.REPORT: {S.DRAFT: S.REPORTED},
    Action.RESUBMIT: {S.NEED_INFO: S.REPORTED},
    Action.SELF_RESOLVE: {S.DRAFT: S.SELF_RESOLVED, S.REPORTED: S.SELF_RESOLVED},
    Action.ACCEPT: {S.REPORTED: S.ACCEPTED},
    Action.REJECT: {S.REPORTED: S.REJECTED},
    Action.RETURN: {S.REPORTED: S.NEED_INFO},
    Action.DISPATCH: {S.ACCEPTED: S.DISPATCHED},
    Action.SIGN_IN: {S.DISPATCHED: S.IN_PROGRESS},
    Action.SEND_BACK: {S.DISPATCHED: S.ACCEPTED},
    Action.EXTENSION_REQUEST: {S.IN_PROGRESS: S.EXTENSION_PENDING},
    Action.EXTENSION_APPROVE: {S.EXTENSION_PENDING: S.IN_PROGRESS},
    Action.EXTENSION_DENY: {S.EXTENSION_PENDING: S.IN_PROGRESS},
    Action.FEEDBACK: {S.IN_PROGRESS: S.HANDLED},
    Action.VERIFY_PASS: {S.HANDLED: S.VERIFIED},
    Action.VERIFY_FAIL: {S.HANDLED: S.IN_PROGRESS},
    Action.CLOSE: {S.VERIFIED: S.CLOSED},
    Action.AUTO_CLOSE: {S.VERIFIED: S.CLOSED},
    Action.SPOT_CHECK: {S.SELF_RESOLVED: S.CLOSED},
    Action.SUPERVISE: {state: state for state in _OPEN_FOR_FLAGS},
    Action.EXPEDITE: {state: state for state in _OPEN_FOR_FLAGS},
    Action.LONG_STANDING: {state: state for state in (S.DISPATCHED, S.IN_PROGRESS, S.EXTENSION_PENDING)},
})

FLAG_ACTIONS = frozenset({Action.SUPERVISE, Action.EXPEDITE, Action.LONG_STANDING})

_DEVICE_ACTIONS = frozenset({Action.REPORT, Action.RESUBMIT, Action.SELF_RESOLVE,
                             Action.VERIFY_PASS, Action.VERIFY_FAIL})
_CENTRE_ACTIONS = frozenset({Action.ACCEPT, Action.REJECT, Action.RETURN, Action.DISPATCH,
                             Action.EXTENSION_APPROVE, Action.EXTENSION_DENY, Action.CLOSE,
                             Action.SUPERVISE, Action.EXPEDITE, Action.SPOT_CHECK, Action.LONG_STANDING})
_DEPARTMENT_ACTIONS = frozenset({Action.SIGN_IN, Action.SEND_BACK, Action.EXTENSION_REQUEST, Action.FEEDBACK})
_SYSTEM_ACTIONS = frozenset({Action.AUTO_CLOSE, Action.LONG_STANDING})

ROLE_ACTIONS: Mapping[Role, frozenset[Action]] = MappingProxyType({
    Role.MANAGER: _DEVICE_ACTIONS,
    Role.SUPERVISOR: _DEVICE_ACTIONS,
    Role.CENTRE: _CENTRE_ACTIONS,
    Role.DEPARTMENT: _DEPARTMENT_ACTIONS,
    Role.SYSTEM: _SYSTEM_ACTIONS,
    Role.ADMIN: _CENTRE_ACTIONS | _DEPARTMENT_ACTIONS | _SYSTEM_ACTIONS,
})

#: Transitions after which the current stage's clock starts again (see :attr:`HazardView.stage`).
_RESTARTS_STAGE = frozenset({Action.REPORT, Action.RESUBMIT, Action.ACCEPT, Action.SEND_BACK,
                             Action.DISPATCH, Action.FEEDBACK, Action.VERIFY_FAIL})

_STAGE_OF_STATE: Mapping[HazardState, Stage] = MappingProxyType({
    S.REPORTED: Stage.ACCEPT, S.ACCEPTED: Stage.DISPATCH, S.DISPATCHED: Stage.HANDLE,
    S.IN_PROGRESS: Stage.HANDLE, S.EXTENSION_PENDING: Stage.HANDLE, S.HANDLED: Stage.VERIFY,
})


@dataclass(frozen=True)
class Actor:
    """Who acts, and the territory their account grants: a centre its ``town`` (镇街 code), a
    department its ``org`` (acts only on hazards dispatched to that org), a device its ``grids``."""

    user: str
    role: Role
    org: str = ""
    town: str | None = None
    grids: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        return {"user": self.user, "role": self.role.value, "org": self.org, "town": self.town,
                "grids": sorted(self.grids)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Actor:
        return cls(user=str(data["user"]), role=Role(data["role"]), org=str(data.get("org") or ""),
                   town=data.get("town"), grids=frozenset(data.get("grids") or ()))


@dataclass(frozen=True)
class HazardEvent:
    """One step of the timeline. ``params`` by action:

    - report: ``level`` (a :class:`Level`), ``town``, ``grid`` (required); ``category``,
      ``department`` (suggested) optional
    - accept: ``level`` optional (the centre may re-grade); dispatch: ``department`` (required)
    - extension_request: ``days`` (working days, required); extension_approve: ``days`` optional
      (default: the days requested)
    - feedback: ``completion`` (:class:`Completion`, default substantive)
    - supervise: ``supervision`` (normal / yellow / red, required)

    ``seen`` is the number of accepted events the author's view held (None: the author claims the
    current version, e.g. the server's own sweeps). ``at_ms`` is UTC milliseconds.
    """

    id: str
    hazard_id: str
    action: Action
    actor: Actor
    at_ms: int
    note: str = ""
    photos: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    seen: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "hazard_id": self.hazard_id, "action": self.action.value,
                "actor": self.actor.to_dict(), "at_ms": self.at_ms, "note": self.note,
                "photos": list(self.photos), "params": dict(self.params), "seen": self.seen}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HazardEvent:
        try:
            action = Action(data["action"])
        except ValueError:
            raise WorkflowError("action", "hazard.unknown_action",
                                f"action: unknown action {data['action']!r}; known: "
                                f"{', '.join(a.value for a in Action)}", state=None, allowed=()) from None
        return cls(id=str(data["id"]), hazard_id=str(data["hazard_id"]), action=action,
                   actor=Actor.from_dict(data["actor"]), at_ms=int(data["at_ms"]),
                   note=str(data.get("note") or ""), photos=tuple(data.get("photos") or ()),
                   params=MappingProxyType(dict(data.get("params") or {})), seen=data.get("seen"))


@dataclass(frozen=True)
class HazardView:
    """The fold of a hazard's accepted events: what the terminal and the console show."""

    hazard_id: str
    state: HazardState = HazardState.DRAFT
    level: Level | None = None
    category: str | None = None
    town: str | None = None
    grid: str | None = None
    reporter: str | None = None
    #: The department currently holding the case (set by dispatch, cleared by send-back).
    handler: str | None = None
    urgent: bool = False  # 加急
    supervision: Supervision = Supervision.NONE  # highest 督办 level so far
    supervise_count: int = 0
    reopen_count: int = 0  # 返工
    send_back_count: int = 0  # 回退次数
    long_standing: bool = False  # 挂账
    #: Working days of extension approved in the current handling round; requested and pending.
    extension_days: int = 0
    pending_extension_days: int = 0
    completion: Completion | None = None
    closed_by_system: bool = False
    #: When the current stage's clock started (UTC ms), None in states without a deadline.
    stage_started_ms: int | None = None
    #: Number of accepted events, and that number when the state last changed.
    version: int = 0
    state_version: int = 0
    last_action: Action | None = None
    actions: tuple[Action, ...] = ()  # actions by version (index = version - 1)
    event_ids: frozenset[str] = frozenset()

    @property
    def stage(self) -> Stage | None:
        return _STAGE_OF_STATE.get(self.state)

    @property
    def is_open(self) -> bool:
        return self.state not in (S.DRAFT, S.CLOSED, S.REJECTED)


@dataclass(frozen=True)
class CurrentDeadline:
    stage: Stage
    start_ms: int
    due_ms: int


class WorkflowError(RuleError):
    """A refused event: ``rule`` is stable (``hazard.transition``, ``hazard.role``,
    ``hazard.territory``, ``hazard.stale``, ``hazard.duplicate``, ``hazard.param`` …), the message
    names the current state and the actions the actor may take (also in ``params``)."""

    def __init__(self, field_name: str, rule: str, message: str, *, state: HazardState | None,
                 allowed: Sequence[Action], **params: str) -> None:
        all_params = dict(params)
        if state is not None:
            all_params["state"] = state.value
        all_params["allowed"] = ", ".join(a.value for a in allowed)
        super().__init__(FieldError(field_name, rule, message, all_params))
        self.state = state
        self.allowed = tuple(allowed)


# --- who may do what -----------------------------------------------------------------------------

def _in_territory(view: HazardView, actor: Actor, action: Action) -> bool:
    role = actor.role
    if role in (Role.SYSTEM, Role.ADMIN):
        return True
    if role is Role.CENTRE:
        return actor.town is not None and actor.town == view.town
    if role is Role.DEPARTMENT:
        return bool(actor.org) and actor.org == view.handler
    # A device: its grids. A draft has no grid yet: the first event's params name it (checked there).
    return view.state is S.DRAFT or (view.grid is not None and view.grid in actor.grids)


def allowed_actions(view: HazardView, actor: Actor) -> tuple[Action, ...]:
    """Actions ``actor`` may take on the hazard now (role, territory and state), in a stable order."""
    own = ROLE_ACTIONS[actor.role]
    return tuple(
        action for action in Action
        if action in own and view.state in TRANSITIONS[action] and _in_territory(view, actor, action)
    )


def actions_for(state: HazardState, role: Role) -> tuple[Action, ...]:
    """Actions ``role`` could take in ``state`` ignoring territory (for help texts and menus)."""
    return tuple(a for a in Action if a in ROLE_ACTIONS[role] and state in TRANSITIONS[a])


def _refuse(view: HazardView, actor: Actor, field_name: str, rule: str, message: str,
            **params: str) -> WorkflowError:
    allowed = allowed_actions(view, actor)
    text = (f"{field_name}: {message} (state {view.state.value}; "
            f"you may: {', '.join(a.value for a in allowed) or 'nothing'})")
    return WorkflowError(field_name, rule, text, state=view.state, allowed=allowed, **params)


def check_event(view: HazardView, event: HazardEvent,
                policy: DeadlinePolicy = DEFAULT_POLICY) -> None:
    """Raise :class:`WorkflowError` unless ``event`` may be appended to the timeline ``view`` folds."""
    actor, action = event.actor, event.action
    if event.id in view.event_ids:
        raise _refuse(view, actor, "id", "hazard.duplicate", f"event {event.id} is already in the timeline",
                      event=event.id)
    if event.hazard_id != view.hazard_id:
        raise _refuse(view, actor, "hazard_id", "hazard.wrong_hazard",
                      f"event is for hazard {event.hazard_id}, not {view.hazard_id}")
    if action not in ROLE_ACTIONS[actor.role]:
        raise _refuse(view, actor, "action", "hazard.role",
                      f"a {actor.role.value} may not {action.value}", action=action.value,
                      role=actor.role.value)
    if not _in_territory(view, actor, action):
        raise _refuse(view, actor, "action", "hazard.territory", _territory_message(view, actor),
                      action=action.value)
    if event.seen is not None and event.seen > view.version:
        raise _refuse(view, actor, "seen", "hazard.seen_ahead",
                      f"the event claims version {event.seen} but the timeline has {view.version} events")
    if event.seen is not None and event.seen < view.version:
        _check_stale(view, event)
    if view.state not in TRANSITIONS[action]:
        raise _refuse(view, actor, "action", "hazard.transition",
                      f"cannot {action.value} a hazard in state {view.state.value}", action=action.value)
    _check_params(view, event, policy)


def _territory_message(view: HazardView, actor: Actor) -> str:
    if actor.role is Role.CENTRE:
        return f"the hazard is in town {view.town}, outside your town {actor.town}"
    if actor.role is Role.DEPARTMENT:
        held = view.handler or "no department"
        return f"the hazard is dispatched to {held}, not to {actor.org or 'your account'}"
    return f"the hazard is in grid {view.grid}, outside your grids"


def _check_stale(view: HazardView, event: HazardEvent) -> None:
    seen = event.seen or 0
    since = view.actions[seen:]
    conflicts = event.action not in FLAG_ACTIONS and view.state_version > seen
    if conflicts or view.state not in TRANSITIONS[event.action]:
        raise _refuse(view, event.actor, "seen", "hazard.stale",
                      f"{event.action.value} was made on an older view: since then "
                      f"{', '.join(a.value for a in since)} happened",
                      action=event.action.value, since=", ".join(a.value for a in since))


def _param_error(view: HazardView, event: HazardEvent, name: str, message: str) -> WorkflowError:
    return _refuse(view, event.actor, name, "hazard.param", f"{event.action.value} {message}",
                   action=event.action.value)


def _positive_int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def _check_params(view: HazardView, event: HazardEvent, policy: DeadlinePolicy) -> None:
    action, params = event.action, event.params
    note_needed = {Action.REJECT: "needs a reason (重复/不属实/不属于入格事项) in the note",
                   Action.RETURN: "needs the information to add in the note",
                   Action.SEND_BACK: "needs the reason it is not this department's duty in the note",
                   Action.EXTENSION_REQUEST: "needs a reason in the note",
                   Action.EXTENSION_DENY: "needs a reason in the note",
                   Action.FEEDBACK: "needs the handling result in the note",
                   Action.VERIFY_FAIL: "needs what is still wrong in the note"}
    if action in note_needed and not event.note.strip():
        raise _param_error(view, event, "note", note_needed[action])
    if action in (Action.VERIFY_PASS, Action.VERIFY_FAIL, Action.SELF_RESOLVE) and not event.photos:
        raise _param_error(view, event, "photos", "needs at least one photo taken on site")
    creates = view.state is S.DRAFT  # report or self_resolve: the first event names the place
    if creates:
        for key in ("town", "grid"):
            if not params.get(key):
                raise _param_error(view, event, key, f"needs the {key}")
        if params["grid"] not in event.actor.grids:
            raise _refuse(view, event.actor, "grid", "hazard.territory",
                          f"grid {params['grid']} is outside your grids", action=action.value)
    graded = creates or (action is Action.ACCEPT and "level" in params)
    if graded and params.get("level") not in {level.value for level in Level}:
        raise _param_error(view, event, "level",
                           f"needs a level, one of {', '.join(level.value for level in Level)}")
    if action is Action.DISPATCH and not str(params.get("department") or "").strip():
        raise _param_error(view, event, "department", "needs the department to dispatch to")
    if action in (Action.EXTENSION_REQUEST, Action.EXTENSION_APPROVE):
        # A request names its days; an approval defaults to the days requested.
        days = _positive_int(params.get("days", view.pending_extension_days
                                        if action is Action.EXTENSION_APPROVE else None))
        if days is None:
            raise _param_error(view, event, "days", "needs a whole number of working days > 0")
        most = max_extension_days(view.level, policy) if view.level else None
        # A request beyond the cap may still be made (the centre approves fewer days) unless none is left.
        wanted = 1 if action is Action.EXTENSION_REQUEST else days
        if most is not None and view.extension_days + wanted > most:
            raise _refuse(view, event.actor, "days", "hazard.extension_cap",
                          f"at most {most} working days of extension for level {view.level}; "
                          f"{most - view.extension_days} left, past that the case is 挂账 (long-standing)",
                          most=str(most), left=str(most - view.extension_days))
    if action is Action.FEEDBACK and params.get("completion") not in (None, *(c.value for c in Completion)):
        raise _param_error(view, event, "completion",
                           f"completion must be one of {', '.join(c.value for c in Completion)}")
    if action is Action.SUPERVISE and params.get("supervision") not in (
            Supervision.NORMAL, Supervision.YELLOW, Supervision.RED):
        raise _param_error(view, event, "supervision", "needs a level: normal, yellow or red")


# --- the fold ------------------------------------------------------------------------------------

def _transition_fields(view: HazardView, event: HazardEvent) -> dict[str, Any]:
    action, params = event.action, event.params
    changes: dict[str, Any] = {}
    if action in (Action.REPORT, Action.SELF_RESOLVE) and view.state is S.DRAFT:
        changes.update(town=params.get("town"), grid=params.get("grid"), reporter=event.actor.user,
                       category=params.get("category"))
    if "level" in params and action in (Action.REPORT, Action.ACCEPT, Action.SELF_RESOLVE):
        changes["level"] = Level(params["level"])
    if action is Action.DISPATCH:
        changes["handler"] = str(params["department"]).strip()
    elif action is Action.SEND_BACK:
        changes.update(handler=None, send_back_count=view.send_back_count + 1)
    elif action is Action.EXTENSION_REQUEST:
        changes["pending_extension_days"] = int(params["days"])
    elif action is Action.EXTENSION_APPROVE:
        days = int(params.get("days", view.pending_extension_days))
        changes.update(extension_days=view.extension_days + days, pending_extension_days=0)
    elif action is Action.EXTENSION_DENY:
        changes["pending_extension_days"] = 0
    elif action is Action.FEEDBACK:
        changes["completion"] = Completion(params.get("completion", Completion.SUBSTANTIVE))
    elif action is Action.VERIFY_FAIL:
        # 返工: a new handling round with its own clock and extensions.
        changes.update(reopen_count=view.reopen_count + 1, extension_days=0, completion=None)
    elif action is Action.AUTO_CLOSE:
        changes["closed_by_system"] = True
    elif action is Action.SUPERVISE:
        level = Supervision(params["supervision"])
        if _SUPERVISION_RANK[level] > _SUPERVISION_RANK[view.supervision]:
            changes["supervision"] = level
        changes["supervise_count"] = view.supervise_count + 1
    elif action is Action.EXPEDITE:
        changes["urgent"] = True
    elif action is Action.LONG_STANDING:
        changes["long_standing"] = True
    return changes


def apply(view: HazardView, event: HazardEvent, policy: DeadlinePolicy = DEFAULT_POLICY) -> HazardView:
    """The view after ``event``; raises :class:`WorkflowError` (and changes nothing) if refused."""
    check_event(view, event, policy)
    new_state = TRANSITIONS[event.action][view.state]
    version = view.version + 1
    changes = _transition_fields(view, event)
    if new_state is not view.state:
        changes["state_version"] = version
    if event.action in _RESTARTS_STAGE:
        changes["stage_started_ms"] = event.at_ms
    if new_state not in _STAGE_OF_STATE:
        changes["stage_started_ms"] = None
    return replace(view, state=new_state, version=version, last_action=event.action,
                   actions=(*view.actions, event.action),
                   event_ids=view.event_ids | {event.id}, **changes)


@dataclass(frozen=True)
class Refusal:
    """An event the timeline did not take, with why (``error.params`` hold state and allowed)."""

    event: HazardEvent
    error: FieldError


@dataclass(frozen=True)
class FoldResult:
    view: HazardView
    accepted: tuple[HazardEvent, ...]
    refused: tuple[Refusal, ...]


def fold(hazard_id: str, events: Iterable[HazardEvent],
         policy: DeadlinePolicy = DEFAULT_POLICY) -> FoldResult:
    """Apply ``events`` in the server's order; refused ones are kept aside with their reason."""
    view = HazardView(hazard_id)
    accepted: list[HazardEvent] = []
    refused: list[Refusal] = []
    for event in events:
        try:
            view = apply(view, event, policy)
        except WorkflowError as error:
            refused.append(Refusal(event, error.error))
        else:
            accepted.append(event)
    return FoldResult(view, tuple(accepted), tuple(refused))


def current_deadline(view: HazardView, policy: DeadlinePolicy = DEFAULT_POLICY) -> CurrentDeadline | None:
    """The running stage's deadline (provisional on a device, authoritative on the server)."""
    stage = view.stage
    if stage is None or view.stage_started_ms is None or view.level is None:
        return None
    extension = view.extension_days if stage is Stage.HANDLE else 0
    due = stage_deadline(view.level, stage, view.stage_started_ms, policy=policy, extension_days=extension)
    return CurrentDeadline(stage, view.stage_started_ms, due)
