"""Fictional people for the demo grid: names, ID numbers, phones and origins that agree.

ID numbers and phones are random (checksum-valid, never taken from anywhere), so a number may
still belong to a real person: every record is flagged ``is_demo`` and shown masked.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import TypeVar

from gridpad.demo import reference_data as d
from sync.rules.areas import lookup_area
from sync.rules.idnumber import check_digit

T = TypeVar("T")


@dataclass(frozen=True)
class Origin:
    province: str
    codes: tuple[str, ...]
    minorities: tuple[tuple[str, float], ...]
    surnames: str


ORIGINS = tuple(Origin(p, codes, mino, sur) for p, _w, codes, mino, sur in d.ORIGINS)
_ORIGIN_CUM = tuple(accumulate(w for _p, w, *_rest in d.ORIGINS))
LOCAL = Origin("东莞", (d.DONGGUAN,), (), d.SURNAMES_GUANGDONG)


def _hukou_text(code: str) -> str:
    area = lookup_area(code)
    return area.name_for() if area else code


class People:
    """Makes person records; keeps ID numbers and phones unique within one generation."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self._today_ord = today.toordinal()
        self._ids: set[str] = set()
        self._phones: set[str] = set()
        self._hukou = {c: _hukou_text(c) for o in (*ORIGINS, LOCAL) for c in o.codes}
        self._hukou.update({c: _hukou_text(c) for c in d.DONGGUAN_OLD})
        self._rnd = rng.random
        self._ymd: dict[date, str] = {}
        self._iso: dict[date, str] = {}

    def pick(self, seq: Sequence[T]) -> T:
        """``rng.choice`` without its overhead (this runs millions of times for 200k persons)."""
        return seq[int(self._rnd() * len(seq))]

    def iso(self, day: date) -> str:
        found = self._iso.get(day)
        if found is None:
            found = self._iso[day] = day.isoformat()
        return found

    def ymd(self, day: date) -> str:
        found = self._ymd.get(day)
        if found is None:
            found = self._ymd[day] = day.strftime("%Y%m%d")
        return found

    # --- pieces -----------------------------------------------------------------------------

    def origin(self) -> Origin:
        return ORIGINS[bisect(_ORIGIN_CUM, self._rnd() * _ORIGIN_CUM[-1])]

    def born(self, min_age: int, max_age: int) -> date:
        """A birth date giving an age in ``[min_age, max_age]`` today."""
        lo = self._today_ord - int((max_age + 1) * 365.25) + 1
        hi = self._today_ord - int(min_age * 365.25)
        return date.fromordinal(lo + int(self._rnd() * (max(lo, hi) - lo + 1)))

    def name(self, surname: str, gender: str, born: date) -> str:
        era = 0 if born.year < 1975 else 1 if born.year < 2005 else 2
        return surname + self.pick(d.GIVEN_NAMES[(gender, era)])

    def resident_id(self, area: str, born: date, gender: str) -> str:
        rnd = self._rnd
        stem = area + self.ymd(born)
        odd = 1 if gender == "1" else 0
        while True:
            seq = 2 * int(rnd() * 500) + odd
            first17 = f"{stem}{seq:03d}"
            number = first17 + check_digit(first17)
            if number not in self._ids:
                self._ids.add(number)
                return number

    def mobile(self) -> str:
        while True:
            number = f"{self.pick(d.MOBILE_PREFIXES)}{int(self._rnd() * 10**8):08d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def ethnicity(self, origin: Origin) -> str:
        x = self._rnd()
        for code, share in origin.minorities:
            if x < share:
                return code
            x -= share
        return "01"

    def local_area(self, born: date) -> str:
        """Dongguan natives: 441900, or the older codes for some born before 1988."""
        if born.year < 1985 and self._rnd() < 0.4:
            return d.DONGGUAN_OLD[0]
        if born.year < 1988 and self._rnd() < 0.2:
            return d.DONGGUAN_OLD[1]
        return d.DONGGUAN

    # --- records ----------------------------------------------------------------------------

    def person(self, pid: str, grid_id: str, *, origin: Origin, gender: str, born: date,
               surname: str | None = None, area: str | None = None, ethnicity: str | None = None,
               phone: bool = True, local_address: str | None = None) -> dict[str, object]:
        rnd = self._rnd
        if area is None:
            area = self.local_area(born) if origin is LOCAL else self.pick(origin.codes)
        surname = surname or self.pick(origin.surnames)
        is_local = area == d.DONGGUAN or area in d.DONGGUAN_OLD
        age = (self._today_ord - born.toordinal()) // 365
        id_type = "HOUSEHOLD_BOOKLET" if age < 16 and rnd() < 0.5 else "RESIDENT_ID"
        return {
            "id": pid, "grid_id": grid_id, "is_demo": 1,
            "name": self.name(surname, gender, born), "gender": gender, "birth_date": self.iso(born),
            "id_type": id_type, "id_number": self.resident_id(area, born, gender),
            "ethnicity": ethnicity or self.ethnicity(origin), "nationality": "CN",
            "hukou_address": local_address if (is_local and local_address) else self._hukou[area],
            "person_type": "HUKOU" if is_local else "FLOATING",
            "phone": self.mobile() if phone and age >= 14 else None,
            "employer": None, "employer_org_id": None, "occupation": None,
        }

    def hmt_person(self, pid: str, grid_id: str, gender: str, born: date) -> dict[str, object]:
        """A Hong Kong resident with a residence permit (810000 + date + sequence + check)."""
        rec = self.person(pid, grid_id, origin=LOCAL, gender=gender, born=born, area=d.DONGGUAN)
        first17 = f"810000{born:%Y%m%d}{self.rng.randrange(0, 1000, 2) + (gender == '1'):03d}"
        rec.update(id_type="HMT_RESIDENCE_PERMIT", id_number=first17 + check_digit(first17), nationality="HK",
                   hukou_address="香港特别行政区", person_type="HMT")
        return rec

    def foreign_person(self, pid: str, grid_id: str, born: date) -> dict[str, object]:
        rng = self.rng
        nationality, name = rng.choice(d.FOREIGN_NAMES)
        passport = rng.choice("CEGKMNP") + f"{rng.randrange(10**8):08d}"
        gender = "2" if name in ("TRAN THI MAI",) else "1"
        return {
            "id": pid, "grid_id": grid_id, "is_demo": 1, "name": name, "gender": gender,
            "birth_date": born.isoformat(), "id_type": "FOREIGN_PASSPORT", "id_number": passport,
            "ethnicity": None, "nationality": nationality, "hukou_address": None, "person_type": "FOREIGN",
            "phone": self.mobile(), "employer": None, "employer_org_id": None, "occupation": None,
        }
