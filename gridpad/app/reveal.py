"""Showing a masked value in clear: audited, with who looked."""

from __future__ import annotations

from gridpad.store import people
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta


def actor(store: Store) -> str:
    """Who is using this device, for the audit log: the enrolled user, else the device."""
    return DeviceMeta(store).user_name or f"device:{store.device_id}"


def reveal(store: Store, table: str, row_id: str, field: str) -> str:
    """The clear value of ``table.field`` of one row; the look is written to ``audit``."""
    return people.reveal(store, table, row_id, field, actor(store))
