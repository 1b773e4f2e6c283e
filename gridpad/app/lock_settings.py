"""The privacy lock's settings: the PIN hash (never the PIN) and the idle minutes before locking."""

from __future__ import annotations

from dataclasses import dataclass

from gridpad.core.pin_backoff import PinLockState
from gridpad.core.pin_hash import hash_pin
from gridpad.core.pin_rules import PinProblem, pin_problem
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


class PinRefusedError(ValueError):
    """A new PIN that breaks a rule of :mod:`gridpad.core.pin_rules`."""

    def __init__(self, problem: PinProblem) -> None:
        super().__init__(f"PIN: {problem.value}")
        self.problem = problem


def read_lock_settings(store: Store) -> LockSettings:
    meta = DeviceMeta(store)
    return LockSettings(meta.lock_pin_hash, meta.lock_idle_minutes or DEFAULT_IDLE_MINUTES)


def save_lock_settings(store: Store, pin_hash: str | None, idle_minutes: int) -> LockSettings:
    """Set (or with ``pin_hash`` None, remove) the PIN and the idle time, together; a new or
    removed PIN starts the count of wrong PINs afresh (Settings is only reached unlocked)."""
    if idle_minutes < 1:
        raise ValueError("idle_minutes: must be 1 or more")
    meta = DeviceMeta(store)
    with store.transaction():
        if pin_hash != meta.lock_pin_hash:
            meta.lock_state = PinLockState.from_json(meta.lock_state).new_pin_set().to_json()
        meta.lock_pin_hash = pin_hash
        meta.lock_idle_minutes = idle_minutes
    return read_lock_settings(store)


def set_pin(store: Store, pin: str, repeat: str, idle_minutes: int) -> LockSettings:
    """A new PIN typed twice; :class:`PinRefusedError` when it is too short, differs or is trivial."""
    problem = pin_problem(pin, repeat)
    if problem is not None:
        raise PinRefusedError(problem)
    return save_lock_settings(store, hash_pin(pin), idle_minutes)
