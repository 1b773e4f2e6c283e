"""Filling a data dir with the fictional demo grid."""

from __future__ import annotations

import uuid

from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client import credentials
from gridpad.transfer.seed import DemoAlreadySeededError, has_demo_data
from gridpad.transfer.seed import seed_demo as write_seed

__all__ = ["DemoAlreadySeededError", "has_demo_data", "reuse_demo_enrollment", "seed_demo"]


def seed_demo(store: Store, persons: int, seed: int) -> dict[str, int]:
    """Generate and write the demo grid; rows written per table. Raises
    ``gridpad.transfer.seed.DemoAlreadySeededError`` when the store holds demo data already."""
    if persons < 0:
        raise ValueError("persons: must be 0 or more")
    return write_seed(store, persons, seed)


def reuse_demo_enrollment(store: Store, server_url: str) -> bool:
    """True when this data dir is enrolled and its credential is at hand: it then follows the demo
    server to its new loopback port. An enrollment whose credential lived only in memory (an
    earlier session without an OS keyring) gets a new device id, since the server knows the old
    one; the outbox and the data stay."""
    meta = DeviceMeta(store)
    enrolled = meta.enrolled_device_id
    if enrolled and credentials.has_credential(enrolled):
        if meta.server_url != server_url:
            meta.server_url = server_url
        return True
    if enrolled:
        meta.device_id = str(uuid.uuid4())
    return False
