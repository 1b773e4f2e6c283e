"""``gridpad`` / ``gridpad gui [--lang zh_CN|en]``: open the app on the data dir."""

from __future__ import annotations

import argparse

from gridpad.config import data_dir


def run(args: argparse.Namespace) -> int:
    from gridpad.ui.app import run_app  # Qt is imported only when the window is wanted

    return run_app(data_dir(args.data_dir), getattr(args, "lang", None))
