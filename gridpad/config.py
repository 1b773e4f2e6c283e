"""Where GridPad keeps its files. No Qt, no SQL."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DB_FILENAME = "gridpad.sqlite"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data dir: ``--data-dir``, else ``$GRIDPAD_HOME``, else the platform's user data dir."""
    chosen = override or os.environ.get("GRIDPAD_HOME") or platformdirs.user_data_dir("gridpad", "gridpad")
    path = Path(chosen).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def db_path(directory: Path) -> Path:
    return directory / DB_FILENAME
