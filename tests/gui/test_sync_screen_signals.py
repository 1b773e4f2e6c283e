"""The sync thread emits signals all day long: emitting must not wear out Python's ``True``
(PySide6 6.12.0 loses a reference per emit; gridpad.ui guards against it)."""

from __future__ import annotations

import sys

from gridpad.ui import pyside_refcount


def test_many_emits_leave_true_alive() -> None:
    probe = pyside_refcount._Probe()
    before = sys.getrefcount(True)
    for i in range(100_000):  # far more references than True has without the guard (~600)
        probe.fired.emit(i)
    # Without the guard this process would already have aborted ("bool_dealloc").
    assert sys.getrefcount(True) > 1000
    if not pyside_refcount.APPLIED:
        assert sys.getrefcount(True) >= before - 10  # a fixed PySide6 loses nothing
