"""What makes a PIN unusable: too short, not digits, or trivial (guessed in the first tries).

The settings screen and the lock's "choose a new PIN" form both ask :func:`pin_problem`; the UI
words each :class:`PinProblem` (``gridpad.ui.lock.pin_problem_text``).
"""

from __future__ import annotations

import enum
import itertools

MIN_PIN_LENGTH = 4

#: Common PINs that are neither one digit repeated nor a run (those are caught by rule): pairs and
#: triples repeated, years, keypad shapes and the lucky numbers people pick in China.
COMMON_PINS = frozenset({
    "1212", "1122", "1313", "2121", "6969", "1004", "2000", "2580", "0852",
    "123123", "121212", "112233", "520520", "520131", "131420", "147258", "159753", "123321",
    "654321", "111222", "666888", "888666", "168168", "518518", "100200", "5201314",
    "1314", "5200", "5211", "1688", "6688", "8866",
})


class PinProblem(enum.Enum):
    TOO_SHORT = "too_short"  # fewer than MIN_PIN_LENGTH characters, or not all digits
    MISMATCH = "mismatch"  # the two entries differ
    SAME_DIGIT = "same_digit"  # 1111, 000000
    RUN = "run"  # 1234, 4321, 0123, 123456, 9876
    COMMON = "common"  # on COMMON_PINS


def trivial(pin: str) -> PinProblem | None:
    """Why a PIN of digits is too easy to guess, or None."""
    if len(set(pin)) == 1:
        return PinProblem.SAME_DIGIT
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    if steps in ({1}, {9}):  # every digit one up (…8901… wraps) or one down
        return PinProblem.RUN
    if pin in COMMON_PINS:
        return PinProblem.COMMON
    return None


def pin_problem(pin: str, repeat: str) -> PinProblem | None:
    """The first rule a new PIN (typed twice) breaks, or None when it may be used."""
    if not pin.isascii() or not pin.isdigit() or len(pin) < MIN_PIN_LENGTH:
        return PinProblem.TOO_SHORT
    found = trivial(pin)
    if found is not None:
        return found
    if pin != repeat:
        return PinProblem.MISMATCH
    return None
