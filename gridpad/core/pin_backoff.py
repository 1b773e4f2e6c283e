"""How the lock answers wrong PINs: growing waits, then a lockout only an unlock code from IT ends.

The state is kept in the store (``gridpad.app.pin_lock``), so quitting the app neither resets
the count nor shortens a wait. Times are wall-clock seconds (a wait must outlive a restart); a
clock turned back cannot lengthen a wait beyond its step, and the lockout counts tries, not time.
Wrong PINs never touch the data: wiping a lost tablet stays IT's revocation.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

#: Wrong PINs answered at once (typos happen).
FREE_TRIES = 3
#: The wait after wrong PIN number FREE_TRIES + 1, + 2, …; the last repeats (unlock codes).
DELAYS_S = (30, 60, 300, 900, 1800, 3600)
#: Wrong PINs in a row that lock the tablet until an unlock code is entered.
LOCKOUT_AFTER = 10


def delay_after(failures: int) -> int:
    """Seconds to wait after ``failures`` wrong entries in a row."""
    if failures <= FREE_TRIES:
        return 0
    return DELAYS_S[min(failures - FREE_TRIES, len(DELAYS_S)) - 1]


@dataclass(frozen=True)
class PinLockState:
    failures: int = 0  # wrong PINs in a row
    wait_until: float = 0.0  # no PIN is tried before this time
    locked_out: bool = False  # only an unlock code opens the tablet
    code_failures: int = 0  # wrong unlock codes in a row (they wait too, never lock)
    code_wait_until: float = 0.0
    code_counter: int = 0  # the counter of the last unlock code used (sync.unlock_code)
    new_pin_needed: bool = False  # a code was accepted: the user chooses a new PIN to open

    def wait_s(self, now: float) -> float:
        """Seconds before a PIN (or, locked out, a code) may be tried; a clock turned back
        counts as no more than the step's own wait."""
        if self.locked_out:
            return _remaining(self.code_wait_until, now, delay_after(self.code_failures))
        return _remaining(self.wait_until, now, delay_after(self.failures))

    @property
    def tries_left(self) -> int:
        """Wrong PINs left before the lockout."""
        return max(0, LOCKOUT_AFTER - self.failures)

    def wrong_pin(self, now: float) -> PinLockState:
        failures = self.failures + 1
        return dataclasses.replace(self, failures=failures, wait_until=now + delay_after(failures),
                                   locked_out=failures >= LOCKOUT_AFTER)

    def right_pin(self) -> PinLockState:
        return dataclasses.replace(self, failures=0, wait_until=0.0)

    def wrong_code(self, now: float) -> PinLockState:
        failures = self.code_failures + 1
        return dataclasses.replace(self, code_failures=failures,
                                   code_wait_until=now + delay_after(failures))

    def code_accepted(self, counter: int) -> PinLockState:
        """Still locked until a new PIN is chosen; the code cannot be used again."""
        return dataclasses.replace(self, code_counter=counter, code_failures=0, code_wait_until=0.0,
                                   new_pin_needed=True)

    def new_pin_set(self) -> PinLockState:
        """A new PIN was chosen (after a code, or in Settings): a fresh start."""
        return PinLockState(code_counter=self.code_counter)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> PinLockState:
        """The saved state; anything unreadable counts as locked out, never as a fresh start."""
        if not text:
            return cls()
        try:
            raw: Any = json.loads(text)
            names = {f.name for f in dataclasses.fields(cls)}
            return cls(**{k: v for k, v in raw.items() if k in names})
        except (ValueError, TypeError, AttributeError):
            return cls(failures=LOCKOUT_AFTER, locked_out=True)


def _remaining(until: float, now: float, step: int) -> float:
    return max(0.0, min(until - now, float(step)))
