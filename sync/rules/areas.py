"""GB/T 2260 county codes with their history, read from python-stdnum's ``cn/loc.dat``.

An ID number keeps the area code of the place where it was first assigned, often years after
the birth (a Dongguan native born in 1987 holds 441900…, a code created in 1988). So unlike
``stdnum.cn.ric.validate`` we accept any code that existed in *any* year of the table.

The file looks like::

    44 province="广东省"
      1900 county="[1988-]东莞市"
      2527 county="[-1985]东莞县"
      0110 county="[-1991]东郊区,[1992-]东丽区"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_LINE = re.compile(r'^(\s*)(\d+)\s+(\w+)="([^"]*)"')
_PERIOD = re.compile(r"^\[(\d*)-(\d*)\](.*)$")


@dataclass(frozen=True)
class AreaName:
    name: str
    start: int | None  # first year the name/code was in use (None: before the table begins)
    end: int | None  # last year (None: still in use)

    def in_use(self, year: int) -> bool:
        return (self.start is None or year >= self.start) and (self.end is None or year <= self.end)


@dataclass(frozen=True)
class Area:
    code: str
    province: str
    names: tuple[AreaName, ...]

    def name_for(self, year: int | None = None) -> str:
        """The county name in use in ``year`` (else the latest), prefixed by the province."""
        chosen = self.names[-1]
        if year is not None:
            for n in self.names:
                if n.in_use(year):
                    chosen = n
                    break
        if self.code.endswith("0000") or chosen.name == self.province:
            return chosen.name
        return f"{self.province}{chosen.name}"

    @property
    def current(self) -> bool:
        return any(n.end is None for n in self.names)


def _parse_names(value: str) -> tuple[AreaName, ...]:
    out = []
    for part in value.split(","):
        m = _PERIOD.match(part)
        if m:
            start, end, name = m.groups()
            out.append(AreaName(name, int(start) if start else None, int(end) if end else None))
        else:
            out.append(AreaName(part, None, None))
    return tuple(out)


@cache
def area_table() -> dict[str, Area]:
    """Every 6-digit code that ever existed, keyed by code (loaded once, ~3,500 entries)."""
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    areas: dict[str, Area] = {}
    prefix, province = "", ""
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        indent, digits, key, value = m.groups()
        if not indent:
            prefix, province = digits, value if key == "province" else ""
            continue
        if key != "county":
            continue
        code = prefix + digits
        if len(code) == 6:
            areas[code] = Area(code, province, _parse_names(value))
    return areas


def lookup_area(code: str) -> Area | None:
    return area_table().get(code)
