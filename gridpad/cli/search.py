"""``gridpad search QUERY [--limit N]``: the app's search box, matches as jsonl, best first."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from gridpad import config
from gridpad.cli import CommandError


def run(args: argparse.Namespace) -> int:
    from gridpad.app.search import search
    from gridpad.store.db import open_store
    from gridpad.store.errors import StoreVersionError

    directory = config.data_dir(args.data_dir)
    path = config.db_path(directory)
    if not path.exists():
        raise CommandError(f"no database in {directory}: run `gridpad seed-demo` or `gridpad enroll`")
    if args.limit < 1:
        raise CommandError("--limit must be 1 or more")
    try:
        store = open_store(path)
    except StoreVersionError as exc:
        raise CommandError(str(exc)) from None
    try:
        for hit in search(store, args.query, limit=args.limit):
            sys.stdout.write(json.dumps(dataclasses.asdict(hit), ensure_ascii=False) + "\n")
    finally:
        store.close()
    return 0
