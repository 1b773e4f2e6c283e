"""Rooms (units) of a building."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gridpad.store import repo
from gridpad.store.db import Store


def save_unit(store: Store, unit_id: str | None, fields: Mapping[str, Any]) -> str:
    """Insert (``unit_id`` None: ``fields`` carry ``building_id`` and ``grid_id``) or update a room;
    returns its id."""
    if unit_id is None:
        return repo.insert(store, "unit", fields)
    repo.update(store, "unit", unit_id, fields)
    return unit_id
