"""Signals that must stay silent: a refused save is not "saved", a failed sync is not "finished".

``qtbot.assertNotEmitted`` checks one signal; a refusal usually has several things that must not
happen, and some of them only on the DB or sync thread after the click returns. ``quiet`` checks
all of them over a block that should end with that work done (``until``, e.g. the DB worker idle).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from PySide6.QtCore import SignalInstance
from pytestqt.qtbot import QtBot


@contextmanager
def quiet(qtbot: QtBot, *signals: SignalInstance, until: Callable[[], bool] | None = None,
          timeout: int = 5000) -> Iterator[None]:
    """Fail if any of ``signals`` fires inside the block or before ``until()`` holds after it."""
    with ExitStack() as stack:
        for signal in signals:
            stack.enter_context(qtbot.assertNotEmitted(signal))
        yield
        if until is not None:
            qtbot.waitUntil(until, timeout=timeout)
