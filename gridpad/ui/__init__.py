"""GridPad's PySide6 user interface (the only package that imports Qt)."""

# Before any widget emits a signal: see pyside_refcount.py (a PySide6 6.12.0 bug aborts the app).
from gridpad.ui import pyside_refcount as _pyside_refcount  # noqa: F401
