"""``seed_demo``: write the generated demo grid (:mod:`gridpad.core.demo`) into a local store.

Grids are reference data from the central system, so they are written with change capture
suppressed (and skipped if already there, e.g. pulled from a demo server); every other row goes
through ``repo.insert_many`` like an import, so the outbox holds it for the next sync. All of it
is one transaction: a failure leaves the store as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from gridpad.core.demo import DemoGrid, generate
from gridpad.store import repo, search
from gridpad.store.capture import applying_remote
from gridpad.store.db import Store


class DemoAlreadySeededError(RuntimeError):
    """The store already holds demo people; seeding twice would double the grid."""


def has_demo_data(store: Store) -> bool:
    row = store.db.execute("SELECT 1 FROM person WHERE is_demo = 1 LIMIT 1").fetchone()
    return row is not None


def write_demo(store: Store, demo: DemoGrid) -> dict[str, int]:
    """Insert ``demo``'s records; returns rows written per table (grids already present: 0)."""
    counts: dict[str, int] = {}
    with store.transaction():
        if has_demo_data(store):
            raise DemoAlreadySeededError(f"{store.path} already holds demo data; use an empty data dir")
        wanted = [str(g["id"]) for g in demo.grid]
        marks = ", ".join("?" * len(wanted))
        present = {r[0] for r in store.db.execute(f"SELECT id FROM grid WHERE id IN ({marks})", wanted)}
        new_grids = [g for g in demo.grid if g["id"] not in present]
        with applying_remote(store):
            repo.insert_many(store, "grid", new_grids)
        counts["grid"] = len(new_grids)
        for table, records in demo.tables().items():
            if table != "grid":
                counts[table] = len(repo.insert_many(store, table, records))
    # Index now, not on the first keystroke in the app (~10 s at 200k persons).
    search.refresh_index(store)
    return counts


def seed_demo(store: Store, persons: int, seed: int, *, today: date | None = None,
              grid_ids: Sequence[str] | None = None) -> dict[str, int]:
    """Generate a demo grid of ``persons`` people (same seed, same data) and write it."""
    return write_demo(store, generate(persons, seed, today=today, grid_ids=grid_ids))
