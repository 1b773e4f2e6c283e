"""Residents: register a tenant, edit a person, find the person an ID number belongs to, move out.

One person per ID number: a number this device already holds leads to that person. Registering
them again (they moved out) adds a tenancy to the same person; registering someone who still
lives elsewhere moves them (the old tenancy ends on a date, the new one starts) in one
transaction. A second person with a known number is refused. Two tablets that register the same
number offline still make two people; the server lists those (``gridpad-server admin check``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gridpad.store import people, repo, views
from gridpad.store.db import Store
from gridpad.store.errors import ValidationFailed
from gridpad.store.validation import check, check_update
from sync.rules.errors import FieldError

#: The person's fields a re-registration starts from (the phone is left out: it is shown masked
#: and kept unless a new one is typed).
PREFILL_FIELDS = ("id_type", "gender", "birth_date", "name", "ethnicity", "hukou_address", "employer")
#: Why the old tenancy ends when a person is moved here from another room.
MOVED_REASON = "CHANGED_HOME"


@dataclass(frozen=True)
class TenantSaved:
    person_id: str
    tenancy_id: str | None  # None: an edit of the person, no new tenancy


@dataclass(frozen=True)
class Registration:
    """One tenancy of a person: where, since when, and until when (``None``: lives there now)."""

    person_id: str
    name: str | None
    address: str | None
    room_no: str | None
    tenancy_id: str | None
    move_in_at: str | None
    active: bool
    building_id: str | None = None
    unit_id: str | None = None
    move_out_at: str | None = None


@dataclass(frozen=True)
class KnownPerson:
    """The person this device already holds under an ID number. ``fields`` (in clear, for the form
    only: callers mask what they show) prefill a re-registration; ``phone`` is there to be masked."""

    person_id: str
    name: str
    phone: str | None
    homes: list[Registration]  # where they live now (normally one)
    last: Registration | None  # their latest tenancy, when they live nowhere now
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def lives_here_now(self) -> bool:
        return bool(self.homes)


def _registrations(store: Store, id_number: str) -> list[Registration]:
    return [Registration(str(r["person_id"]), r["name"], r["address"], r["room_no"], r["tenancy_id"],
                         r["move_in_at"], bool(r["active"]), r["building_id"], r["unit_id"],
                         r["move_out_at"])
            for r in people.find_by_id_number(store, id_number)]


def known_person(store: Store, id_number: str, exclude_person: str | None = None) -> KnownPerson | None:
    """The person holding ``id_number`` (normalised), other than ``exclude_person``; one who lives
    somewhere now comes first when the device already holds two (an offline duplicate)."""
    if not id_number:
        return None
    regs = [r for r in _registrations(store, id_number) if r.person_id != exclude_person]
    if not regs:
        return None
    person_id = regs[0].person_id
    row = repo.get(store, "person", person_id) or {}
    own = [r for r in regs if r.person_id == person_id and r.tenancy_id]
    homes = [r for r in own if r.active]
    last = None if homes else max(own, key=lambda r: (r.move_out_at or "", r.move_in_at or ""), default=None)
    return KnownPerson(person_id, str(row.get("name") or ""), row.get("phone"), homes, last,
                       {k: row.get(k) for k in PREFILL_FIELDS if row.get(k) is not None})


def _known_error(known: KnownPerson) -> FieldError:
    return FieldError("id_number", "person.id_number_known",
                      "id_number: this ID number is already registered on this device; "
                      "register or move that person instead of adding a second one",
                      {"person_id": known.person_id})


def _person_errors(person: Mapping[str, Any], person_id: str | None, store: Store) -> list[FieldError]:
    """Every rule the person's fields break (a known ID number included)."""
    if person_id is None:
        record, errors = check("person", dict(person), partial=False)
    else:
        current = repo.get(store, "person", person_id) or {}
        record, errors = check_update("person", current, dict(person))
    number = record.get("id_number")
    if isinstance(number, str) and not any(e.field == "id_number" for e in errors):
        known = known_person(store, number, person_id)
        if known is not None:
            errors.append(_known_error(known))
    return errors


def register_tenant(store: Store, person_id: str | None, person: Mapping[str, Any],
                    tenancy: Mapping[str, Any], *, move_out_at: str | None = None,
                    room: tuple[str, str] | None = None) -> TenantSaved:
    """A new registration (person + tenancy), a new tenancy for a known person, or an edit of an
    existing person (``person_id`` given, ``tenancy`` empty: no new tenancy).

    A registration needs a room (``tenancy.unit_id``). A known person who lives elsewhere now is
    moved: each current tenancy ends on ``move_out_at`` (required then), in the same transaction.
    An edit may also place the person's tenancy that has no room yet: ``room`` is
    ``(tenancy_id, unit_id)`` (:func:`room_errors` says what is refused).
    Every failure is reported at once (:class:`ValidationFailed`); nothing is written then.
    """
    with store.transaction():
        errors = _person_errors(person, person_id, store)
        if person_id is not None and not tenancy:
            if room is not None:
                errors += room_errors(store, person_id, *room)
            if errors:
                raise ValidationFailed(errors)
            repo.update(store, "person", person_id, person)
            if room is not None:
                repo.update(store, "tenancy", room[0], {"unit_id": room[1]})
            return TenantSaved(person_id, None)
        fields = dict(tenancy)
        unit_id = fields.get("unit_id")
        homes: list[Registration] = []
        if not unit_id:
            errors.append(FieldError("unit_id", "tenancy.unit_required",
                                     "unit_id: choose the room the tenant lives in"))
        else:
            unit = repo.get(store, "unit", str(unit_id))
            if unit is None:
                errors.append(FieldError("unit_id", "exists", "unit_id: no such unit"))
            else:
                fields["building_id"] = unit["building_id"]
        _, tenancy_errors = check("tenancy", {k: v for k, v in fields.items() if k != "person_id"},
                                  partial=True)
        errors += tenancy_errors
        if person_id is not None:
            homes = [r for r in _registrations_of(store, person_id) if r.active]
            if unit_id and any(h.unit_id == unit_id for h in homes):
                errors.append(FieldError("unit_id", "tenancy.already_here",
                                         "unit_id: this person already lives in this room"))
            elif homes and not move_out_at:
                errors.append(FieldError("move_out_at", "required",
                                         "move_out_at: is required to move the person from their room"))
        if errors:
            raise ValidationFailed(errors)
        for home in homes:
            assert home.tenancy_id is not None
            people.move_out(store, home.tenancy_id, str(move_out_at), MOVED_REASON)
        if person_id is not None:
            person = {**person, "id": person_id}
        saved_person, tenancy_id = people.register_tenant(store, person, fields)
    return TenantSaved(saved_person, tenancy_id)


def room_errors(store: Store, person_id: str, tenancy_id: str, unit_id: str) -> list[FieldError]:
    """Why ``unit_id`` cannot be given to the person's tenancy ``tenancy_id``: only a current
    tenancy with no room of its building takes one (else it is a move), and only a room of that
    building."""
    placeable = views.unplaced_tenancy(store, person_id)
    if placeable is None or placeable.id != tenancy_id:
        return [FieldError("unit_id", "tenancy.already_placed",
                           "unit_id: this person already has a room; "
                           "move them out and register them instead")]
    unit = repo.get(store, "unit", unit_id) if unit_id else None
    if unit is None or unit.get("_deleted"):
        return [FieldError("unit_id", "exists", "unit_id: no such unit")]
    if unit["building_id"] != placeable.building_id:
        return [FieldError("unit_id", "tenancy.unit_in_other_building",
                           "unit_id: the room is in another building than the one the person lives in")]
    return []


def _registrations_of(store: Store, person_id: str) -> list[Registration]:
    detail = views.person_detail(store, person_id)
    return [Registration(person_id, None, t.address, t.room_no, t.id, t.move_in_at, t.move_out_at is None,
                         t.building_id, t.unit_id, t.move_out_at)
            for t in (detail.tenancies if detail else [])]


def move_out(store: Store, tenancy_id: str, date: str, reason: str | None) -> None:
    """End a tenancy. A date before the move-in is refused by the record rules
    (``tenancy.move_out_before_move_in``, with ``move_in_at`` for the message)."""
    people.move_out(store, tenancy_id, date, reason)
