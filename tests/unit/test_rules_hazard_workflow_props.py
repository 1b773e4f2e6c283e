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

_LEVELS = ["EMERGENCY", "MAJOR", "GENERAL", "COMPLEX"]
_DEPARTMENTS = ["消防救援", "公安"]

#: Parameters that pass (``good``) and parameters that mostly do not (``any``).
_good: dict[Action, st.SearchStrategy[dict[str, Any]]] = {
    Action.REPORT: st.fixed_dictionaries(
        {"level": st.sampled_from(_LEVELS), "town": st.just("441900003"), "grid": st.just("G01")}
    ),
    Action.SELF_RESOLVE: st.fixed_dictionaries(
        {"level": st.sampled_from(_LEVELS), "town": st.just("441900003"), "grid": st.just("G01")}
    ),
    Action.DISPATCH: st.fixed_dictionaries({"department": st.sampled_from(_DEPARTMENTS)}),
    Action.EXTENSION_REQUEST: st.fixed_dictionaries({"days": st.integers(1, 20)}),
    Action.EXTENSION_APPROVE: st.one_of(st.just({}), st.fixed_dictionaries({"days": st.integers(1, 20)})),
    Action.SUPERVISE: st.fixed_dictionaries({"supervision": st.sampled_from(["normal", "yellow", "red"])}),
}
_any: dict[Action, st.SearchStrategy[dict[str, Any]]] = {
    Action.REPORT: st.fixed_dictionaries(
        {
            "level": st.sampled_from([*_LEVELS, "HUGE"]),
            "town": st.just("441900003"),
            "grid": st.sampled_from(["G01", "G02"]),
        }
    ),
    Action.DISPATCH: st.fixed_dictionaries({"department": st.sampled_from([*_DEPARTMENTS, ""])}),
    Action.EXTENSION_REQUEST: st.fixed_dictionaries({"days": st.integers(-1, 20)}),
    Action.EXTENSION_APPROVE: st.one_of(st.just({}), st.fixed_dictionaries({"days": st.integers(0, 20)})),
    Action.SUPERVISE: st.fixed_dictionaries({"supervision": st.sampled_from(["normal", "red", "x"])}),
}


@st.composite
def timelines(draw: st.DrawFn) -> list[HazardEvent]:
    """Event sequences that mostly take an action on offer with good parameters (to reach every
    state), mixed with arbitrary actions by arbitrary actors, missing notes or photos, reused ids
    and stale ``seen`` versions."""
    view = HazardView(HID)
    events: list[HazardEvent] = []
    for n in range(draw(st.integers(0, 40))):
        offering = [actor for actor in ACTORS if allowed_actions(view, actor)]
        if offering and draw(st.integers(0, 4)) > 0:
            actor = draw(st.sampled_from(offering))
            action = draw(st.sampled_from(allowed_actions(view, actor)))
            params = draw(_good.get(action, st.just({})))
            note = "说明"
            photos: tuple[str, ...] = ("sha",)
            seen = draw(st.sampled_from([None, view.version, max(view.version - 1, 0)]))
            event_id = f"e{n}"
        else:
            actor = draw(st.sampled_from(ACTORS))
            action = draw(st.sampled_from(list(Action)))
            params = draw(_any.get(action, st.just({})))
            note = draw(st.sampled_from(["", "说明"]))
            photos = draw(st.sampled_from([(), ("sha",)]))
            seen = draw(st.one_of(st.none(), st.integers(0, view.version)))
            event_id = f"e{draw(st.integers(0, n))}"
        event = HazardEvent(
            id=event_id,
            hazard_id=HID,
            action=action,
            actor=actor,
            at_ms=1_757_900_000_000 + n * 600_000,
            note=note,
            photos=photos,
            params=params,
            seen=seen,
        )
        events.append(event)
        with contextlib.suppress(WorkflowError):
            view = apply(view, event)
    return events


@settings(max_examples=200, deadline=None)
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
