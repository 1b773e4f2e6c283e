"""The hazard state machine of domain.md §5.2 as an event timeline: paths, refusals, concurrency."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pytest

from sync.rules.hazard_deadlines import SHANGHAI, Level, Stage, from_ms, to_ms
from sync.rules.hazard_workflow import (
    TRANSITIONS,
    Action,
    Actor,
    HazardEvent,
    HazardState,
    HazardView,
    Role,
    Supervision,
    WorkflowError,
    actions_for,
    allowed_actions,
    apply,
    check_event,
    current_deadline,
    fold,
)

HID = "hz-1"
MANAGER = Actor("wang", Role.MANAGER, org="东城街道主山社区", grids=frozenset({"G01"}))
OTHER_MANAGER = Actor("li", Role.MANAGER, grids=frozenset({"G02"}))
CENTRE = Actor("chen", Role.CENTRE, org="东城街道智网中心", town="441900003")
OTHER_CENTRE = Actor("zhao", Role.CENTRE, org="南城街道智网中心", town="441900004")
FIRE = Actor("he", Role.DEPARTMENT, org="消防救援")
POLICE = Actor("sun", Role.DEPARTMENT, org="公安")
SYSTEM = Actor("server", Role.SYSTEM)
ADMIN = Actor("root", Role.ADMIN)

_ids = itertools.count(1)
T0 = to_ms(datetime(2025, 9, 15, 9, 0, tzinfo=SHANGHAI))  # a Monday


def ev(
    action: Action,
    actor: Actor,
    *,
    note: str = "",
    photos: tuple[str, ...] = (),
    params: Mapping[str, Any] | None = None,
    seen: int | None = None,
    at_ms: int | None = None,
    hazard_id: str = HID,
) -> HazardEvent:
    n = next(_ids)
    return HazardEvent(
        id=f"e{n}",
        hazard_id=hazard_id,
        action=action,
        actor=actor,
        at_ms=T0 + n * 60_000 if at_ms is None else at_ms,
        note=note,
        photos=photos,
        params=params or {},
        seen=seen,
    )


def report(level: Level = Level.MAJOR) -> HazardEvent:
    return ev(
        Action.REPORT,
        MANAGER,
        photos=("sha-before",),
        params={"level": level.value, "town": "441900003", "grid": "G01", "category": "消防安全"},
    )


def run(*events: HazardEvent) -> HazardView:
    view = HazardView(HID)
    for event in events:
        view = apply(view, event)
    return view


def handled_view() -> HazardView:
    return run(
        report(),
        ev(Action.ACCEPT, CENTRE),
        ev(Action.DISPATCH, CENTRE, params={"department": "消防救援"}),
        ev(Action.SIGN_IN, FIRE),
        ev(Action.FEEDBACK, FIRE, note="已清理室内充电", photos=("sha-after",)),
    )


def refusal(view: HazardView, event: HazardEvent) -> WorkflowError:
    with pytest.raises(WorkflowError) as caught:
        check_event(view, event)
    return caught.value


def test_happy_path_from_report_to_close() -> None:
    view = HazardView(HID)
    assert view.state is HazardState.DRAFT
    steps: list[tuple[HazardEvent, HazardState]] = [
        (report(), HazardState.REPORTED),
        (ev(Action.ACCEPT, CENTRE), HazardState.ACCEPTED),
        (ev(Action.DISPATCH, CENTRE, params={"department": "消防救援"}), HazardState.DISPATCHED),
        (ev(Action.SIGN_IN, FIRE), HazardState.IN_PROGRESS),
        (
            ev(Action.EXTENSION_REQUEST, FIRE, note="等待业主", params={"days": 2}),
            HazardState.EXTENSION_PENDING,
        ),
        (ev(Action.EXTENSION_APPROVE, CENTRE), HazardState.IN_PROGRESS),
        (
            ev(
                Action.FEEDBACK,
                FIRE,
                note="已整改",
                photos=("sha-after",),
                params={"completion": "substantive"},
            ),
            HazardState.HANDLED,
        ),
        (ev(Action.VERIFY_PASS, MANAGER, photos=("sha-check",)), HazardState.VERIFIED),
        (ev(Action.CLOSE, CENTRE), HazardState.CLOSED),
    ]
    for event, expected in steps:
        view = apply(view, event)
        assert view.state is expected, event.action
    assert view.handler == "消防救援"
    assert view.level is Level.MAJOR and view.town == "441900003" and view.grid == "G01"
    assert view.reporter == "wang" and view.category == "消防安全"
    assert view.extension_days == 2 and view.reopen_count == 0
    assert view.version == len(steps) and not view.is_open
    assert allowed_actions(view, CENTRE) == ()


def test_rework_path_counts_reopen_and_restarts_the_handling_clock() -> None:
    view = handled_view()
    fail_at = view.stage_started_ms or 0
    fail_at += 86_400_000
    view = apply(view, ev(Action.VERIFY_FAIL, MANAGER, note="仍在室内充电", photos=("sha-x",), at_ms=fail_at))
    assert view.state is HazardState.IN_PROGRESS and view.reopen_count == 1
    assert view.handler == "消防救援"
    deadline = current_deadline(view)
    assert deadline is not None and deadline.stage is Stage.HANDLE and deadline.start_ms == fail_at
    view = apply(view, ev(Action.FEEDBACK, FIRE, note="已搬离", photos=("sha-after2",)))
    view = apply(view, ev(Action.VERIFY_PASS, MANAGER, photos=("sha-ok",)))
    assert view.state is HazardState.VERIFIED and view.reopen_count == 1


def test_need_info_and_resubmit() -> None:
    view = run(report(), ev(Action.RETURN, CENTRE, note="请补充房间号"))
    assert view.state is HazardState.NEED_INFO
    assert allowed_actions(view, MANAGER) == (Action.RESUBMIT,)
    view = apply(view, ev(Action.RESUBMIT, MANAGER, note="302房"))
    assert view.state is HazardState.REPORTED


def test_reject_and_send_back_count() -> None:
    assert run(report(), ev(Action.REJECT, CENTRE, note="重复")).state is HazardState.REJECTED
    view = run(
        report(),
        ev(Action.ACCEPT, CENTRE),
        ev(Action.DISPATCH, CENTRE, params={"department": "公安"}),
        ev(Action.SEND_BACK, POLICE, note="非本部门职责"),
    )
    assert view.state is HazardState.ACCEPTED and view.handler is None and view.send_back_count == 1
    view = apply(view, ev(Action.DISPATCH, CENTRE, params={"department": "消防救援"}))
    assert view.handler == "消防救援" and view.send_back_count == 1


def test_self_resolved_then_spot_checked() -> None:
    view = run(
        ev(
            Action.SELF_RESOLVE,
            MANAGER,
            photos=("before", "after"),
            params={"level": "GENERAL", "town": "441900003", "grid": "G01"},
        )
    )
    assert view.state is HazardState.SELF_RESOLVED and view.grid == "G01"
    assert apply(view, ev(Action.SPOT_CHECK, CENTRE)).state is HazardState.CLOSED
    assert (
        run(report(), ev(Action.SELF_RESOLVE, MANAGER, photos=("after",))).state is HazardState.SELF_RESOLVED
    )


def test_auto_close_is_recorded_as_the_systems() -> None:
    view = run(
        report(),
        ev(Action.ACCEPT, CENTRE),
        ev(Action.DISPATCH, CENTRE, params={"department": "消防救援"}),
        ev(Action.SIGN_IN, FIRE),
        ev(Action.FEEDBACK, FIRE, note="ok"),
        ev(Action.VERIFY_PASS, MANAGER, photos=("p",)),
        ev(Action.AUTO_CLOSE, SYSTEM),
    )
    assert view.state is HazardState.CLOSED and view.closed_by_system


def test_flags_supervise_expedite_long_standing() -> None:
    view = run(
        report(),
        ev(Action.SUPERVISE, CENTRE, note="尽快", params={"supervision": "yellow"}),
        ev(Action.SUPERVISE, CENTRE, params={"supervision": "normal"}),
        ev(Action.EXPEDITE, CENTRE),
    )
    assert view.state is HazardState.REPORTED
    assert view.supervision is Supervision.YELLOW and view.supervise_count == 2 and view.urgent
    view = run(
        report(Level.COMPLEX),
        ev(Action.ACCEPT, CENTRE),
        ev(Action.DISPATCH, CENTRE, params={"department": "城市管理和综合执法"}),
        ev(Action.LONG_STANDING, SYSTEM),
    )
    assert view.long_standing and view.state is HazardState.DISPATCHED


@pytest.mark.parametrize("state", list(HazardState))
def test_every_illegal_transition_is_refused_naming_state_and_allowed(state: HazardState) -> None:
    view = HazardView(
        HID,
        state=state,
        level=Level.MAJOR,
        town="441900003",
        grid="G01",
        handler="消防救援",
        pending_extension_days=1,
    )
    for action in Action:
        if state in TRANSITIONS[action]:
            continue
        actor = {Role.MANAGER: MANAGER, Role.CENTRE: CENTRE, Role.DEPARTMENT: FIRE, Role.SYSTEM: SYSTEM}[
            _role_for(action)
        ]
        error = refusal(view, ev(action, actor, note="n", photos=("p",)))
        assert error.error.rule == "hazard.transition", (state, action)
        assert error.state is state
        assert error.error.params["state"] == state.value
        assert state.value in str(error) and action.value in str(error)
        assert error.allowed == allowed_actions(view, actor)
        assert ", ".join(a.value for a in error.allowed) in str(error)


def _role_for(action: Action) -> Role:
    for role in (Role.MANAGER, Role.CENTRE, Role.DEPARTMENT, Role.SYSTEM):
        if action in actions_for(HazardState.REPORTED, role) or any(
            action in actions_for(s, role) for s in HazardState
        ):
            return role
    raise AssertionError(action)


def test_a_device_may_only_take_its_own_actions() -> None:
    view = run(report(), ev(Action.ACCEPT, CENTRE))
    for action in (Action.CLOSE, Action.DISPATCH, Action.ACCEPT, Action.SUPERVISE, Action.FEEDBACK):
        error = refusal(view, ev(action, MANAGER, note="x", params={"department": "公安"}))
        assert error.error.rule == "hazard.role"
        assert "a manager may not" in str(error) and "state ACCEPTED" in str(error)
    assert allowed_actions(view, MANAGER) == ()
    # An empty timeline (a draft): a device may report or self-resolve.
    assert allowed_actions(HazardView(HID), MANAGER) == (Action.REPORT, Action.SELF_RESOLVE)


def test_verify_needs_a_photo_and_fail_a_reason() -> None:
    view = handled_view()
    error = refusal(view, ev(Action.VERIFY_PASS, MANAGER))
    assert (error.error.field, error.error.rule) == ("photos", "hazard.param")
    error = refusal(view, ev(Action.VERIFY_FAIL, MANAGER, photos=("p",)))
    assert (error.error.field, error.error.rule) == ("note", "hazard.param")


def test_territory_refusals() -> None:
    view = run(
        report(), ev(Action.ACCEPT, CENTRE), ev(Action.DISPATCH, CENTRE, params={"department": "消防救援"})
    )
    error = refusal(view, ev(Action.SIGN_IN, POLICE))
    assert error.error.rule == "hazard.territory" and "dispatched to 消防救援, not to 公安" in str(error)
    assert allowed_actions(view, POLICE) == ()
    error = refusal(view, ev(Action.SUPERVISE, OTHER_CENTRE, params={"supervision": "red"}))
    assert error.error.rule == "hazard.territory" and "441900004" in str(error)
    reported = run(report())
    error = refusal(reported, ev(Action.ACCEPT, OTHER_CENTRE))
    assert error.error.rule == "hazard.territory"
    # Another grid's manager can neither verify nor report into a grid that is not theirs.
    handled = handled_view()
    assert (
        refusal(handled, ev(Action.VERIFY_PASS, OTHER_MANAGER, photos=("p",))).error.rule
        == "hazard.territory"
    )
    foreign = ev(Action.REPORT, OTHER_MANAGER, params={"level": "MAJOR", "town": "441900003", "grid": "G01"})
    error = refusal(HazardView(HID), foreign)
    assert (error.error.field, error.error.rule) == ("grid", "hazard.territory")
    # The administrator acts anywhere, as the centre or a department.
    assert apply(view, ev(Action.SIGN_IN, ADMIN)).state is HazardState.IN_PROGRESS


def test_required_params_name_the_field() -> None:
    cases: list[tuple[HazardView, HazardEvent, str]] = [
        (HazardView(HID), ev(Action.REPORT, MANAGER, params={"town": "441900003", "grid": "G01"}), "level"),
        (HazardView(HID), ev(Action.REPORT, MANAGER, params={"level": "MAJOR", "grid": "G01"}), "town"),
        (run(report()), ev(Action.REJECT, CENTRE), "note"),
        (run(report(), ev(Action.ACCEPT, CENTRE)), ev(Action.DISPATCH, CENTRE), "department"),
        (run(report()), ev(Action.SUPERVISE, CENTRE, params={"supervision": "purple"}), "supervision"),
        (
            run(
                report(),
                ev(Action.ACCEPT, CENTRE),
                ev(Action.DISPATCH, CENTRE, params={"department": "消防救援"}),
                ev(Action.SIGN_IN, FIRE),
            ),
            ev(Action.EXTENSION_REQUEST, FIRE, note="why", params={"days": 0}),
            "days",
        ),
    ]
    for view, event, field_name in cases:
        error = refusal(view, event)
        assert error.error.field == field_name, (event.action, error)
        assert str(error).startswith(f"{field_name}: ")


def test_complex_extension_capped_at_thirty_working_days() -> None:
    view = run(
        report(Level.COMPLEX),
        ev(Action.ACCEPT, CENTRE),
        ev(Action.DISPATCH, CENTRE, params={"department": "城市管理和综合执法"}),
        ev(Action.SIGN_IN, Actor("x", Role.DEPARTMENT, org="城市管理和综合执法")),
        ev(
            Action.EXTENSION_REQUEST,
            Actor("x", Role.DEPARTMENT, org="城市管理和综合执法"),
            note="需立案调查",
            params={"days": 20},
        ),
    )
    error = refusal(view, ev(Action.EXTENSION_APPROVE, CENTRE))
    assert error.error.rule == "hazard.extension_cap" and error.error.params["left"] == "15"
    before = current_deadline(view)
    view = apply(view, ev(Action.EXTENSION_APPROVE, CENTRE, params={"days": 15}))
    after = current_deadline(view)
    assert before is not None and after is not None and after.due_ms > before.due_ms
    assert from_ms(after.due_ms).date() > from_ms(before.due_ms).date()
    # No extension left: the department may not even ask; the case goes 挂账 when it runs out.
    dept = Actor("x", Role.DEPARTMENT, org="城市管理和综合执法")
    error = refusal(view, ev(Action.EXTENSION_REQUEST, dept, note="再延期", params={"days": 1}))
    assert error.error.rule == "hazard.extension_cap" and error.error.params["left"] == "0"
    assert "挂账" in str(error)


def test_an_event_claiming_a_future_version_is_refused() -> None:
    error = refusal(run(report()), ev(Action.ACCEPT, CENTRE, seen=5))
    assert (error.error.field, error.error.rule) == ("seen", "hazard.seen_ahead")


def test_stale_transition_is_refused_with_what_happened_since() -> None:
    view = run(report())  # version 1
    accepted = apply(view, ev(Action.ACCEPT, CENTRE, seen=1))
    # The manager, offline, self-resolved against version 1: the centre accepted meanwhile.
    stale = ev(Action.SELF_RESOLVE, MANAGER, photos=("after",), seen=1)
    error = refusal(accepted, stale)
    assert error.error.rule == "hazard.stale" and error.error.params["since"] == "accept"
    assert "state ACCEPTED" in str(error)
    # Two centre users return and reject at once: the second is refused, not lost silently.
    returned = apply(view, ev(Action.RETURN, CENTRE, note="补充", seen=1))
    error = refusal(returned, ev(Action.REJECT, CENTRE, note="重复", seen=1))
    assert error.error.rule == "hazard.stale"


def test_stale_transition_still_applies_after_flags_only() -> None:
    view = handled_view()
    seen = view.version
    view = apply(view, ev(Action.SUPERVISE, CENTRE, params={"supervision": "red"}, seen=seen))
    passed = apply(view, ev(Action.VERIFY_PASS, MANAGER, photos=("p",), seen=seen))
    assert passed.state is HazardState.VERIFIED and passed.supervision is Supervision.RED


def test_two_concurrent_supervise_events_both_count() -> None:
    view = run(report())
    first = ev(Action.SUPERVISE, CENTRE, params={"supervision": "yellow"}, seen=1)
    second = ev(
        Action.SUPERVISE, Actor("qian", Role.CENTRE, town="441900003"), params={"supervision": "red"}, seen=1
    )
    view = apply(apply(view, first), second)
    assert view.supervise_count == 2 and view.supervision is Supervision.RED


def test_stale_flag_refused_once_the_hazard_is_closed() -> None:
    seen = handled_view().version
    closed = fold(
        HID, [*_handled_events(), ev(Action.VERIFY_PASS, MANAGER, photos=("p",)), ev(Action.CLOSE, CENTRE)]
    ).view
    error = refusal(closed, ev(Action.EXPEDITE, CENTRE, seen=seen))
    assert error.error.rule == "hazard.stale" and "close" in error.error.params["since"]


def _handled_events() -> list[HazardEvent]:
    return [
        report(),
        ev(Action.ACCEPT, CENTRE),
        ev(Action.DISPATCH, CENTRE, params={"department": "消防救援"}),
        ev(Action.SIGN_IN, FIRE),
        ev(Action.FEEDBACK, FIRE, note="done"),
    ]


def test_duplicate_event_and_other_hazard_refused() -> None:
    first = report()
    view = run(first)
    assert refusal(view, first).error.rule == "hazard.duplicate"
    assert refusal(view, ev(Action.ACCEPT, CENTRE, hazard_id="hz-2")).error.rule == "hazard.wrong_hazard"


def test_fold_keeps_refused_aside_and_replay_matches() -> None:
    events = [report(), ev(Action.CLOSE, MANAGER), ev(Action.ACCEPT, CENTRE), ev(Action.ACCEPT, CENTRE)]
    result = fold(HID, events)
    assert [e.action for e in result.accepted] == [Action.REPORT, Action.ACCEPT]
    assert [r.error.rule for r in result.refused] == ["hazard.role", "hazard.transition"]
    assert fold(HID, result.accepted).view == result.view


def test_events_round_trip_as_plain_data() -> None:
    event = ev(
        Action.DISPATCH, CENTRE, note="请处理", photos=("a", "b"), params={"department": "公安"}, seen=3
    )
    assert HazardEvent.from_dict(event.to_dict()) == event
    data = event.to_dict() | {"action": "teleport"}
    with pytest.raises(WorkflowError, match="unknown action 'teleport'"):
        HazardEvent.from_dict(data)


def test_current_deadline_follows_the_stage() -> None:
    view = run(report())
    deadline = current_deadline(view)
    assert deadline is not None and deadline.stage is Stage.ACCEPT
    view = apply(view, ev(Action.ACCEPT, CENTRE))
    deadline = current_deadline(view)
    assert deadline is not None and deadline.stage is Stage.DISPATCH
    assert current_deadline(run(report(), ev(Action.REJECT, CENTRE, note="重复"))) is None
