"""Chinese working days (public holidays and 调休 make-up days) with a Monday–Friday fallback.

``chinesecalendar`` knows the State Council's schedule only up to its last published year (it is
updated each winter). Beyond that, deadlines must still come out, on the server and on a device
offline alike: we fall back to Monday–Friday and log one warning per unknown year, so an operator
sees that holidays are missing and updates the package. Both sides use the same fallback, so a
device's provisional deadline still equals the server's.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache

import chinese_calendar

log = logging.getLogger(__name__)


def calendar_covers(day: date) -> bool:
    """Whether the public holidays of ``day``'s year are known (else weekends only)."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=64)
def _warn_unknown_year(year: int) -> None:
    # Cached: one warning per year and process, not one per date looked at.
    log.warning(
        "chinesecalendar has no holiday data for %d: counting Monday-Friday as working days "
        "(update the chinesecalendar package)", year,
    )


@lru_cache(maxsize=65536)  # the library scans its whole holiday table on every call
def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        _warn_unknown_year(day.year)
        return day.weekday() < 5
