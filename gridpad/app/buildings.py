"""Buildings and their people: save a building with its landlord and manager in one go."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gridpad.app.tenants import known_person
from gridpad.store import repo
from gridpad.store.db import Store
from gridpad.store.errors import ValidationFailed
from sync.rules.records import normalize_record

#: The building's people (§2.6), each a person row linked by ``building.<role>_id``.
CONTACT_ROLES = ("landlord", "manager")


def save_building(store: Store, building_id: str | None, fields: Mapping[str, Any],
                  contacts: Mapping[str, Mapping[str, Any]]) -> str:
    """Insert (``building_id`` None) or update a building and, in the same transaction, its
    contacts by role (nothing typed for a role: that person is left alone). A contact's refused
    field comes back named ``<role>_<field>`` (``manager_phone``), as the form names it."""
    with store.transaction():
        if building_id is None:
            building_id = repo.insert(store, "building", fields)
        else:
            repo.update(store, "building", building_id, fields)
        current = repo.get(store, "building", building_id) or {}
        grid_id = str(current.get("grid_id") or fields.get("grid_id", ""))
        for role, person in contacts.items():
            try:
                _save_contact(store, building_id, grid_id, role, current.get(f"{role}_id"), person)
            except ValidationFailed as exc:
                raise ValidationFailed([e.for_field(f"{role}_{e.field}") for e in exc.errors]) from None
    return building_id


def _save_contact(store: Store, building_id: str, grid_id: str, role: str, person_id: str | None,
                  fields: Mapping[str, Any]) -> str | None:
    """Create or update the ``role`` person and link it (nothing typed: nothing written). An ID
    number the device already holds links that person (updated with what was typed)."""
    if role not in CONTACT_ROLES:
        raise ValueError(f"role: must be one of {', '.join(CONTACT_ROLES)}")
    if not any(fields.values()):
        return person_id
    with store.transaction():
        number = normalize_record("person", {"id_number": fields.get("id_number")}).get("id_number")
        known = known_person(store, number, person_id) if isinstance(number, str) else None
        if known is not None:  # one person per ID number: the contact is that person
            person_id = known.person_id
        if person_id is None:
            person_id = repo.insert(store, "person", {**fields, "grid_id": grid_id})
        else:
            repo.update(store, "person", person_id, fields)
        repo.update(store, "building", building_id, {f"{role}_id": person_id})
    return person_id
