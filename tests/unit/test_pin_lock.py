"""The PIN lock's rules without Qt: growing waits and the lockout (kept in the store, so a restart
resumes them), a clock turned back, and unlock codes both sides compute from the enrolled keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gridpad.app import lock_settings, pin_lock
from gridpad.app.pin_lock import Outcome
from gridpad.core.pin_backoff import DELAYS_S, FREE_TRIES, LOCKOUT_AFTER, PinLockState, delay_after
from gridpad.store.db import Store, open_store
from sync import doorplate, unlock_code

T0 = 1_750_000_000.0


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "gridpad.sqlite")
    lock_settings.set_pin(s, "739105", "739105", 5)
    yield s
    s.close()


def test_delays_grow_after_the_free_tries_then_the_last_repeats() -> None:
    assert [delay_after(n) for n in range(1, 11)] == [0, 0, 0, 30, 60, 300, 900, 1800, 3600, 3600]
    assert delay_after(FREE_TRIES + len(DELAYS_S) + 5) == DELAYS_S[-1]


def test_a_clock_turned_back_does_not_lengthen_a_wait_and_bad_state_reads_locked_out() -> None:
    state = PinLockState(failures=4, wait_until=T0 + 30)
    assert state.wait_s(T0) == 30
    assert state.wait_s(T0 - 86_400) == 30  # a day back: still the step's 30 s, not a day
    assert state.wait_s(T0 + 31) == 0
    assert PinLockState.from_json("{not json").locked_out  # never a fresh start


def test_tries_are_counted_in_the_store_waits_are_kept_and_ten_lock_out(store: Store) -> None:
    now = T0
    for n in range(1, LOCKOUT_AFTER):
        tried = pin_lock.try_pin(store, "1357", now)
        assert tried.outcome is Outcome.WRONG and tried.status.state.failures == n
        wait = tried.status.state.wait_s(now)
        assert wait == delay_after(n)
        if wait:  # a try during the wait is not checked, not counted, even with the right PIN
            early = pin_lock.try_pin(store, "739105", now + wait - 1)
            assert early.outcome is Outcome.WAIT and early.status.state.failures == n
        now += wait
    assert pin_lock.try_pin(store, "1357", now).status.state.locked_out
    assert pin_lock.try_pin(store, "739105", now + 86_400).outcome is Outcome.LOCKED_OUT
    assert pin_lock.lock_status(store).state.locked_out  # read back as a restart would


def test_the_right_pin_resets_the_count(store: Store) -> None:
    for _ in range(FREE_TRIES):
        pin_lock.try_pin(store, "1357", T0)
    opened = pin_lock.try_pin(store, "739105", T0)
    assert opened.outcome is Outcome.OPEN and opened.status.state.failures == 0


def test_trivial_pins_are_refused_by_the_app_layer_too(store: Store) -> None:
    with pytest.raises(lock_settings.PinRefusedError) as refused:
        lock_settings.set_pin(store, "123456", "123456", 5)
    assert refused.value.problem.value == "run"


def _raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def test_the_x25519_map_agrees_with_the_private_key_and_both_sides_share_the_key() -> None:
    device, server = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    mapped_public = unlock_code.x25519_public(_raw(device)).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert unlock_code.x25519_private(device).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw) == mapped_public
    on_device = unlock_code.shared_key(device, doorplate.public_key_text(server), "dev-1")
    on_server = unlock_code.shared_key(server, doorplate.public_key_text(device), "dev-1")
    assert on_device == on_server
    assert unlock_code.shared_key(device, doorplate.public_key_text(server), "dev-2") != on_device


def test_codes_work_within_the_window_above_the_last_used_counter_only() -> None:
    key = bytes(range(32))
    codes = [unlock_code.code_for(key, "dev-1", c) for c in range(1, 30)]
    assert all(len(c) == unlock_code.DIGITS and c.isdigit() for c in codes)
    assert len(set(codes)) == len(codes)
    assert unlock_code.matching_counter(key, "dev-1", unlock_code.spaced(codes[0]), 0) == 1
    assert unlock_code.matching_counter(key, "dev-1", codes[0], 1) is None  # used: never again
    assert unlock_code.matching_counter(key, "dev-1", codes[4], 1) == 5  # issued ones skipped
    assert unlock_code.matching_counter(key, "dev-1", codes[25], 1) is None  # beyond the window
    assert unlock_code.matching_counter(key, "dev-2", codes[0], 0) is None  # another device's
