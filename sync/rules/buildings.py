"""Rules about rental buildings and rooms (domain.md §2.1, 《东莞市出租屋治安与消防安全管理条例》)."""

from __future__ import annotations

import math

#: "成规模出租屋": at least this many rooms or beds must have access control (门禁).
SCALE_RENTAL_MIN_ROOMS = 20
SCALE_RENTAL_MIN_BEDS = 30
#: Dongguan's per-person minimum area was not found (Foshan's draft: 5 m² for one, 3 m² each
#: for more); a configurable default [~].
DEFAULT_MIN_AREA_PER_PERSON = 4.0


def is_scale_rental(rooms: int | None, beds: int | None) -> bool:
    """True for a scale rental: ≥20 rooms or ≥30 beds (unknown counts count as 0)."""
    return (rooms or 0) >= SCALE_RENTAL_MIN_ROOMS or (beds or 0) >= SCALE_RENTAL_MIN_BEDS


def default_max_occupants(area_m2: float | None,
                          min_area_per_person: float = DEFAULT_MIN_AREA_PER_PERSON) -> int | None:
    """``floor(area / min_area_per_person)`` (at least 1 for any room); ``None`` if the area is unknown."""
    if area_m2 is None or area_m2 <= 0:
        return None
    if min_area_per_person <= 0:
        raise ValueError("min_area_per_person must be more than 0")
    return max(1, math.floor(area_m2 / min_area_per_person + 1e-9))


def is_overcrowded(occupants: int, area_m2: float | None,
                   min_area_per_person: float = DEFAULT_MIN_AREA_PER_PERSON) -> bool:
    """More people than the area allows (PS-09); unknown area: not judged."""
    limit = default_max_occupants(area_m2, min_area_per_person)
    return limit is not None and occupants > limit
