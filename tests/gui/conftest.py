"""Fixtures for the registry and shell GUI tests (a small real grid and a window on it)."""

from registry_support import grid_dir, window  # noqa: F401
