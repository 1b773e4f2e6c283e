"""Hybrid logical clock as one integer: ``physical_ms << 16 | counter``.

One int orders like the (time, counter) pair, fits SQLite's INTEGER and PostgreSQL's BIGINT, and
the device can advance it in SQL with the same rule as :func:`send`::

    UPDATE hlc_state SET value = max(value + 1, now_ms * 65536)

A counter that runs past 16 bits simply carries into the millisecond part: the clock stays
monotonic, it only runs a little ahead, which :func:`receive` absorbs.
"""

from __future__ import annotations

import time

COUNTER_BITS = 16
COUNTER_MASK = (1 << COUNTER_BITS) - 1

#: The server refuses clocks further ahead of its own than this.
MAX_AHEAD_MS = 5 * 60 * 1000


def pack(physical_ms: int, counter: int = 0) -> int:
    if physical_ms < 0 or not 0 <= counter <= COUNTER_MASK:
        raise ValueError(f"hlc: physical_ms must be >= 0 and counter 0..{COUNTER_MASK}")
    return physical_ms << COUNTER_BITS | counter


def unpack(hlc: int) -> tuple[int, int]:
    """``(physical_ms, counter)``."""
    return hlc >> COUNTER_BITS, hlc & COUNTER_MASK


def physical_ms(hlc: int) -> int:
    return hlc >> COUNTER_BITS


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def send(last: int, now: int) -> int:
    """The clock value for a local event (an edit) given the last value and wall time ``now`` (ms)."""
    return max(last + 1, now << COUNTER_BITS)


def receive(last: int, remote: int, now: int) -> int:
    """The clock value after seeing ``remote``: later than both, never behind wall time."""
    return max(last + 1, remote + 1, now << COUNTER_BITS)


def too_far_ahead(hlc: int, now: int, max_ahead_ms: int = MAX_AHEAD_MS) -> bool:
    """True when ``hlc`` claims a time more than ``max_ahead_ms`` after ``now`` (ms)."""
    return physical_ms(hlc) > now + max_ahead_ms
