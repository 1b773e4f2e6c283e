"""The demo grid (domain.md §6, §8): a fictional 长安镇 with plain-dict records for the synced tables.

``generate(persons, seed)`` is pure (no SQL, no clock beyond the ``today`` it is given): the
same ``(persons, seed, today, grid_ids)`` gives the same records, ids included (UUIDv7 built from
a seeded generator). ``gridpad.transfer.seed.seed_demo`` writes them into a store.

Sizing: about 3,000 persons a grid, so the default 6,000 fill the first two grids of 乌沙社区 (the
demo grid manager's two grids); larger runs spread over all twelve grids (3 villages × 4).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from gridpad.core import demo_data as d

Record = dict[str, object]
PERSONS_PER_GRID = 3000
TABLE_ORDER = ("grid", "building", "unit", "organisation", "person", "tenancy")


@dataclass
class DemoGrid:
    grid: list[Record] = field(default_factory=list)
    building: list[Record] = field(default_factory=list)
    unit: list[Record] = field(default_factory=list)
    organisation: list[Record] = field(default_factory=list)
    person: list[Record] = field(default_factory=list)
    tenancy: list[Record] = field(default_factory=list)

    def tables(self) -> dict[str, list[Record]]:
        """Records by table, parents before children."""
        return {name: getattr(self, name) for name in TABLE_ORDER}

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables().items()}


class SeededUuid7:
    """UUIDv7 strings from a seeded generator: 48-bit ms timestamp (from ``base_ms``, one ms per
    16 ids so they sort in creation order), version 7, variant 10, 74 random bits."""

    def __init__(self, rng: random.Random, base_ms: int) -> None:
        self._bits = rng.getrandbits
        self._base = base_ms
        self._n = 0
        self._prefix = ""

    def __call__(self) -> str:
        n = self._n
        self._n = n + 1
        if not n & 15:  # a new millisecond: its 12 hex digits as "xxxxxxxx-xxxx-"
            h = f"{self._base + (n >> 4):012x}"
            self._prefix = f"{h[:8]}-{h[8:]}-"
        r = self._bits(74)  # 12 bits rand_a, 62 bits rand_b
        b = r & 0x3FFFFFFFFFFFFFFF
        return f"{self._prefix}7{r >> 62:03x}-{0x8000 | (b >> 48):04x}-{b & 0xFFFFFFFFFFFF:012x}"


def grid_code(village_code: str, seq: int) -> str:
    return f"{village_code}{seq:02d}"


def demo_grids(is_demo: int = 1) -> list[Record]:
    """The twelve demo grids (also what a demo central server creates); ``id == code``."""
    out: list[Record] = []
    for village_code, village_name, _short in d.VILLAGES:
        for seq in range(1, d.GRIDS_PER_VILLAGE + 1):
            code = grid_code(village_code, seq)
            out.append({
                "id": code, "grid_id": code, "is_demo": is_demo, "code": code,
                "name": f"{village_name}第{d.CN_NUMERALS[seq]}网格",
                "village_code": village_code, "village_name": village_name,
                "town_code": d.TOWN_CODE, "town_name": d.TOWN_NAME,
            })
    return out


def grids_for(persons: int) -> list[str]:
    """Which grids ``persons`` fill by default: one per ~3,000, at least 1, at most 12."""
    codes = [str(g["code"]) for g in demo_grids()]
    return codes[:min(len(codes), max(1, math.ceil(persons / PERSONS_PER_GRID)))]


def generate(persons: int, seed: int, *, today: date | None = None,
             grid_ids: Sequence[str] | None = None) -> DemoGrid:
    """A fictional grid population of exactly ``persons`` people (landlords included)."""
    from gridpad.core.demo_build import GridFiller  # the heavy part; keeps this module small

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
