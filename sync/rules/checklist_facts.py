"""Building facts that template conditions may test (scale rental, piped gas, high-rise …).

A condition names a fact from :data:`FACTS`; a template naming any other fact does not validate.
:func:`building_facts` derives them from a building row (sync.schema ``building`` columns) so
device and server evaluate conditions over the same values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sync.rules import enums
from sync.rules.buildings import is_scale_rental

FactValue = bool | int | float | str | None

#: High-rise residential building (GB 50016: over 27 m), about ten storeys [~].
HIGH_RISE_MIN_FLOORS = 10


@dataclass(frozen=True)
class Fact:
    kind: str  # "bool" | "number" | "code"
    codes: frozenset[str] = frozenset()  # allowed values of a "code" fact
    description: str = ""


def _code(table: Mapping[str, str], description: str) -> Fact:
    return Fact("code", frozenset(table), description)


FACTS: Mapping[str, Fact] = MappingProxyType({
    "building_type": _code(enums.BUILDING_TYPE, "building type code"),
    "rent_use": _code(enums.RENT_USE, "what the rented space is used for"),
    "gas_supply": _code(enums.GAS_SUPPLY, "PIPED / BOTTLED / NONE"),
    "floors_above": Fact("number", description="storeys above ground"),
    "floors_below": Fact("number", description="storeys below ground"),
    "rental_rooms": Fact("number", description="rooms let"),
    "rental_beds": Fact("number", description="beds let"),
    "max_occupants": Fact("number", description="occupancy limit"),
    "is_scale_rental": Fact("bool", description="≥20 rooms or ≥30 beds (成规模出租屋)"),
    "is_high_rise": Fact("bool", description=f"≥{HIGH_RISE_MIN_FLOORS} storeys above ground"),
    "has_basement": Fact("bool", description="any storey below ground"),
    "has_business": Fact("bool", description="a shop, workshop or other business on the premises"),
    "has_catering": Fact("bool", description="a restaurant or food stall on the premises"),
    "has_indoor_hydrant": Fact("bool", description="indoor fire hydrants are installed"),
})


def building_facts(row: Mapping[str, object], **extra: FactValue) -> dict[str, FactValue]:
    """The facts of a building row; unknown values stay ``None`` (a condition on them is unknown).

    ``extra`` supplies facts the registry does not hold (``has_catering=True`` from the place record).
    """
    def num(name: str) -> int | None:
        value = row.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def code(name: str) -> str | None:
        value = row.get(name)
        return value if isinstance(value, str) and value else None

    rooms, beds = num("rental_rooms"), num("rental_beds")
    above, below = num("floors_above"), num("floors_below")
    rent_use = code("rent_use")
    facts: dict[str, FactValue] = {
        "building_type": code("building_type"), "rent_use": rent_use, "gas_supply": code("gas_supply"),
        "floors_above": above, "floors_below": below, "rental_rooms": rooms, "rental_beds": beds,
        "max_occupants": num("max_occupants"),
        "is_scale_rental": None if rooms is None and beds is None else is_scale_rental(rooms, beds),
        "is_high_rise": None if above is None else above >= HIGH_RISE_MIN_FLOORS,
        "has_basement": None if below is None else below > 0,
        "has_business": (None if rent_use is None
                         else rent_use in {"BUSINESS", "PRODUCTION", "RESIDENTIAL_BUSINESS", "THREE_IN_ONE"}),
        "has_catering": None, "has_indoor_hydrant": None,
    }
    unknown = set(extra) - set(FACTS)
    if unknown:
        raise ValueError(f"unknown building facts: {', '.join(sorted(unknown))}")
    facts.update(extra)
    return facts
