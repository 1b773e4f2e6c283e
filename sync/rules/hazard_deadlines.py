"""Hazard deadlines per urgency level and stage (domain.md §5.3), on the Chinese working calendar.

One pure function, :func:`stage_deadline`, turns a stage's start into its due time. The server
computes the authoritative deadlines with it; a device offline computes provisional ones with the
same function and policy, so both show the same value until the server's arrive.

Units:

- ``minutes``: clock minutes, round the clock (emergencies do not wait for office hours);
- ``same_day``: the end of the start's calendar day in Asia/Shanghai, but never less than
  ``amount`` clock hours after the start (an emergency reported at 23:30 is not due at 23:59);
- ``working_hours``: time inside the working windows (default 08:30–12:00, 14:00–17:30) of working
  days only; a start outside them counts from the next window;
- ``working_days``: the end of the working day (the last window's end) of the N-th working day after
  the start's day; the start's own day does not count (as in the 3-working-day report rule).

Working days are :func:`sync.rules.working_calendar.is_working_day` (holidays and 调休 make-up
days; Monday–Friday with a logged warning beyond the calendar's last year). All times cross the API
as UTC milliseconds; the calendar arithmetic runs in Asia/Shanghai.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

from sync.rules.errors import RuleError, fail
from sync.rules.working_calendar import is_working_day

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Level(StrEnum):
    EMERGENCY = "EMERGENCY"  # 紧急
    MAJOR = "MAJOR"  # 较大
    GENERAL = "GENERAL"  # 一般
    COMPLEX = "COMPLEX"  # 复杂 / enforcement


LEVEL_LABELS: Mapping[Level, str] = MappingProxyType({
    Level.EMERGENCY: "紧急", Level.MAJOR: "较大", Level.GENERAL: "一般", Level.COMPLEX: "复杂",
})


class Stage(StrEnum):
    ACCEPT = "accept"  # 受理
    DISPATCH = "dispatch"  # 派遣
    HANDLE = "handle"  # 处置
    VERIFY = "verify"  # 核查


class Unit(StrEnum):
    MINUTES = "minutes"
    SAME_DAY = "same_day"
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"


class DeadlineColour(StrEnum):
    NORMAL = "normal"
    NEAR = "near"  # 临期
    OVERDUE = "overdue"  # 超期


@dataclass(frozen=True)
class Period:
    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise fail("period", "deadline.negative", f"must not be negative, got {self.amount}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """``"3 working_days"``, ``"30 minutes"``: the form a server's configuration file uses."""
        parts = text.split()
        if len(parts) != 2 or not parts[0].isdigit() or parts[1] not in {u.value for u in Unit}:
            raise fail("period", "deadline.period_format",
                       f"expected '<number> <unit>' with unit one of {', '.join(u.value for u in Unit)}, "
                       f"got {text!r}", value=text)
        return cls(int(parts[0]), Unit(parts[1]))

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.value}"


@dataclass(frozen=True)
class WorkingHours:
    """Working windows of a working day, in Asia/Shanghai local time, in order and not overlapping."""

    windows: tuple[tuple[time, time], ...] = ((time(8, 30), time(12, 0)), (time(14, 0), time(17, 30)))

    def __post_init__(self) -> None:
        previous = time(0, 0)
        for begin, end in self.windows:
            if not previous <= begin < end:
                raise fail("working_hours", "deadline.windows",
                           "windows must be ordered, non-empty and not overlap")
            previous = end
        if not self.windows:
            raise fail("working_hours", "deadline.windows", "at least one window is needed")

    @property
    def day_end(self) -> time:
        return self.windows[-1][1]


def _p(amount: int, unit: Unit) -> Period:
    return Period(amount, unit)


_M, _SD, _WH, _WD = Unit.MINUTES, Unit.SAME_DAY, Unit.WORKING_HOURS, Unit.WORKING_DAYS

#: domain.md §5.3. Where the table says "immediate" (emergency dispatch) we allow 15 minutes, and
#: "same day" is never less than 2 hours; complex cases are verified within 2 working days of
#: "completion" (the department's feedback), like general ones.
DEFAULT_PERIODS: Mapping[Level, Mapping[Stage, Period]] = MappingProxyType({
    Level.EMERGENCY: MappingProxyType({
        Stage.ACCEPT: _p(30, _M), Stage.DISPATCH: _p(15, _M),
        Stage.HANDLE: _p(2, _SD), Stage.VERIFY: _p(2, _SD)}),
    Level.MAJOR: MappingProxyType({
        Stage.ACCEPT: _p(2, _WH), Stage.DISPATCH: _p(4, _WH),
        Stage.HANDLE: _p(3, _WD), Stage.VERIFY: _p(1, _WD)}),
    Level.GENERAL: MappingProxyType({
        Stage.ACCEPT: _p(1, _WD), Stage.DISPATCH: _p(1, _WD),
        Stage.HANDLE: _p(7, _WD), Stage.VERIFY: _p(2, _WD)}),
    Level.COMPLEX: MappingProxyType({
        Stage.ACCEPT: _p(1, _WD), Stage.DISPATCH: _p(2, _WD),
        Stage.HANDLE: _p(15, _WD), Stage.VERIFY: _p(2, _WD)}),
})

#: Longest handling period with approved extensions, in working days; past it the case is 挂账
#: (long-standing). Levels not listed have no cap.
DEFAULT_MAX_HANDLE_DAYS: Mapping[Level, int] = MappingProxyType({Level.COMPLEX: 30})


@dataclass(frozen=True)
class DeadlinePolicy:
    """Configurable defaults; the server may override any part (:meth:`with_overrides`)."""

    periods: Mapping[Level, Mapping[Stage, Period]] = field(default_factory=lambda: DEFAULT_PERIODS)
    max_handle_working_days: Mapping[Level, int] = field(default_factory=lambda: DEFAULT_MAX_HANDLE_DAYS)
    working_hours: WorkingHours = field(default_factory=WorkingHours)
    #: A VERIFIED hazard the centre has not closed closes itself this many working days later.
    auto_close_working_days: int = 3
    #: 临期 when less than this share of the stage's time is left ...
    near_fraction: float = 0.25
    #: ... or less than this many hours.
    near_hours: float = 24.0

    def period(self, level: Level, stage: Stage) -> Period:
        return self.periods[level][stage]

    def with_overrides(self, data: Mapping[str, object]) -> DeadlinePolicy:
        """A copy with parts replaced, from plain data (a server's JSON/TOML configuration)::

            {"periods": {"MAJOR": {"handle": "5 working_days"}},
             "max_handle_working_days": {"COMPLEX": 40},
             "working_hours": [["09:00", "12:00"], ["13:30", "18:00"]],
             "auto_close_working_days": 5, "near_fraction": 0.2, "near_hours": 12}

        Unknown keys, levels, stages or units are refused naming the key.
        """
        known = {"periods", "max_handle_working_days", "working_hours", "auto_close_working_days",
                 "near_fraction", "near_hours"}
        for key in data:
            if key not in known:
                raise fail(key, "deadline.unknown_key", f"unknown setting; known: {', '.join(sorted(known))}")
        policy = self
        if "periods" in data:
            policy = replace(policy, periods=_override_periods(policy.periods, data["periods"]))
        if "max_handle_working_days" in data:
            caps = dict(policy.max_handle_working_days)
            raw = data["max_handle_working_days"]
            if not isinstance(raw, Mapping):
                raise fail("max_handle_working_days", "deadline.format",
                           "expected a mapping of level to days")
            for level_name, days in raw.items():
                level = _level(str(level_name), "max_handle_working_days")
                if days is None:
                    caps.pop(level, None)
                else:
                    caps[level] = _int(days, f"max_handle_working_days.{level_name}")
            policy = replace(policy, max_handle_working_days=MappingProxyType(caps))
        if "working_hours" in data:
            policy = replace(policy, working_hours=_parse_windows(data["working_hours"]))
        if "auto_close_working_days" in data:
            policy = replace(policy, auto_close_working_days=_int(data["auto_close_working_days"],
                                                                  "auto_close_working_days"))
        if "near_fraction" in data:
            policy = replace(policy, near_fraction=_number(data["near_fraction"], "near_fraction"))
        if "near_hours" in data:
            policy = replace(policy, near_hours=_number(data["near_hours"], "near_hours"))
        return policy


DEFAULT_POLICY = DeadlinePolicy()


def _level(name: str, where: str) -> Level:
    try:
        return Level(name)
    except ValueError:
        raise fail(where, "deadline.unknown_level",
                   f"unknown level {name!r}; known: {', '.join(level.value for level in Level)}",
                   value=name) from None


def _int(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise fail(where, "deadline.format", f"expected a whole number >= 0, got {value!r}")
    return value


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise fail(where, "deadline.format", f"expected a number >= 0, got {value!r}")
    return float(value)


def _override_periods(base: Mapping[Level, Mapping[Stage, Period]],
                      raw: object) -> Mapping[Level, Mapping[Stage, Period]]:
    if not isinstance(raw, Mapping):
        raise fail("periods", "deadline.format", "expected a mapping of level to stages")
    merged = {level: dict(stages) for level, stages in base.items()}
    for level_name, stages in raw.items():
        level = _level(str(level_name), "periods")
        if not isinstance(stages, Mapping):
            raise fail(f"periods.{level_name}", "deadline.format", "expected a mapping of stage to period")
        for stage_name, text in stages.items():
            try:
                stage = Stage(str(stage_name))
            except ValueError:
                raise fail(f"periods.{level_name}", "deadline.unknown_stage",
                           f"unknown stage {stage_name!r}; known: {', '.join(s.value for s in Stage)}",
                           value=str(stage_name)) from None
            try:
                merged[level][stage] = Period.parse(str(text))
            except RuleError as error:
                raise fail(f"periods.{level_name}.{stage_name}", error.error.rule,
                           error.error.message.removeprefix("period: "), **error.error.params) from None
    return MappingProxyType({level: MappingProxyType(stages) for level, stages in merged.items()})


def _parse_windows(raw: object) -> WorkingHours:
    try:
        windows = tuple(
            (time.fromisoformat(str(begin)), time.fromisoformat(str(end)))
            for begin, end in raw  # type: ignore[attr-defined]
        )
    except (TypeError, ValueError):
        raise fail("working_hours", "deadline.format",
                   'expected a list of ["HH:MM", "HH:MM"] pairs') from None
    return WorkingHours(windows)


# --- time arithmetic ---------------------------------------------------------------------------

def to_ms(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give a time zone")
    return int(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    """The instant as an Asia/Shanghai datetime."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).astimezone(SHANGHAI)


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=SHANGHAI)


def add_working_minutes(start: datetime, minutes: int, hours: WorkingHours) -> datetime:
    """``start`` plus ``minutes`` of working time; ends exactly at a window's end when used up there."""
    local = start.astimezone(SHANGHAI)
    day, left = local.date(), timedelta(minutes=minutes)
    cursor = local
    while True:
        if is_working_day(day):
            for begin, end in hours.windows:
                window_start, window_end = _at(day, begin), _at(day, end)
                if cursor >= window_end:
                    continue
                cursor = max(cursor, window_start)
                available = window_end - cursor
                if left <= available:
                    return cursor + left
                left -= available
                cursor = window_end
        day += timedelta(days=1)
        cursor = _at(day, time(0, 0))


def add_working_days(start: datetime, days: int, hours: WorkingHours) -> datetime:
    """End of the working day of the ``days``-th working day after ``start``'s day (which does not
    count); with ``days`` 0, the end of ``start``'s day if that is a working day still open."""
    local = start.astimezone(SHANGHAI)
    day = local.date()
    if days == 0 and is_working_day(day) and local.time() < hours.day_end:
        return _at(day, hours.day_end)
    left = max(days, 1)
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return _at(day, hours.day_end)


def add_period(start: datetime, period: Period, hours: WorkingHours) -> datetime:
    if period.unit is Unit.MINUTES:
        return start + timedelta(minutes=period.amount)
    if period.unit is Unit.SAME_DAY:
        local = start.astimezone(SHANGHAI)
        day_end = _at(local.date() + timedelta(days=1), time(0, 0)) - timedelta(milliseconds=1)
        return max(day_end, local + timedelta(hours=period.amount))
    if period.unit is Unit.WORKING_HOURS:
        return add_working_minutes(start, period.amount * 60, hours)
    return add_working_days(start, period.amount, hours)


def stage_deadline(level: Level, stage: Stage, start_ms: int, *, policy: DeadlinePolicy = DEFAULT_POLICY,
                   extension_days: int = 0) -> int:
    """Due time (UTC ms) of ``stage`` started at ``start_ms``; approved extensions (working days)
    move the handling deadline to the end of the N-th working day after its base due day."""
    due = add_period(from_ms(start_ms), policy.period(level, stage), policy.working_hours)
    if extension_days > 0 and stage is Stage.HANDLE:
        due = add_working_days(due, extension_days, policy.working_hours)
    return to_ms(due)


def max_extension_days(level: Level, policy: DeadlinePolicy = DEFAULT_POLICY) -> int | None:
    """How many working days of extension may be approved in one handling round (None: no cap).

    With a handling period in working days the cap is the difference to the maximum (COMPLEX:
    30 - 15 = 15); for other units the whole maximum may be added after the base deadline."""
    cap = policy.max_handle_working_days.get(level)
    if cap is None:
        return None
    base = policy.period(level, Stage.HANDLE)
    return max(cap - base.amount, 0) if base.unit is Unit.WORKING_DAYS else cap


def long_standing_after(level: Level, handle_start_ms: int,
                        policy: DeadlinePolicy = DEFAULT_POLICY) -> int | None:
    """When a still-open case of ``level`` becomes 挂账 (long-standing): the handling deadline with
    the largest extension allowed. None for levels without a cap. The server's sweeper records the
    ``long_standing`` event after this time."""
    most = max_extension_days(level, policy)
    if most is None:
        return None
    return stage_deadline(level, Stage.HANDLE, handle_start_ms, policy=policy, extension_days=most)


def auto_close_after(verified_ms: int, policy: DeadlinePolicy = DEFAULT_POLICY) -> int:
    """When a VERIFIED hazard the centre has not closed closes itself (``auto_close`` event)."""
    return to_ms(add_working_days(from_ms(verified_ms), policy.auto_close_working_days, policy.working_hours))


def deadline_colour(now_ms: int, start_ms: int, due_ms: int,
                    policy: DeadlinePolicy = DEFAULT_POLICY) -> DeadlineColour:
    """超期 once ``now`` is past ``due``; 临期 when less than ``near_fraction`` of the stage's time
    or less than ``near_hours`` is left; normal otherwise. Time here is clock time."""
    if now_ms > due_ms:
        return DeadlineColour.OVERDUE
    left = due_ms - now_ms
    total = max(due_ms - start_ms, 0)
    if left < total * policy.near_fraction or left < policy.near_hours * 3_600_000:
        return DeadlineColour.NEAR
    return DeadlineColour.NORMAL
