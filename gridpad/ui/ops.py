"""Work the screens queue on the DB worker: each is ``fn(store, ...)`` calling store functions only
(no SQL here), so a screen can pass it to ``ctx.db.call``. Runs off the GUI thread: no widgets."""

from __future__ import annotations

from typing import Any

# Store modules are imported inside the functions: they run on the DB thread, and importing them
# there keeps sqlite-utils and the record validators off the GUI thread's start-up path.


def actor(store: Any) -> str:
    """Who is using this device, for the audit log (the enrolled user, else the device)."""
    for key in ("user_name", "user", "enrolled_user"):
        value = store.get_meta(key)
        if value:
            return str(value)
    return f"device:{store.device_id}"


def reveal(store: Any, table: str, row_id: str, field: str) -> str:
    from gridpad.store import people

    return people.reveal(store, table, row_id, field, actor(store))


def save_row(store: Any, table: str, row_id: str | None, fields: dict[str, Any]) -> str:
    """Insert (row_id None) or update a building or unit; returns the id."""
    from gridpad.store import repo

    if row_id is None:
        return repo.insert(store, table, fields)
    repo.update(store, table, row_id, fields)
    return row_id


def save_landlord(store: Any, building_id: str, grid_id: str, role_field: str,
                  person_id: str | None, fields: dict[str, Any]) -> str | None:
    """Create or update the building's landlord/manager person and link it (role_field:
    ``landlord_id`` or ``manager_id``). Nothing typed: nothing written."""
    from gridpad.store import repo

    if not any(fields.values()):
        return person_id
    with store.transaction():
        if person_id is None:
            person_id = repo.insert(store, "person", {**fields, "grid_id": grid_id})
        else:
            repo.update(store, "person", person_id, fields)
        repo.update(store, "building", building_id, {role_field: person_id})
    return person_id


def save_building(store: Any, building_id: str | None, fields: dict[str, Any],
                  landlord: dict[str, Any]) -> str:
    from gridpad.store import repo

    with store.transaction():
        building_id = save_row(store, "building", building_id, fields)
        current = repo.get(store, "building", building_id) or {}
        save_landlord(store, building_id, current.get("grid_id") or fields.get("grid_id", ""),
                      "landlord_id", current.get("landlord_id"), landlord)
    return building_id


def register_tenant(store: Any, person_id: str | None, person: dict[str, Any],
                    tenancy: dict[str, Any]) -> tuple[str, str | None]:
    """A new registration (person + tenancy), or an edit of an existing person (no new tenancy)."""
    from gridpad.store import people, repo

    if person_id is not None and not tenancy:
        repo.update(store, "person", person_id, person)
        return person_id, None
    if person_id is not None:
        person = {**person, "id": person_id}
    return people.register_tenant(store, person, tenancy)


def where_registered(store: Any, id_number: str, exclude_person: str | None) -> list[dict[str, Any]]:
    """Current registrations of this ID number (other than the person being edited)."""
    from gridpad.store import people

    return [r for r in people.find_by_id_number(store, id_number)
            if r["person_id"] != exclude_person and r["active"]]


def move_out(store: Any, tenancy_id: str, date: str, reason: str | None) -> None:
    """End a tenancy; a date before the move-in is refused with the rule the form shows."""
    from gridpad.store import people, repo
    from gridpad.store.errors import ValidationFailed
    from sync.rules.errors import FieldError

    current = repo.get(store, "tenancy", tenancy_id) or {}
    moved_in = current.get("move_in_at")
    if moved_in and date < moved_in:
        raise ValidationFailed([FieldError("move_out_at", "tenancy.move_out_before_move_in",
                                           f"move_out_at: {date} is before the move-in date {moved_in}",
                                           {"move_in_at": moved_in})])
    people.move_out(store, tenancy_id, date, reason)
