"""Where GridPad keeps its files. No Qt, no SQL."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import platformdirs

from sync import private_files

DB_FILENAME = "gridpad.sqlite"
#: Folders of the data dir the app writes (made and repaired 0700, their files 0600).
PRIVATE_SUBDIRS = ("photos", "drafts")


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data dir: ``--data-dir``, else ``$GRIDPAD_HOME``, else the platform's user data dir.

    Made 0700, its files and the app's folders in it set 0700/0600 (an older version left them
    0755/0644): the database holds ID numbers and phones of a whole grid. Folders the app does not
    own are left as they are, so a data dir chosen inside something else stays harmless."""
    chosen = override or os.environ.get("GRIDPAD_HOME") or platformdirs.user_data_dir("gridpad", "gridpad")
    path = private_files.private_dir(Path(chosen).expanduser())
    for entry in path.iterdir():
        if entry.is_symlink():
            continue
        if entry.is_file():
            private_files.private_file(entry)
        elif entry.is_dir() and entry.name in PRIVATE_SUBDIRS:
            private_files.tighten(entry)
    return path


def db_path(directory: Path) -> Path:
    return directory / DB_FILENAME


DEFAULTS_FILENAME = "defaults.json"


def _defaults_dirs() -> list[Path]:
    """Where an installer build keeps defaults.json: PyInstaller's bundle dir, then beside the exe."""
    dirs: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        dirs.append(Path(bundle))
    if getattr(sys, "frozen", False):
        dirs.append(Path(sys.executable).resolve().parent)
    return dirs


def default_server_url(search: list[Path] | None = None) -> str | None:
    """The central server URL baked in by ``build_installer.py --server-url`` (None if none).

    ``search`` overrides the directories looked in (tests); a file that is not a JSON object with a
    string ``server_url`` counts as no default, so a damaged file cannot point a tablet elsewhere.
    """
    for directory in _defaults_dirs() if search is None else search:
        try:
            raw = json.loads((directory / DEFAULTS_FILENAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        url = raw.get("server_url") if isinstance(raw, dict) else None
        if isinstance(url, str) and url.strip():
            return url.strip()
    return None
