"""The 3-working-day report rule: landlords report tenants within 3 working days of signing.

Working days are those of :mod:`sync.rules.working_calendar` (public holidays and 调休 make-up
days, Monday–Friday beyond the years ``chinesecalendar`` knows).
"""

from __future__ import annotations

from datetime import date, timedelta

from sync.rules.working_calendar import calendar_covers, is_working_day

__all__ = ["REPORT_WORKING_DAYS", "add_working_days", "calendar_covers", "is_report_late", "is_working_day",
           "report_deadline"]

REPORT_WORKING_DAYS = 3


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
