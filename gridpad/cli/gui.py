"""``gridpad`` / ``gridpad gui [--lang zh_CN|en] [--quit-after-first-paint]``: open the app on the
data dir."""

from __future__ import annotations

import argparse
from pathlib import Path

from gridpad.cli import CommandError
from gridpad.config import data_dir, db_path

#: The first bytes of every SQLite database file.
_SQLITE_HEADER = b"SQLite format 3\x00"


def check_data_file(directory: Path) -> None:
    """Refuse, in one line, a data file that is not a database at all, before a window opens on it
    (the window would only show an empty registry and log the failure). Reading 16 bytes costs
    nothing at start-up; damaged pages inside a real database are the store's to report."""
    path = db_path(directory)
    try:
        with path.open("rb") as f:
            head = f.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return  # a first start: the app makes it
    if head and head != _SQLITE_HEADER:
        raise CommandError(f"the data file {path} is damaged or not a GridPad database; "
                           "restore it from a backup, or move it away to start afresh")


def open_window(directory: Path, args: argparse.Namespace) -> int:
    """The window for ``gui`` and ``demo``; a missing translation build is a one-line error."""
    check_data_file(directory)
    from gridpad.ui.app import run_app  # Qt is imported only when the window is wanted
    from gridpad.ui.i18n import MissingTranslationError

    try:
        return run_app(directory, getattr(args, "lang", None),
                       quit_after_first_paint=getattr(args, "quit_after_first_paint", False))
    except MissingTranslationError as exc:
        raise CommandError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    return open_window(data_dir(args.data_dir), args)
