"""``gridpad`` / ``gridpad gui [--lang zh_CN|en] [--quit-after-first-paint]``: open the app on the
data dir."""

from __future__ import annotations

import argparse
from pathlib import Path

from gridpad.cli import CommandError
from gridpad.config import data_dir


def open_window(directory: Path, args: argparse.Namespace) -> int:
    """The window for ``gui`` and ``demo``; a missing translation build is a one-line error."""
    from gridpad.ui.app import run_app  # Qt is imported only when the window is wanted
    from gridpad.ui.i18n import MissingTranslationError

    try:
        return run_app(directory, getattr(args, "lang", None),
                       quit_after_first_paint=getattr(args, "quit_after_first_paint", False))
    except MissingTranslationError as exc:
        raise CommandError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    return open_window(data_dir(args.data_dir), args)
