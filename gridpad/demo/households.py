"""Households in the demo grid: who lives in a room, where they work, and their tenancies.

A mixin of :class:`gridpad.demo.grid_filler.GridFiller` (split out only to keep modules short).
Families share an origin county (children carry the father's area code); co-workers share an
employer; about 3 % of let rooms had an earlier tenant who moved out and ~4 % of household
heads moved within the grid, so the registry has move-outs to show.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from gridpad.demo import reference_data as d
from gridpad.demo.people import People
from gridpad.demo.records import DemoGrid, Record
from sync.rules.tenancy import add_working_days

_AREA = {"SINGLE_ROOM": (12.0, 25.0), "ONE_BEDROOM": (28.0, 45.0), "TWO_BEDROOM": (50.0, 75.0),
         "THREE_BEDROOM": (80.0, 120.0), "OTHER": (20.0, 40.0)}
_SIZES = {"SINGLE_ROOM": (1, 1, 1, 1, 2, 2, 2, 2, 3, 3), "ONE_BEDROOM": (2, 3, 3, 4, 4),
          "TWO_BEDROOM": (3, 3, 4, 4, 5), "THREE_BEDROOM": (3, 4, 4, 5, 5)}
_LEFT_REASONS = (("LEASE_ENDED", 50), ("LEFT_DONGGUAN", 30), ("LOST_CONTACT", 15), ("OTHER", 5))
Member = tuple[Record, date, str]  # person, birth date, relation to head


class HouseholdsMixin:
    rng: random.Random
    today: date
    new_id: Callable[[], str]
    out: DemoGrid
    people: People
    grid_id: str
    left: int
    orgs: list[Record]
    units: list[Record]
    _deadline: dict[tuple[date, int], date]

    def _unit(self, b: Record, room_no: str, floor: int, layout: str, area: float, status: str,
              *, use_type: str = "RESIDENTIAL") -> Record:
        raise NotImplementedError

    def _rental_unit(self, b: Record, room_no: str, floor: int, layout: str, *, area: float | None = None,
                     sizes: tuple[int, ...] | None = None, employer: Record | None = None) -> Record:
        rng = self.rng
        let = self.left > 0 and rng.random() < 0.85
        if area is None:
            area = rng.uniform(*_AREA[layout])
        unit = self._unit(b, room_no, floor, layout, area, "LET" if let else "VACANT")
        rooms = b["rental_rooms"]
        b["rental_rooms"] = (rooms if isinstance(rooms, int) else 0) + 1
        if let:
            b["status"] = "LET"
            size = rng.choice(sizes or _SIZES[layout])
            family = None if employer is None else False
            self._household(b, unit, size, family=family, employer=employer)
        return unit

    # --- people in a room ---------------------------------------------------------------------

    def _household(self, b: Record, unit: Record, size: int, *, family: bool | None = None,
                   employer: Record | None = None, shopkeeper: bool = False) -> None:
        rng, people = self.rng, self.people
        size = min(size, self.left)
        if size <= 0:
            return
        if size == 1 and employer is None and rng.random() < 0.006:
            pid = self.new_id()
            born = people.born(22, 55)
            rec = people.hmt_person(pid, self.grid_id, rng.choice("12"), born) if rng.random() < 0.6 \
                else people.foreign_person(pid, self.grid_id, born)
            members: list[Member] = [(rec, born, "01")]
        else:
            if family is None:
                family = size >= 2 and rng.random() < (0.75 if unit["layout"] == "SINGLE_ROOM" else 0.9)
            members = self._family(size) if family else self._coworkers(size, employer)
        lease, move_in, reported, channel = self._lease_dates()
        for i, (rec, born, relation) in enumerate(members):
            self._employ(rec, born, employer, shopkeeper and i == 0)
            self.out.person.append(rec)
            moved_in = max(move_in, born)
            self._tenancy(rec, unit, "HEAD_TENANT" if i == 0 else "CO_RESIDENT", relation,
                          lease, moved_in, reported, channel)
        self.left -= len(members)
        head = members[0][0]
        if len(self.units) > 1 and rng.random() < 0.04:
            self._earlier_home(head, lease, unit)
        if self.left > 0 and rng.random() < 0.03:
            self._left_tenant(unit, lease)

    def _family(self, size: int) -> list[Member]:
        rng, people, gid = self.rng, self.people, self.grid_id
        origin = people.origin()
        head_gender = "1" if rng.random() < 0.6 else "2"
        head_born = people.born(22, 50)
        head = people.person(self.new_id(), gid, origin=origin, gender=head_gender, born=head_born)
        members: list[Member] = [(head, head_born, "01")]
        head_area = str(head["id_number"])[:6]
        father = head
        if size >= 2:
            g = "2" if head_gender == "1" else "1"
            born = min(head_born + timedelta(days=rng.randint(-1400, 1400)),
                       self.today - timedelta(days=int(18.5 * 365.25)))
            spouse = people.person(self.new_id(), gid, origin=origin, gender=g, born=born,
                                   area=head_area if rng.random() < 0.6 else None,
                                   ethnicity=str(head["ethnicity"]) if rng.random() < 0.8 else None)
            members.append((spouse, born, "12" if g == "2" else "11"))
            if g == "1":
                father = spouse
        head_age = (self.today - head_born).days // 365
        parent_added = False
        for _ in range(size - len(members)):
            if not parent_added and rng.random() < 0.12:
                parent_added = True
                g = rng.choice("12")
                born = people.born(min(head_age + 22, 80), min(head_age + 30, 85))
                rec = people.person(self.new_id(), gid, origin=origin, gender=g, born=born, area=head_area,
                                    surname=str(head["name"])[0] if g == "1" else None,
                                    ethnicity=str(head["ethnicity"]), phone=rng.random() < 0.7)
                members.append((rec, born, "51" if g == "1" else "52"))
                continue
            g = rng.choice("12")
            born = people.born(0, max(0, min(15, head_age - 20)))
            rec = people.person(self.new_id(), gid, origin=origin, gender=g, born=born,
                                area=str(father["id_number"])[:6], surname=str(father["name"])[0],
                                ethnicity=str(father["ethnicity"]))
            members.append((rec, born, "20" if g == "1" else "30"))
        return members

    def _coworkers(self, size: int, employer: Record | None) -> list[Member]:
        rng, people = self.rng, self.people
        first = people.origin()
        gender = rng.choice("12") if employer is not None else None  # dorm rooms: one gender
        members: list[Member] = []
        for i in range(size):
            origin = first if rng.random() < 0.5 else people.origin()
            born = people.born(18, 45)
            rec = people.person(self.new_id(), self.grid_id, origin=origin, gender=gender or rng.choice("12"),
                                born=born)
            members.append((rec, born, "01" if i == 0 else "99"))
        return members

    def _employ(self, rec: Record, born: date, employer: Record | None, shopkeeper: bool) -> None:
        rng = self.rng
        age = (self.today - born).days // 365
        if age < 6:
            return
        if age < 16:
            rec["occupation"] = "学生"
            return
        if age >= 60:
            rec["occupation"] = "无业"
            return
        if shopkeeper and employer is not None:
            rec.update(employer=employer["name"], employer_org_id=employer["id"], occupation="个体经营")
            return
        if employer is None and age <= 22 and rng.random() < 0.1:
            rec["occupation"] = "学生"
            return
        if employer is None and (rng.random() > 0.72 or not self.orgs):
            rec["employer"], rec["occupation"] = rng.choice(d.OTHER_WORK)
            return
        org = employer or rng.choice(self.orgs)
        rec.update(employer=org["name"], employer_org_id=org["id"], occupation=rng.choice(d.FACTORY_JOBS))

    # --- tenancies ----------------------------------------------------------------------------

    def _working_days_after(self, day: date, n: int) -> date:
        key = (day, n)
        found = self._deadline.get(key)
        if found is None:
            found = self._deadline[key] = add_working_days(day, n)
        return found

    def _report(self, lease: date) -> tuple[date | None, str | None]:
        """~86 % within 3 working days, ~11 % late, ~3 % never reported."""
        rng = self.rng
        x = rng.random()
        if x < 0.86:
            reported: date | None = self._working_days_after(lease, rng.randint(0, 3))
        elif x < 0.97:
            reported = self._working_days_after(lease, 3) + timedelta(days=rng.randint(1, 25))
        else:
            reported = None
        if reported is not None and reported > self.today:
            reported = None
        return reported, rng.choice(d.REPORT_CHANNELS) if reported else None

    def _lease_dates(self) -> tuple[date, date, date | None, str | None]:
        rng = self.rng
        lease = self.today - timedelta(days=min(int(rng.expovariate(1 / 400)), 2000) + 3)
        move_in = min(self.today, lease + timedelta(days=rng.randint(0, 5)))
        return (lease, move_in, *self._report(lease))

    def _tenancy(self, person: Record, unit: Record, role: str, relation: str, lease: date, move_in: date,
                 reported: date | None, channel: str | None, move_out: date | None = None,
                 reason: str | None = None) -> None:
        iso = self.people.iso
        self.out.tenancy.append({
            "id": self.new_id(), "grid_id": self.grid_id, "is_demo": 1, "person_id": person["id"],
            "unit_id": unit["id"], "building_id": unit["building_id"], "role": role,
            "relation_to_head": relation, "lease_signed_at": iso(lease),
            "move_in_at": iso(move_in), "move_out_at": iso(move_out) if move_out else None,
            "move_out_reason": reason, "reported_at": iso(reported) if reported else None,
            "report_channel": channel,
        })

    def _earlier_home(self, head: Record, lease: date, current: Record) -> None:
        """The head lived in another room of the grid before and moved (换房)."""
        rng = self.rng
        unit = rng.choice(self.units)
        if unit is current:
            return
        moved_out = lease - timedelta(days=rng.randint(0, 5))
        earlier = moved_out - timedelta(days=rng.randint(120, 1000))
        reported, channel = self._report(earlier)
        self._tenancy(head, unit, "HEAD_TENANT", "01", earlier, earlier + timedelta(days=rng.randint(0, 5)),
                      reported, channel, moved_out, "CHANGED_HOME")

    def _left_tenant(self, unit: Record, lease: date) -> None:
        """Someone who rented this room before and has gone (退租/离莞/失联)."""
        rng, people = self.rng, self.people
        born = people.born(18, 45)
        rec = people.person(self.new_id(), self.grid_id, origin=people.origin(), gender=rng.choice("12"),
                            born=born)
        self._employ(rec, born, None, False)
        self.out.person.append(rec)
        self.left -= 1
        moved_out = lease - timedelta(days=rng.randint(1, 20))
        earlier = moved_out - timedelta(days=rng.randint(90, 900))
        reported, channel = self._report(earlier)
        reason = rng.choices([r for r, _ in _LEFT_REASONS], [w for _, w in _LEFT_REASONS])[0]
        self._tenancy(rec, unit, "HEAD_TENANT", "01", earlier, earlier + timedelta(days=rng.randint(0, 5)),
                      reported, channel, moved_out, reason)
