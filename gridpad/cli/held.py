"""``gridpad held``: the changes the server refused, set aside; ``retry ID`` or ``discard ID`` each."""

from __future__ import annotations

import argparse

from gridpad import config
from gridpad.app.syncing import (
    NoSuchHeldChangeError,
    discard_held,
    list_held,
    list_not_on_server,
    retry_held,
)
from gridpad.cli import CommandError
from gridpad.store.db import open_store
from gridpad.sync_client.set_aside import describe, describe_not_on_server


def run(args: argparse.Namespace) -> int:
    store = open_store(config.db_path(config.data_dir(args.data_dir)))
    try:
        if args.action is None:
            held = list_held(store)
            if not held:
                print("nothing set aside")
            for h in held:
                print(f"{h.change_id}\t{describe(h, full_id=True)}")
            for n in list_not_on_server(store):
                print(describe_not_on_server(n))
            return 0
        if args.id is None:
            raise CommandError(f"{args.action}: which change? (an ID from `gridpad held`)")
        try:
            change_id = int(args.id)
            if args.action == "retry":
                item = retry_held(store, change_id)
                print(f"{item.table} {item.row_id}: will be sent at the next sync with the values the "
                      "record holds now" + (f"; {item.waiting} later change(s) follow it" if item.waiting
                                            else ""))
            else:
                item = discard_held(store, change_id)
                print(f"{item.table} {item.row_id}: change discarded. This device keeps its value of "
                      f"{', '.join(item.fields)}, which is not on the server; "
                      "later changes go at the next sync")
        except (ValueError, NoSuchHeldChangeError):
            raise CommandError(f"no change {args.id} is set aside (see `gridpad held`)") from None
        return 0
    finally:
        store.close()
