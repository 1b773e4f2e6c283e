"""The sync thread emits signals all day long: emitting must not wear out Python's ``True``.

PySide6 6.12.0 drops a reference to ``True`` on every ``Signal.emit()``; on CPython 3.11 the app
then aborts after a few hundred emits ("bool_dealloc"). pyproject.toml excludes that release; this
test catches a PySide6 with the same bug before a user does.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    fired = Signal(int)


def test_emitting_a_signal_keeps_references_to_true() -> None:
    probe = _Probe()
    before = sys.getrefcount(True)
    for i in range(10_000):
        probe.fired.emit(i)
    assert sys.getrefcount(True) >= before - 10
