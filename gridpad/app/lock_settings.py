"""The privacy lock's settings: the PIN hash (never the PIN) and the idle minutes before locking."""

from __future__ import annotations

from dataclasses import dataclass

from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta

DEFAULT_IDLE_MINUTES = 5


@dataclass(frozen=True)
class LockSettings:
    pin_hash: str | None  # None: no PIN, the screen never locks
    idle_minutes: int

    @property
    def idle_ms(self) -> int:
        return self.idle_minutes * 60_000


def read_lock_settings(store: Store) -> LockSettings:
    meta = DeviceMeta(store)
    return LockSettings(meta.lock_pin_hash, meta.lock_idle_minutes or DEFAULT_IDLE_MINUTES)


def save_lock_settings(store: Store, pin_hash: str | None, idle_minutes: int) -> LockSettings:
    """Set (or with ``pin_hash`` None, remove) the PIN and the idle time, together."""
    if idle_minutes < 1:
        raise ValueError("idle_minutes: must be 1 or more")
    meta = DeviceMeta(store)
    with store.transaction():
        meta.lock_pin_hash = pin_hash
        meta.lock_idle_minutes = idle_minutes
    return read_lock_settings(store)
