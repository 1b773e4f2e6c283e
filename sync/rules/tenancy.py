"""The 3-working-day report rule: landlords report tenants within 3 working days of signing.

Working days come from ``chinesecalendar`` (the State Council's public holidays and the
weekend days made into working days, 调休). For years that library does not know yet (it is
updated each winter when the next year's schedule is published) we fall back to Monday–Friday,
which can be off by a holiday: :func:`calendar_covers` tells callers when that happens.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

REPORT_WORKING_DAYS = 3


def calendar_covers(day: date) -> bool:
    """Whether public holidays are known for ``day``'s year (else weekends only)."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=65536)  # the library scans its whole holiday table on every call
def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current


def report_deadline(lease_signed_at: date) -> date:
    """Last day a report is on time: the 3rd working day after signing."""
    return add_working_days(lease_signed_at, REPORT_WORKING_DAYS)


def is_report_late(lease_signed_at: date, reported_at: date | None, today: date | None = None) -> bool:
    """Reported after the deadline, or not reported and the deadline has passed by ``today``."""
    deadline = report_deadline(lease_signed_at)
    if reported_at is not None:
        return reported_at > deadline
    return (today or date.today()) > deadline
