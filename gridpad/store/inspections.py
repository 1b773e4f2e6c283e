"""Reads of the inspection table the application layer needs (writes go through :mod:`repo`)."""

from __future__ import annotations

import json

from gridpad.store.db import Store


def previous_failed_items(store: Store, building_id: str, exclude_id: str) -> set[str]:
    """Item ids the building's latest submitted inspection with outcome entered failed (before
    ``exclude_id``): what makes an S4 or ``when_repeated`` failure a repeat."""
    row = store._conn.execute(
        "SELECT failures FROM inspection WHERE building_id = ? AND id != ? AND _deleted = 0"
        " AND status = 'submitted' AND outcome = 'entered'"
        " ORDER BY submitted_at DESC, id DESC LIMIT 1", (building_id, exclude_id)).fetchone()
    if row is None or not row[0]:
        return set()
    try:
        found = json.loads(row[0])
    except ValueError:
        return set()
    if not isinstance(found, list):
        return set()
    return {str(f["item"]) for f in found if isinstance(f, dict) and "item" in f}
