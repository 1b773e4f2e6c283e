"""``generate(persons, seed)``: a fictional grid population, the same for the same arguments.

Pure (no SQL, no clock beyond the ``today`` it is given): the same ``(persons, seed, today,
grid_ids)`` gives the same records, ids included (UUIDv7 built from a seeded generator).
``gridpad.transfer.seed.seed_demo`` writes them into a store.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime

from gridpad.demo.grid_filler import GridFiller
from gridpad.demo.grids import demo_grids, grids_for
from gridpad.demo.ids import SeededUuid7
from gridpad.demo.records import DemoGrid


def generate(persons: int, seed: int, *, today: date | None = None,
             grid_ids: Sequence[str] | None = None) -> DemoGrid:
    """A fictional grid population of exactly ``persons`` people (landlords included)."""
    if persons < 0:
        raise ValueError("persons must be 0 or more")
    today = today or date.today()
    all_grids = {str(g["code"]): g for g in demo_grids()}
    chosen = list(grid_ids) if grid_ids else grids_for(persons)
    unknown = [g for g in chosen if g not in all_grids]
    if unknown:
        raise ValueError(f"not demo grids: {', '.join(unknown)}; demo grids are {', '.join(all_grids)}")
    rng = random.Random(seed)
    base_ms = int(datetime(today.year, today.month, today.day, tzinfo=UTC).timestamp() * 1000) - 86_400_000
    new_id = SeededUuid7(rng, base_ms)
    out = DemoGrid(grid=[all_grids[g] for g in chosen])
    share, extra = divmod(persons, len(chosen))
    filler = GridFiller(rng, today, new_id, out)
    for i, code in enumerate(chosen):
        filler.fill(all_grids[code], share + (1 if i < extra else 0))
    return out
