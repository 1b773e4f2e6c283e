"""``gridpad enroll [--server URL] --code CODE [--ca-bundle F]`` (URL preset by an installer build)."""

from __future__ import annotations

import argparse

from gridpad import config
from gridpad.app.syncing import SyncError, enroll_device
from gridpad.cli import CommandError
from gridpad.store.db import open_store


def run(args: argparse.Namespace) -> int:
    server = args.server or config.default_server_url()
    if not server:
        raise CommandError("--server: give the central server's URL (this installer has no preset one)")
    directory = config.data_dir(args.data_dir)
    with open_store(config.db_path(directory)) as store:
        try:
            done = enroll_device(store, server, args.code, ca_bundle=args.ca_bundle)
        except SyncError as exc:
            raise CommandError(str(exc)) from None
    grids = ", ".join(done.grids) or "none"
    print(f"enrolled device {done.device_id} for {done.user} ({done.role}), grids: {grids}")
    return 0
