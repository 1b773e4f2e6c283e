"""Hazard deadlines (domain.md §5.3) on the Chinese working calendar, in Asia/Shanghai time."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

import pytest

from sync.rules import working_calendar
from sync.rules.errors import RuleError
from sync.rules.hazard_deadlines import (
    DEFAULT_POLICY,
    SHANGHAI,
    DeadlineColour,
    DeadlinePolicy,
    Level,
    Period,
    Stage,
    Unit,
    auto_close_after,
    deadline_colour,
    from_ms,
    long_standing_after,
    max_extension_days,
    stage_deadline,
    to_ms,
)
from sync.rules.working_calendar import calendar_covers, is_working_day


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    return to_ms(datetime(year, month, day, hour, minute, tzinfo=SHANGHAI))


def due(
    level: Level, stage: Stage, start: int, policy: DeadlinePolicy = DEFAULT_POLICY, extension_days: int = 0
) -> datetime:
    return from_ms(stage_deadline(level, stage, start, policy=policy, extension_days=extension_days))


def shanghai(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_the_calendar_knows_national_day_2025_and_its_make_up_saturday() -> None:
    assert not is_working_day(date(2025, 10, 1)) and not is_working_day(date(2025, 10, 8))
    assert is_working_day(date(2025, 9, 28))  # Sunday made a working day (调休)
    assert is_working_day(date(2025, 10, 11))  # Saturday made a working day


def test_working_days_skip_a_weekend() -> None:
    friday = at(2025, 9, 19, 10)
    assert due(Level.MAJOR, Stage.HANDLE, friday) == shanghai(2025, 9, 24, 17, 30)  # Mon, Tue, Wed
    assert due(Level.GENERAL, Stage.ACCEPT, friday) == shanghai(2025, 9, 22, 17, 30)


def test_working_days_skip_national_day_and_count_the_make_up_saturday() -> None:
    start = at(2025, 9, 30, 16)
    # 10-01..10-08 are holidays; 10-09 Thu, 10-10 Fri, 10-11 Sat (调休) are working days.
    assert due(Level.MAJOR, Stage.HANDLE, start) == shanghai(2025, 10, 11, 17, 30)
    # ... then Mon 13 to Thu 16 make seven.
    assert due(Level.GENERAL, Stage.HANDLE, start) == shanghai(2025, 10, 16, 17, 30)


def test_a_make_up_sunday_counts_as_a_working_day() -> None:
    friday = at(2025, 9, 26, 11)
    # Sat 27 is off, Sun 28 is a 调休 working day, Mon 29 follows.
    assert due(Level.GENERAL, Stage.ACCEPT, friday) == shanghai(2025, 9, 28, 17, 30)
    assert due(Level.MAJOR, Stage.ACCEPT, at(2025, 9, 27, 10)) == shanghai(2025, 9, 28, 10, 30)


def test_working_hours_across_lunch_and_overnight() -> None:
    assert due(Level.MAJOR, Stage.ACCEPT, at(2025, 9, 16, 11)) == shanghai(2025, 9, 16, 15, 0)
    assert due(Level.MAJOR, Stage.DISPATCH, at(2025, 9, 16, 16)) == shanghai(2025, 9, 17, 11, 0)
    # Started in the lunch break or at night: counts from the next window.
    assert due(Level.MAJOR, Stage.ACCEPT, at(2025, 9, 16, 12, 30)) == shanghai(2025, 9, 16, 16, 0)
    assert due(Level.MAJOR, Stage.ACCEPT, at(2025, 9, 16, 22)) == shanghai(2025, 9, 17, 10, 30)
    # Used up exactly at a window's end: due then, not the next morning.
    assert due(Level.MAJOR, Stage.ACCEPT, at(2025, 9, 16, 15, 30)) == shanghai(2025, 9, 16, 17, 30)


def test_working_hours_across_national_day() -> None:
    assert due(Level.MAJOR, Stage.ACCEPT, at(2025, 9, 30, 16)) == shanghai(2025, 10, 9, 9, 0)


def test_emergency_runs_round_the_clock() -> None:
    saturday_night = at(2025, 10, 4, 23, 30)
    assert due(Level.EMERGENCY, Stage.ACCEPT, saturday_night) == shanghai(2025, 10, 5, 0, 0)
    assert due(Level.EMERGENCY, Stage.HANDLE, saturday_night) == shanghai(2025, 10, 5, 1, 30)
    morning = at(2025, 10, 4, 9)
    assert due(Level.EMERGENCY, Stage.VERIFY, morning) == shanghai(2025, 10, 4, 23, 59) + timedelta(
        seconds=59, milliseconds=999
    )


def test_extension_moves_the_handling_deadline_and_complex_caps_at_thirty() -> None:
    start = at(2025, 9, 15, 9)
    base = due(Level.COMPLEX, Stage.HANDLE, start)
    extended = due(Level.COMPLEX, Stage.HANDLE, start, extension_days=15)
    assert max_extension_days(Level.COMPLEX) == 15 and max_extension_days(Level.MAJOR) is None
    # 30 working days from Mon 2025-09-15 over National Day: the same as 30 working days at once.
    thirty = DeadlinePolicy().with_overrides({"periods": {"COMPLEX": {"handle": "30 working_days"}}})
    assert extended == due(Level.COMPLEX, Stage.HANDLE, start, policy=thirty) > base
    assert long_standing_after(Level.COMPLEX, start) == to_ms(extended)
    assert long_standing_after(Level.MAJOR, start) is None
    # Extensions touch only the handling stage.
    assert due(Level.COMPLEX, Stage.VERIFY, start, extension_days=5) == due(
        Level.COMPLEX, Stage.VERIFY, start
    )


def test_auto_close_after_working_days() -> None:
    assert from_ms(auto_close_after(at(2025, 9, 30, 10))) == shanghai(2025, 10, 11, 17, 30)


def test_device_and_server_compute_the_same_value_from_ms() -> None:
    start = at(2025, 9, 30, 16)
    assert stage_deadline(Level.MAJOR, Stage.ACCEPT, start) == stage_deadline(
        Level.MAJOR, Stage.ACCEPT, start
    )
    # The start as UTC milliseconds from another zone is the same instant.
    utc_start = to_ms(datetime(2025, 9, 30, 8, tzinfo=SHANGHAI).astimezone(SHANGHAI))
    assert stage_deadline(Level.MAJOR, Stage.ACCEPT, utc_start) == stage_deadline(
        Level.MAJOR, Stage.ACCEPT, at(2025, 9, 30, 8)
    )


def test_colour_thresholds() -> None:
    start, end = at(2025, 9, 1), at(2025, 9, 11)  # ten days
    hour = 3_600_000
    assert deadline_colour(start, start, end) is DeadlineColour.NORMAL
    assert deadline_colour(end - 60 * hour + 1, start, end) is DeadlineColour.NEAR  # < 25% left
    assert deadline_colour(end - 60 * hour, start, end) is DeadlineColour.NORMAL  # exactly 25%
    assert deadline_colour(end, start, end) is DeadlineColour.NEAR  # due now, not yet overdue
    assert deadline_colour(end + 1, start, end) is DeadlineColour.OVERDUE
    # A three-day stage: less than 24 h left is near although more than 25% of the time remains.
    short_start = end - 72 * hour
    assert deadline_colour(end - 23 * hour, short_start, end) is DeadlineColour.NEAR  # 32% left
    assert deadline_colour(end - 25 * hour, short_start, end) is DeadlineColour.NORMAL
    tight = DeadlinePolicy(near_fraction=0.1, near_hours=1)
    assert deadline_colour(end - 30 * hour, start, end, tight) is DeadlineColour.NORMAL


def test_beyond_the_calendar_falls_back_to_weekdays_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    working_calendar.is_working_day.cache_clear()
    working_calendar._warn_unknown_year.cache_clear()
    last_known = 2026
    year = last_known + 4
    assert not calendar_covers(date(year, 1, 5))
    with caplog.at_level(logging.WARNING, logger="sync.rules.working_calendar"):
        # 2030-01-01 is a Tuesday: the fallback does not know New Year's Day is a holiday.
        start = at(year, 1, 4, 10)  # Friday
        assert due(Level.MAJOR, Stage.HANDLE, start) == shanghai(year, 1, 9, 17, 30)
        assert due(Level.GENERAL, Stage.ACCEPT, start) == shanghai(year, 1, 7, 17, 30)
    warnings = [r for r in caplog.records if "no holiday data for 2030" in r.getMessage()]
    assert len(warnings) == 1


def test_policy_overrides_and_bad_settings_name_the_key() -> None:
    policy = DEFAULT_POLICY.with_overrides(
        {
            "periods": {"MAJOR": {"handle": "5 working_days"}},
            "working_hours": [["09:00", "12:00"], ["13:30", "18:00"]],
            "max_handle_working_days": {"COMPLEX": 40},
            "auto_close_working_days": 5,
        }
    )
    assert policy.period(Level.MAJOR, Stage.HANDLE) == Period(5, Unit.WORKING_DAYS)
    assert policy.period(Level.MAJOR, Stage.ACCEPT) == DEFAULT_POLICY.period(Level.MAJOR, Stage.ACCEPT)
    assert policy.working_hours.windows[1] == (time(13, 30), time(18, 0))
    assert max_extension_days(Level.COMPLEX, policy) == 25
    assert DEFAULT_POLICY.period(Level.MAJOR, Stage.HANDLE) == Period(3, Unit.WORKING_DAYS)  # untouched
    assert due(Level.MAJOR, Stage.ACCEPT, at(2025, 9, 16, 11), policy) == shanghai(2025, 9, 16, 14, 30)
    bad: list[tuple[dict[str, object], str, str]] = [
        ({"periods": {"HUGE": {}}}, "periods", "deadline.unknown_level"),
        ({"periods": {"MAJOR": {"fix": "1 minutes"}}}, "periods.MAJOR", "deadline.unknown_stage"),
        ({"periods": {"MAJOR": {"handle": "3 weeks"}}}, "periods.MAJOR.handle", "deadline.period_format"),
        ({"working_hours": [["17:00", "09:00"]]}, "working_hours", "deadline.windows"),
        ({"near_hours": -1}, "near_hours", "deadline.format"),
        ({"colour": 1}, "colour", "deadline.unknown_key"),
    ]
    for data, field_name, rule in bad:
        with pytest.raises(RuleError) as caught:
            DEFAULT_POLICY.with_overrides(data)
        assert (caught.value.error.field, caught.value.error.rule) == (field_name, rule), data
        assert str(caught.value).startswith(f"{field_name}: ")
