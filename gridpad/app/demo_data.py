"""Filling a data dir with the fictional demo grid."""

from __future__ import annotations

from gridpad.store.db import Store
from gridpad.transfer.seed import seed_demo as write_seed


def seed_demo(store: Store, persons: int, seed: int) -> dict[str, int]:
    """Generate and write the demo grid; rows written per table. Raises
    ``gridpad.transfer.seed.DemoAlreadySeededError`` when the store holds demo data already."""
    if persons < 0:
        raise ValueError("persons: must be 0 or more")
    return write_seed(store, persons, seed)
