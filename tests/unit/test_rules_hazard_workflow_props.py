"""Properties of the hazard timeline fold: deterministic, replayable, refusals change nothing."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.rules.hazard_workflow import (
    TRANSITIONS,
    Action,
    Actor,
    HazardEvent,
    HazardView,
    Role,
    WorkflowError,
    allowed_actions,
    apply,
    fold,
)

HID = "hz-p"
ACTORS = (
    Actor("wang", Role.MANAGER, grids=frozenset({"G01"})),
    Actor("li", Role.MANAGER, grids=frozenset({"G02"})),
    Actor("chen", Role.CENTRE, town="441900003"),
    Actor("zhao", Role.CENTRE, town="441900004"),
    Actor("he", Role.DEPARTMENT, org="消防救援"),
    Actor("sun", Role.DEPARTMENT, org="公安"),
    Actor("server", Role.SYSTEM),
    Actor("root", Role.ADMIN),
)

_params: dict[Action, st.SearchStrategy[dict[str, Any]]] = {
    Action.REPORT: st.fixed_dictionaries(
        {
            "level": st.sampled_from(["EMERGENCY", "MAJOR", "GENERAL", "COMPLEX", "HUGE"]),
            "town": st.just("441900003"),
            "grid": st.sampled_from(["G01", "G02"]),
        }
    ),
    Action.SELF_RESOLVE: st.fixed_dictionaries(
        {"level": st.just("GENERAL"), "town": st.just("441900003"), "grid": st.just("G01")}
    ),
    Action.DISPATCH: st.fixed_dictionaries({"department": st.sampled_from(["消防救援", "公安", ""])}),
    Action.EXTENSION_REQUEST: st.fixed_dictionaries({"days": st.integers(-1, 20)}),
    Action.EXTENSION_APPROVE: st.one_of(st.just({}), st.fixed_dictionaries({"days": st.integers(0, 20)})),
    Action.SUPERVISE: st.fixed_dictionaries(
        {"supervision": st.sampled_from(["normal", "yellow", "red", "x"])}
    ),
}


@st.composite
def timelines(draw: st.DrawFn) -> list[HazardEvent]:
    """Event sequences that mostly follow the actions on offer (to reach deep states), mixed with
    arbitrary actions by arbitrary actors, missing notes or photos, and stale ``seen`` versions."""
    view = HazardView(HID)
    events: list[HazardEvent] = []
    for n in range(draw(st.integers(0, 30))):
        actor = draw(st.sampled_from(ACTORS))
        offered = allowed_actions(view, actor)
        if offered and draw(st.integers(0, 3)) > 0:
            action = draw(st.sampled_from(offered))
        else:
            action = draw(st.sampled_from(list(Action)))
        params = draw(_params.get(action, st.just({})))
        event = HazardEvent(
            id=f"e{draw(st.integers(0, n))}" if draw(st.integers(0, 9)) == 0 else f"e{n}",
            hazard_id=HID,
            action=action,
            actor=actor,
            at_ms=1_757_900_000_000 + n * 600_000,
            note=draw(st.sampled_from(["", "说明"])),
            photos=draw(st.sampled_from([(), ("sha",)])),
            params=params,
            seen=draw(st.one_of(st.none(), st.integers(0, len(events)))),
        )
        events.append(event)
        with contextlib.suppress(WorkflowError):
            view = apply(view, event)
    return events


@settings(max_examples=300, deadline=None)
@given(events=timelines())
def test_fold_is_deterministic_replayable_and_refusals_change_nothing(events: list[HazardEvent]) -> None:
    result = fold(HID, events)
    assert fold(HID, events) == result
    assert len(result.accepted) + len(result.refused) == len(events)  # nothing lost silently
    assert fold(HID, result.accepted).view == result.view
    assert fold(HID, result.accepted).refused == ()
    assert result.view.version == len(result.accepted)

    view = HazardView(HID)
    for event in events:
        before = view
        try:
            view = apply(view, event)
        except WorkflowError as error:
            assert view == before
            assert error.error.rule.startswith("hazard.")
            assert error.error.params["allowed"] == ", ".join(
                a.value for a in allowed_actions(view, event.actor)
            )
        else:
            assert TRANSITIONS[event.action][before.state] is view.state
    assert view == result.view
