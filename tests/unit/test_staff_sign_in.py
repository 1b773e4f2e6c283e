"""Staff sign-in throttling on a real SQLite database, with time moved instead of waited for."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from sync.server import admin, db, staff

PASSWORD = "correct horse battery"
T0 = 1_800_000_000_000


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    db.migrate(engine)
    admin.add_town(engine, "T1", "虎门镇")
    staff.add_staff(engine, "王", "centre", PASSWORD, T0, town="T1")
    return engine


def test_five_failures_lock_the_name_for_a_doubling_while_and_a_success_clears_it(engine: Engine) -> None:
    for _ in range(4):
        assert staff.sign_in(engine, "王", "wrong", T0) == staff.SignIn(False, 0)
    assert staff.sign_in(engine, "王", "wrong", T0) == staff.SignIn(False, staff.LOCK_MS)
    # Locked: even the right password is not checked until the lock ends.
    assert staff.sign_in(engine, "王", PASSWORD, T0 + staff.LOCK_MS - 1) == staff.SignIn(False, 1)
    later = T0 + staff.LOCK_MS
    assert staff.sign_in(engine, "王", "wrong", later) == staff.SignIn(False, 2 * staff.LOCK_MS)
    much_later = later + 2 * staff.LOCK_MS
    assert staff.sign_in(engine, "王", PASSWORD, much_later).ok
    assert staff.sign_in(engine, "王", "wrong", much_later) == staff.SignIn(False, 0)  # counting anew


def test_the_lock_is_capped_and_unknown_names_are_counted_too(engine: Engine) -> None:
    now = T0
    result = staff.SignIn(False)
    for _ in range(20):
        result = staff.sign_in(engine, "nobody", PASSWORD, now)
        now += result.retry_after_ms
    assert result == staff.SignIn(False, staff.MAX_LOCK_MS)


def test_a_department_user_acts_in_its_organisations_town(engine: Engine) -> None:
    staff.add_org(engine, "消防救援", "T1")
    staff.add_staff(engine, "张", "department", PASSWORD, T0, org="消防救援")
    actor = staff.actor_of(engine, "张")
    assert actor is not None and (actor.role.value, actor.org, actor.town) == ("department", "消防救援", "T1")
    assert staff.actor_of(engine, "nobody") is None
