"""``gridpad sync``: push then pull once; prints what moved, or one line saying why not.

Exit 0: all sent; 1: synced, but changes the server refused are set aside (listed; see
``gridpad held``); 2: the sync failed (one line on stderr)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gridpad import config
from gridpad.app.syncing import remember_ca_bundle, sync_now
from gridpad.cli import CommandError
from gridpad.store.db import open_store
from gridpad.sync_client.errors import DeviceRevokedError, SyncError


def run(args: argparse.Namespace) -> int:
    directory = config.data_dir(args.data_dir)
    store = open_store(config.db_path(directory))

    def tell(reason: str) -> None:
        print(f"gridpad sync: {reason}", file=sys.stderr, flush=True)

    try:
        if getattr(args, "ca_bundle", None):  # remembered for later syncs, as at enrollment
            bundle = Path(args.ca_bundle).expanduser()
            if not bundle.is_file():
                raise CommandError(f"--ca-bundle: no such file {bundle}")
            remember_ca_bundle(store, bundle)
        result = sync_now(store, directory, before_wipe=tell)
    except DeviceRevokedError:
        return 3  # already told the user (before wiping); the store is gone
    except SyncError as exc:
        store.close()
        raise CommandError(str(exc)) from None
    store.close()
    print(result.summary())
    return 1 if result.held else 0  # synced, but changes are set aside: someone must look
