"""``gridpad seed-demo [--persons N] [--seed S]``: fill the data dir with a fictional Dongguan grid."""

from __future__ import annotations

import argparse

from gridpad import config
from gridpad.cli import CommandError


def run(args: argparse.Namespace) -> int:
    from gridpad.app.demo_data import DemoAlreadySeededError, seed_demo
    from gridpad.store.db import open_store
    from gridpad.store.errors import StoreVersionError

    if args.persons < 0:
        raise CommandError("--persons must be 0 or more")
    directory = config.data_dir(args.data_dir)
    try:
        store = open_store(config.db_path(directory))
    except StoreVersionError as exc:
        raise CommandError(str(exc)) from None
    try:
        counts = seed_demo(store, args.persons, args.seed)
    except DemoAlreadySeededError as exc:
        raise CommandError(str(exc)) from None
    finally:
        store.close()
    for table, n in counts.items():
        print(f"{table}\t{n}")
    return 0
