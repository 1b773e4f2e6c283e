"""The hybrid logical clock: one int that orders like (time, counter) and never runs backwards."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sync import hlc

ms = st.integers(min_value=0, max_value=2**46)
clocks = st.integers(min_value=0, max_value=2**62)


def test_pack_orders_like_time_then_counter() -> None:
    assert hlc.pack(1000, 5) < hlc.pack(1000, 6) < hlc.pack(1001, 0)
    assert hlc.unpack(hlc.pack(1_700_000_000_000, 42)) == (1_700_000_000_000, 42)


def test_pack_refuses_counter_overflow() -> None:
    import pytest

    with pytest.raises(ValueError):
        hlc.pack(1, 1 << 16)


def test_send_follows_wall_time_or_counts_up() -> None:
    assert hlc.send(0, 5000) == hlc.pack(5000)
    assert hlc.send(hlc.pack(5000), 5000) == hlc.pack(5000, 1)
    # Wall clock went backwards: the clock keeps counting from its last value.
    assert hlc.send(hlc.pack(9000, 3), 5000) == hlc.pack(9000, 4)


def test_same_rule_as_the_device_sql() -> None:
    """UPDATE hlc_state SET value = max(value + 1, now_ms * 65536)."""
    import sqlite3

    conn = sqlite3.connect(":memory:")
    for last, now in [(0, 1234), (hlc.pack(5000, 7), 4000), (hlc.pack(5000, 7), 6000)]:
        (sql,) = conn.execute("SELECT max(? + 1, ? * 65536)", (last, now)).fetchone()
        assert sql == hlc.send(last, now)


@given(clocks, st.lists(ms, min_size=1, max_size=30))
def test_send_is_strictly_increasing(start: int, times: list[int]) -> None:
    last = start
    for t in times:
        nxt = hlc.send(last, t)
        assert nxt > last and hlc.physical_ms(nxt) >= t
        last = nxt


@given(clocks, clocks, ms)
def test_receive_is_after_both(last: int, remote: int, now: int) -> None:
    got = hlc.receive(last, remote, now)
    assert got > last and got > remote and hlc.physical_ms(got) >= now


def test_too_far_ahead_is_five_minutes() -> None:
    now = 1_700_000_000_000
    assert not hlc.too_far_ahead(hlc.pack(now + 5 * 60 * 1000), now)
    assert hlc.too_far_ahead(hlc.pack(now + 5 * 60 * 1000 + 1), now)
    assert hlc.too_far_ahead(hlc.pack(now + 24 * 3600 * 1000), now)
