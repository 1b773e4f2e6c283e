"""Guard against a PySide6 6.12.0 reference-count bug that aborts the app.

In PySide6 6.12.0, ``SignalInstance.emit()`` returns ``True`` without taking a reference to it, so
every emit from Python code drops one reference to ``True``. On CPython 3.11 (``True`` is not
immortal before 3.12) the app aborts after a few hundred emits with "Fatal Python error:
bool_dealloc: deallocating True or False" — in a long session, or at the end of a test run.

The bug is detected, not assumed: a signal is emitted a few times and the reference count of
``True`` compared. Only when emits lose references does ``True`` get a very large reference count
once (what CPython 3.12 does for every bool), so the lost references can never reach zero.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

_PROBE_EMITS = 16


class _Probe(QObject):
    fired = Signal(int)


def emit_loses_references() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for i in range(_PROBE_EMITS):
        probe.fired.emit(i)
    lost = before - sys.getrefcount(True)
    return lost >= _PROBE_EMITS


def guard() -> bool:
    """Apply the work-around if this PySide6 needs it on this Python; True if it was applied."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False  # bools are immortal: lost references are harmless
    if not emit_loses_references():
        return False
    ctypes.c_ssize_t.from_address(id(True)).value += 1 << 40  # ob_refcnt is the first field
    return True


APPLIED = guard()
