"""Files only their owner may read: data dirs 0700, files 0600, on the server and the device.

The SQLite file holds the token key (server) or personal data (device); on a shared machine its
mode is its only protection. ``tighten`` also repairs a tree an older version left 0755/0644.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
#: What a process that writes only private files runs with: new files 0600, new dirs 0700.
UMASK = 0o077


def private_dir(path: Path | str) -> Path:
    """``path`` made (with missing parents) and set to 0700."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    _chmod(path, DIR_MODE)
    return path


def private_file(path: Path | str) -> None:
    """Set an existing file to 0600 (a missing one is fine: it may not exist yet)."""
    _chmod(Path(path), FILE_MODE)


def _chmod(path: Path, mode: int) -> None:
    with contextlib.suppress(FileNotFoundError):
        if stat.S_IMODE(path.stat().st_mode) != mode:
            path.chmod(mode)


def tighten(root: Path | str) -> None:
    """``root`` and everything below it (no symlinks followed): dirs 0700, files 0600."""
    root = private_dir(root)
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        for name in dirnames:
            if not (here / name).is_symlink():
                _chmod(here / name, DIR_MODE)
        for name in filenames:
            if not (here / name).is_symlink():
                _chmod(here / name, FILE_MODE)


def restrict_umask() -> None:
    """New files of this process readable by its user only (explicit chmods still follow)."""
    os.umask(UMASK)
