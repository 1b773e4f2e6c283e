"""A clock the test moves, for code that takes one: the server's ``clock`` (ms since the epoch)
and the privacy lock's (monotonic seconds). Time-driven rules are then tested without waiting."""

from __future__ import annotations


class ManualClock:
    """Whole milliseconds, so sums and differences are exact; moves only on :meth:`advance`."""

    def __init__(self, start_ms: int = 1_750_000_000_000) -> None:
        self.now_ms = start_ms

    def __call__(self) -> int:
        return self.now_ms

    def seconds(self) -> float:
        return self.now_ms / 1000

    def advance(self, ms: int) -> None:
        self.now_ms += ms
