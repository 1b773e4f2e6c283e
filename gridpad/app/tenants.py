"""Residents: register a tenant, edit a person, find an ID number's registrations, move out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gridpad.store import people, repo
from gridpad.store.db import Store


@dataclass(frozen=True)
class TenantSaved:
    person_id: str
    tenancy_id: str | None  # None: an edit of the person, no new tenancy


@dataclass(frozen=True)
class Registration:
    """Where an ID number is registered (one per person and tenancy)."""

    person_id: str
    name: str | None
    address: str | None
    room_no: str | None
    tenancy_id: str | None
    move_in_at: str | None
    active: bool


def register_tenant(store: Store, person_id: str | None, person: Mapping[str, Any],
                    tenancy: Mapping[str, Any]) -> TenantSaved:
    """A new registration (person + tenancy), a new tenancy for a known person, or an edit of an
    existing person (``person_id`` given, ``tenancy`` empty: no new tenancy)."""
    if person_id is not None and not tenancy:
        repo.update(store, "person", person_id, person)
        return TenantSaved(person_id, None)
    if person_id is not None:
        person = {**person, "id": person_id}
    saved_person, tenancy_id = people.register_tenant(store, person, tenancy)
    return TenantSaved(saved_person, tenancy_id)


def where_registered(store: Store, id_number: str, exclude_person: str | None) -> list[Registration]:
    """Current registrations of this ID number, other than the person being edited."""
    return [Registration(str(r["person_id"]), r["name"], r["address"], r["room_no"], r["tenancy_id"],
                         r["move_in_at"], bool(r["active"]))
            for r in people.find_by_id_number(store, id_number)
            if r["person_id"] != exclude_person and r["active"]]


def move_out(store: Store, tenancy_id: str, date: str, reason: str | None) -> None:
    """End a tenancy. A date before the move-in is refused by the record rules
    (``tenancy.move_out_before_move_in``, with ``move_in_at`` for the message)."""
    people.move_out(store, tenancy_id, date, reason)
