"""The PIN lock's answers: try a PIN, try an unlock code from IT, choose a new PIN after a code.

Each try is recorded before it is checked, in the store (``DeviceMeta.lock_state``), so killing
the app mid-check counts it and a restart resumes the wait or the lockout. Wrong PINs change
nothing but that state: the data and the outbox are never touched (IT revokes a lost tablet to
wipe it). Unlock codes are checked offline against the keys enrollment left in the keyring
(:mod:`sync.unlock_code`); neither a PIN nor a code is ever logged or stored.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gridpad.core.pin_backoff import LOCKOUT_AFTER, PinLockState
from gridpad.core.pin_hash import hash_pin, verify_pin
from gridpad.core.pin_rules import PinProblem, pin_problem
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client import credentials
from sync import unlock_code


@dataclass(frozen=True)
class LockStatus:
    has_pin: bool
    state: PinLockState
    device_id: str  # what IT issues the unlock code for (as enrolled, else the database's own)
    enrolled: bool  # False: no unlock code can be issued for this tablet
    lockout_after: int = LOCKOUT_AFTER


class Outcome(enum.Enum):
    OPEN = "open"  # right PIN (or a new PIN chosen): the lock opens
    WRONG = "wrong"  # wrong PIN or code; the state says how long to wait and how many are left
    WAIT = "wait"  # tried during a wait: not checked, not counted
    LOCKED_OUT = "locked_out"  # a PIN tried while only a code helps
    CODE_OK = "code_ok"  # the code was right: choose a new PIN
    REFUSED = "refused"  # a new PIN that breaks a rule (``problem`` says which)
    NO_KEYS = "no_keys"  # not enrolled, or the keyring does not hold this device's keys


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    status: LockStatus
    problem: PinProblem | None = None


def _state(meta: DeviceMeta) -> PinLockState:
    return PinLockState.from_json(meta.lock_state)


def _save(store: Store, state: PinLockState) -> None:
    with store.transaction():
        DeviceMeta(store).lock_state = state.to_json()


def lock_status(store: Store) -> LockStatus:
    meta = DeviceMeta(store)
    return LockStatus(has_pin=meta.lock_pin_hash is not None, state=_state(meta),
                      device_id=meta.enrolled_device_id or store.device_id,
                      enrolled=bool(meta.enrolled_device_id and meta.server_url))


def try_pin(store: Store, pin: str, now: float) -> Attempt:
    meta = DeviceMeta(store)
    state, stored = _state(meta), meta.lock_pin_hash
    if stored is None:
        return Attempt(Outcome.OPEN, lock_status(store))
    if state.locked_out or state.new_pin_needed:
        return Attempt(Outcome.LOCKED_OUT, lock_status(store))
    if state.wait_s(now) > 0:
        return Attempt(Outcome.WAIT, lock_status(store))
    _save(store, state.wrong_pin(now))  # counted first: a crash mid-check cannot undo it
    if verify_pin(pin, stored):
        _save(store, state.right_pin())
        return Attempt(Outcome.OPEN, lock_status(store))
    return Attempt(Outcome.WRONG, lock_status(store))


def _unlock_key(store: Store) -> tuple[str, bytes] | None:
    meta = DeviceMeta(store)
    device_id = meta.enrolled_device_id
    if not device_id or not meta.server_url:
        return None
    try:
        keys = credentials.load_keys(device_id)
    except (*credentials.BACKEND_FAILURES, credentials.OldCredentialError):
        return None
    if keys is None:
        return None
    return device_id, unlock_code.shared_key(keys.private_key, keys.server_key, device_id)


def try_unlock_code(store: Store, code: str, now: float) -> Attempt:
    state = _state(DeviceMeta(store))
    if not state.locked_out:
        return Attempt(Outcome.WRONG, lock_status(store))
    if state.wait_s(now) > 0:
        return Attempt(Outcome.WAIT, lock_status(store))
    found = _unlock_key(store)
    if found is None:
        return Attempt(Outcome.NO_KEYS, lock_status(store))
    device_id, key = found
    _save(store, state.wrong_code(now))
    counter = unlock_code.matching_counter(key, device_id, code, state.code_counter)
    if counter is None:
        return Attempt(Outcome.WRONG, lock_status(store))
    _save(store, state.code_accepted(counter))
    return Attempt(Outcome.CODE_OK, lock_status(store))


def choose_new_pin(store: Store, pin: str, repeat: str) -> Attempt:
    """After an accepted code: the new PIN (if it keeps the rules) opens the lock."""
    meta = DeviceMeta(store)
    state = _state(meta)
    if not state.new_pin_needed:
        return Attempt(Outcome.LOCKED_OUT if state.locked_out else Outcome.WRONG, lock_status(store))
    problem = pin_problem(pin, repeat)
    if problem is not None:
        return Attempt(Outcome.REFUSED, lock_status(store), problem)
    with store.transaction():
        meta.lock_pin_hash = hash_pin(pin)
        meta.lock_state = state.new_pin_set().to_json()
    return Attempt(Outcome.OPEN, lock_status(store))
