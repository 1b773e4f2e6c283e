"""Buildings, rooms, households, employers and tenancies for one demo grid (domain.md §6.3, §8).

:func:`gridpad.demo.generator.generate` runs one :class:`GridFiller` over the chosen grids; every
choice here is "realistic enough for a demo" [~], not a statistic.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import date, timedelta

from gridpad.demo import reference_data as d
from gridpad.demo.households import HouseholdsMixin
from gridpad.demo.people import LOCAL, People
from gridpad.demo.records import DemoGrid, Record
from sync.rules.buildings import default_max_occupants, is_scale_rental
from sync.rules.uscc import make_uscc

_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_INDUSTRY_CUM = []
_total = 0
for _name, _w in d.INDUSTRIES:
    _total += _w
    _INDUSTRY_CUM.append((_total, _name))
_DAY = timedelta(days=1)


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _org_code(body8: str) -> str:
    """GB 11714 organisation code: 8 characters and their MOD 11 check character."""
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return body8 + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))


class GridFiller(HouseholdsMixin):
    """Adds one grid's records to ``out`` until it holds the grid's share of persons."""

    def __init__(self, rng: random.Random, today: date, new_id: Callable[[], str], out: DemoGrid) -> None:
        self.rng, self.today, self.new_id, self.out = rng, today, new_id, out
        self.people = People(rng, today)
        self._uscc: set[str] = set()
        self._org_names: set[str] = set()
        self._deadline: dict[tuple[date, int], date] = {}

    # --- grid ---------------------------------------------------------------------------------

    def fill(self, grid: Record, quota: int) -> None:
        rng = self.rng
        self.grid_id = str(grid["id"])
        village_code = str(grid["village_code"])
        self.village = str(grid["village_name"])
        self.short = next(s for c, _n, s in d.VILLAGES if c == village_code)
        vi = [c for c, _n, _s in d.VILLAGES].index(village_code)
        self.centre = (d.CENTRE_LAT + 0.012 * vi + rng.uniform(-0.004, 0.004),
                       d.CENTRE_LNG - 0.01 * vi + rng.uniform(-0.004, 0.004))
        self.lanes = self._lanes()
        self.doors = dict.fromkeys(self.lanes, 0)
        self.address_seq = 0
        self.left = quota
        self.landlords: list[str] = []
        self.units: list[Record] = []
        self.orgs = [self._company() for _ in range(max(2, quota // 90))] if quota else []
        while self.left > 0:
            self._building()

    def _lanes(self) -> list[str]:
        rng = self.rng
        lanes: set[str] = set()
        while len(lanes) < 8:
            form = rng.choice(d.LANE_FORMS)
            lanes.add(form.format(w=rng.choice(d.LANE_WORDS), n=rng.choice(d.NUMBERS_CN)))
        return sorted(lanes)

    def _door(self, road: str) -> int:
        self.doors[road] = self.doors.get(road, 0) + self.rng.randint(1, 3)
        return self.doors[road]

    # --- organisations ------------------------------------------------------------------------

    def _uscc_for(self, kind: str) -> str:
        rng = self.rng
        while True:
            body = "MA" + "".join(rng.choice(_ORG_ALPHABET) for _ in range(6))
            code = make_uscc(f"{kind}441900{_org_code(body)}")
            if code not in self._uscc:
                self._uscc.add(code)
                return code

    def _org(self, name: str, org_type: str, kind: str, building_id: str | None) -> Record:
        people = self.people
        contact = people.name(people.pick(d.SURNAMES_GUANGDONG), people.pick("12"), people.born(28, 55))
        phone = people.mobile() if kind == "92" or self.rng.random() < 0.5 \
            else f"0769-8{self.rng.randrange(10**7):07d}"
        rec: Record = {"id": self.new_id(), "grid_id": self.grid_id, "is_demo": 1, "name": name,
                       "uscc": self._uscc_for(kind), "org_type": org_type, "building_id": building_id,
                       "contact_name": contact, "phone": phone}
        self.out.organisation.append(rec)
        return rec

    def _company(self) -> Record:
        rng = self.rng
        while True:
            x = rng.random() * _total
            industry = next(n for c, n in _INDUSTRY_CUM if x < c)
            name = f"东莞市{rng.choice(d.COMPANY_FIRST)}{rng.choice(d.COMPANY_SECOND)}{industry}有限公司"
            if name not in self._org_names:
                self._org_names.add(name)
                return self._org(name, "有限责任公司", "91", None)

    # --- buildings ----------------------------------------------------------------------------

    def _building(self) -> None:
        x = self.rng.random()
        if x < 0.45:
            self._village_house(rental=True)
        elif x < 0.70:
            self._village_house(rental=False)
        elif x < 0.80:
            self._commercial()
        elif x < 0.90:
            self._shop_house()
        elif x < 0.96:
            self._dormitory()
        else:
            self._apartment()

    def _base(self, btype: str, road: str, address: str, name: str | None, floors: int) -> Record:
        rng = self.rng
        self.address_seq += 1
        risk = rng.choices(("GREEN", "YELLOW", "ORANGE", "RED"), (70, 20, 8, 2))[0]
        cycle = {"GREEN": 30, "YELLOW": 20, "ORANGE": 14, "RED": 10}[risk]
        overdue = rng.random() < 0.1
        inspected = self.today - timedelta(days=rng.randint(cycle + 1, cycle * 2) if overdue
                                           else rng.randint(0, cycle))
        pledge = rng.random() < 0.9
        extinguishers = rng.randint(0, 2 + floors)
        fire: dict[str, object] = {"extinguishers": extinguishers, "smoke_detectors": rng.random() < 0.7,
                "emergency_lighting": rng.random() < 0.6, "evacuation_signs": rng.random() < 0.6,
                "ebike_charging": rng.random() < 0.4}
        if extinguishers:
            fire["extinguisher_expiry"] = (self.today + timedelta(days=rng.randint(-120, 900))).isoformat()
        lat, lng = self.centre
        rec: Record = {
            "id": self.new_id(), "grid_id": self.grid_id, "is_demo": 1, "address": address,
            "address_code": f"{self.grid_id}{self.address_seq:05d}", "road": road,
            "door_no": address.split(road, 1)[1].split("号", 1)[0] + "号", "name": name,
            "building_type": btype, "structure": "BRICK_CONCRETE", "floors_above": floors,
            "floors_below": 0, "built_year": rng.randint(1990, 2018), "land_type": "COLLECTIVE",
            "rental_rooms": 0, "rental_beds": None, "max_occupants": 0, "rent_use": "RESIDENTIAL",
            "landlord_id": None, "manager_id": None, "lessor_type": "INDIVIDUAL",
            "lease_record_no": f"莞租备{rng.randint(2019, self.today.year)}{rng.randrange(10**6):06d}"
            if rng.random() < 0.6 else None,
            "security_pledge_signed": 1 if pledge else 0,
            "security_pledge_date": (self.today - timedelta(days=rng.randint(30, 1500))).isoformat()
            if pledge else None,
            "fire_facilities": json.dumps(fire, ensure_ascii=False, sort_keys=True),
            "access_control": "NONE", "cctv": "NONE", "gas_supply": rng.choices(
                ("BOTTLED", "PIPED", "NONE"), (60, 35, 5))[0],
            "risk_level": risk, "inspection_cycle_days": cycle, "last_inspected_at": inspected.isoformat(),
            "status": "VACANT", "regulated": 1, "exclusion_reason": None,
            "lat": round(lat + rng.uniform(-0.006, 0.006), 6),
            "lng": round(lng + rng.uniform(-0.006, 0.006), 6),
        }
        self.out.building.append(rec)
        return rec

    def _lane_address(self) -> tuple[str, str]:
        road = self.rng.choice(self.lanes)
        return road, f"东莞市{d.TOWN_NAME}{self.village}{road}{self._door(road)}号"

    def _landlord(self) -> str | None:
        if self.landlords and (self.left <= 0 or self.rng.random() < 0.3):
            return self.rng.choice(self.landlords)
        if self.left <= 0:
            return None
        pid = self._local_person(45, 75)
        self.landlords.append(pid)
        return pid

    def _manager(self) -> str | None:
        """A local 二手房东/楼长, if the person budget allows one more."""
        return self._local_person(25, 60, "出租屋管理人") if self.left > 0 else None

    def _local_person(self, min_age: int, max_age: int, occupation: str = "出租屋业主") -> str:
        people, rng = self.people, self.rng
        pid = self.new_id()
        _road, address = self._lane_address()
        rec = people.person(pid, self.grid_id, origin=LOCAL, gender=rng.choice("112"),
                            born=people.born(min_age, max_age), local_address=address)
        rec["occupation"] = occupation
        self.out.person.append(rec)
        self.left -= 1
        return pid

    def _finish(self, b: Record) -> None:
        """Totals from the rooms; access control follows the scale-rental rule (≥20 rooms/≥30 beds)."""
        rng = self.rng
        beds = b["rental_beds"]
        if is_scale_rental(_int(b["rental_rooms"]), beds if isinstance(beds, int) else None):
            b["access_control"] = rng.choices(("POLICE_LINKED", "INSTALLED", "NONE"), (35, 60, 5))[0]
            b["cctv"] = rng.choices(("POLICE_LINKED", "INSTALLED", "NONE"), (30, 60, 10))[0]
        elif rng.random() < 0.5:
            b["access_control"] = "INSTALLED"
            b["cctv"] = rng.choice(("INSTALLED", "NONE"))

    def _village_house(self, *, rental: bool) -> None:
        rng = self.rng
        floors = rng.randint(3, 8)
        road, address = self._lane_address()
        b = self._base("VILLAGE_HOUSE", road, address, None, floors)
        b["structure"] = rng.choices(("BRICK_CONCRETE", "RC", "BRICK_WOOD"), (60, 35, 5))[0]
        b["landlord_id"] = self._landlord()
        if not rental:
            b.update(regulated=0, exclusion_reason="自住，未出租", status=None, lease_record_no=None)
            for i in range(rng.randint(1, 2)):
                self._unit(b, f"{i + 1}01", i + 1, "THREE_BEDROOM", rng.uniform(80, 140), "OWNER_OCCUPIED")
            return
        b["lessor_type"] = rng.choices(("INDIVIDUAL", "SUBLESSOR", "AGENT"), (75, 15, 10))[0]
        if b["lessor_type"] != "INDIVIDUAL":
            b["manager_id"] = self._manager()
        b["rent_use"] = rng.choices(("RESIDENTIAL", "RESIDENTIAL_BUSINESS", "THREE_IN_ONE"), (85, 10, 5))[0]
        rooms = rng.randint(20, 40) if rng.random() < 0.05 else rng.randint(8, 19)
        per_floor = -(-rooms // (floors - 1))
        for i in range(rooms):
            floor, idx = 2 + i // per_floor, 1 + i % per_floor
            layout = rng.choices(("SINGLE_ROOM", "ONE_BEDROOM", "TWO_BEDROOM"), (70, 25, 5))[0]
            self._rental_unit(b, f"{floor}{idx:02d}", floor, layout)
        self._finish(b)

    def _commercial(self) -> None:
        rng = self.rng
        floors = rng.randint(11, 32)
        road = rng.choice((*d.ARTERIAL_ROADS, *self.lanes))
        garden = f"{rng.choice(d.GARDEN_WORDS)}花园"
        name = f"{garden}{rng.randint(1, 12)}栋"
        b = self._base("COMMERCIAL_HOUSING", road,
                       f"东莞市{d.TOWN_NAME}{self.village}{road}{self._door(road)}号{name}", name, floors)
        b.update(structure="RC", land_type="STATE", gas_supply="PIPED", floors_below=rng.randint(1, 2),
                 lessor_type=rng.choice(("INDIVIDUAL", "AGENT")), landlord_id=self._landlord())
        for floor in sorted(rng.sample(range(2, floors + 1), min(floors - 1, rng.randint(4, 12)))):
            layout = rng.choices(("ONE_BEDROOM", "TWO_BEDROOM", "THREE_BEDROOM"), (30, 50, 20))[0]
            self._rental_unit(b, f"{floor}{rng.randint(1, 6):02d}", floor, layout)
        self._finish(b)

    def _shop_house(self) -> None:
        rng = self.rng
        floors = rng.randint(2, 4)
        road, address = self._lane_address()
        b = self._base("SHOP_HOUSE", road, address, None, floors)
        b.update(rent_use="RESIDENTIAL_BUSINESS", landlord_id=self._landlord(), status="LET")
        shop = self._unit(b, "101", 1, "OTHER", rng.uniform(25, 60), "LET", use_type="BUSINESS")
        b["rental_rooms"] = _int(b["rental_rooms"]) + 1
        owner = rng.choice(d.SURNAMES_GUANGDONG)
        org = self._org(f"{self.short}{owner}记{rng.choice(d.SHOP_KINDS)}", "个体工商户", "92", str(b["id"]))
        if self.left > 0:
            self._household(b, shop, rng.randint(1, 3), family=True, employer=org, shopkeeper=True)
        for i in range(rng.randint(2, 6)):
            floor = 2 + i % (floors - 1)
            self._rental_unit(b, f"{floor}{1 + i // (floors - 1):02d}", floor, "SINGLE_ROOM")
        self._finish(b)

    def _dormitory(self) -> None:
        rng = self.rng
        floors = rng.randint(4, 7)
        road = rng.choice(self.lanes)
        letter = rng.choice("ABCD")
        free = [o for o in self.orgs if o["building_id"] is None] or self.orgs
        org = rng.choice(free) if free else self._company()
        name = f"宿舍楼{letter}栋"
        b = self._base("DORMITORY", road,
                       f"东莞市{d.TOWN_NAME}{self.village}{self.short}工业区{road}{self._door(road)}号{name}",
                       name, floors)
        b.update(structure="RC", lessor_type="ORGANISATION", gas_supply="NONE")
        if org["building_id"] is None:
            org["building_id"] = b["id"]
        if rng.random() < 0.5:
            b.update(regulated=0, exclusion_reason="单位免费提供给员工的宿舍")
        rooms = rng.randint(20, 48)
        per_floor = -(-rooms // floors)
        for i in range(rooms):
            floor, idx = 1 + i // per_floor, 1 + i % per_floor
            self._rental_unit(b, f"{floor}{idx:02d}", floor, "SINGLE_ROOM", area=rng.uniform(22, 32),
                              sizes=(4, 5, 6), employer=org)
        b["rental_beds"] = _int(b["rental_rooms"]) * 6
        self._finish(b)

    def _apartment(self) -> None:
        rng = self.rng
        floors = rng.randint(6, 10)
        road, address = self._lane_address()
        name = f"{self.short}{rng.choice(d.LANE_WORDS)}公寓"
        b = self._base("APARTMENT", road, address + name, name, floors)
        b.update(structure="RC", lessor_type=rng.choice(("ORGANISATION", "AGENT")),
                 landlord_id=self._landlord(),
                 manager_id=self._manager(), gas_supply="NONE")
        rooms = rng.randint(30, 80)
        per_floor = -(-rooms // (floors - 1))
        for i in range(rooms):
            floor, idx = 2 + i // per_floor, 1 + i % per_floor
            self._rental_unit(b, f"{floor}{idx:02d}", floor, "SINGLE_ROOM", sizes=(1, 1, 1, 2))
        self._finish(b)

    # --- rooms and households -----------------------------------------------------------------

    def _unit(self, b: Record, room_no: str, floor: int, layout: str, area: float, status: str,
              *, use_type: str = "RESIDENTIAL") -> Record:
        rng = self.rng
        area = round(area, 1)
        rent = None if status == "OWNER_OCCUPIED" else \
            float(round(area * rng.uniform(28, 45) / 50) * 50)
        rec: Record = {"id": self.new_id(), "grid_id": self.grid_id, "is_demo": 1, "building_id": b["id"],
                       "room_no": room_no, "floor": floor, "area_m2": area, "layout": layout,
                       "use_type": use_type, "max_occupants": default_max_occupants(area),
                       "monthly_rent": rent, "is_partitioned": 1 if rng.random() < 0.02 else 0,
                       "status": status}
        self.out.unit.append(rec)
        if status != "OWNER_OCCUPIED":
            self.units.append(rec)
            b["max_occupants"] = _int(b["max_occupants"]) + _int(rec["max_occupants"])
        return rec
