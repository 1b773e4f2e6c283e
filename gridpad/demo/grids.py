"""The twelve demo grids (3 villages × 4 under 长安镇) and how many of them a population fills.

About 3,000 persons a grid, so the default 6,000 fill the first two grids of 乌沙社区 (the demo
grid manager's two grids); larger runs spread over all twelve.
"""

from __future__ import annotations

import math

from gridpad.demo import reference_data as d
from gridpad.demo.records import Record

PERSONS_PER_GRID = 3000


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
