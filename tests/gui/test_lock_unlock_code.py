"""A tablet locked out by wrong PINs opens with an unlock code that a real ``gridpad-server admin
unlock-code`` issued (checked offline, good once), then takes a new PIN; wrong PINs leave the data
and the unsynced edits alone, and the command line works without the PIN."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from registry_support import seed_small
from support.cli import gridpad
from support.clocks import ManualClock
from support.live_server import ServerProcess
from test_settings_lock import PIN, Tablet, save_pin, start

from gridpad.config import db_path
from gridpad.core.pin_backoff import LOCKOUT_AFTER
from gridpad.store.db import open_store
from gridpad.sync_client.enroll import enroll
from gridpad.ui.lock_overlay import Mode

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def made(qtbot: QtBot) -> Iterator[list[Tablet]]:
    tablets: list[Tablet] = []
    yield tablets
    for t in tablets:
        t.close()


def lock_out(t: Tablet, clock: ManualClock) -> None:
    """Wrong PINs until the lockout, waiting out each delay on the test's clock."""
    for _ in range(LOCKOUT_AFTER):
        t.enter(t.overlay.pin_edit, "1357")
        assert t.lock.status is not None
        clock.advance(int(t.lock.status.state.wait_s(clock.seconds()) * 1000) + 1000)
        t.lock.tick()
    assert t.mode() is Mode.CODE


def _snapshot(data_dir: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    conn = sqlite3.connect(db_path(data_dir))
    try:
        people = conn.execute("SELECT id, name, id_number, phone FROM person ORDER BY id").fetchall()
        outbox = conn.execute("SELECT * FROM outbox ORDER BY change_id").fetchall()
    finally:
        conn.close()
    return people, outbox


def test_wrong_pins_keep_the_data_and_the_outbox_and_the_cli_works_without_the_pin(
        qtbot: QtBot, tmp_path: Path, made: list[Tablet]) -> None:
    seed_small(tmp_path)  # residents, and their edits waiting in the outbox (never synced)
    save_pin(tmp_path)
    before = _snapshot(tmp_path)
    assert before[0] and before[1]
    clock = ManualClock()
    t = start(made, qtbot, tmp_path, clock)
    lock_out(t, clock)
    assert _snapshot(tmp_path) == before  # nothing wiped, nothing queued
    # The logged-in OS user's command line is not behind the PIN.
    found = gridpad(tmp_path, "search", "张伟")
    assert found.returncode == 0, found.stderr
    assert '"张伟"' in found.stdout or "张" in found.stdout


def test_an_unlock_code_from_the_server_opens_once_and_a_new_pin_is_chosen(
        qtbot: QtBot, tmp_path: Path, made: list[Tablet]) -> None:
    server = ServerProcess(tmp_path / "server").start()
    try:
        scope = server.new_scope()
        data = tmp_path / "tablet"
        data.mkdir()
        store = open_store(db_path(data))
        try:
            device_id = enroll(store, server.url, scope.code).device_id
        finally:
            store.close()
        save_pin(data)
        clock = ManualClock()
        t = start(made, qtbot, data, clock)
        lock_out(t, clock)
        assert device_id in t.overlay.device.text()  # what the user reads out to IT

        # A wrong code is refused and waits like a wrong PIN, never unlocks.
        t.enter(t.overlay.code_edit, "12345678")
        assert t.mode() is Mode.CODE
        assert t.overlay.message.text() == "Wrong unlock code. Check it with IT and type it again."

        issued = server.admin_cli("unlock-code", "--device", device_id)
        code = issued.stdout.strip().splitlines()[-1]
        assert len(code.replace(" ", "")) == 8, issued.stdout
        assert code not in server.log_tail()  # the server never logs a code
        audit = server.admin_cli("audit", "--device", device_id).stdout
        assert "unlock-code" in audit and "counter 1" in audit and code.replace(" ", "") not in audit

        t.enter(t.overlay.code_edit, code)  # typed as read out, with its space
        assert t.mode() is Mode.NEW_PIN
        # The new PIN keeps the rules: a trivial one is refused with the rule named.
        t.qtbot.keyClicks(t.overlay.new_pin, "1111")
        t.enter(t.overlay.new_pin_repeat, "1111")
        assert t.mode() is Mode.NEW_PIN and t.lock.locked
        assert t.overlay.message.text() == "PIN: one digit repeated is too easy to guess. Choose another."
        t.qtbot.keyClicks(t.overlay.new_pin, "739105")
        with qtbot.waitSignal(t.overlay.unlocked, timeout=10_000):
            t.enter(t.overlay.new_pin_repeat, "739105")
        assert not t.lock.locked

        # The new PIN opens the next lock, the old one does not; the used code works no more.
        assert t.lock.lock_now()
        t.enter(t.overlay.pin_edit, PIN)
        assert t.lock.locked and t.overlay.message.text() == "Wrong PIN. Try again."
        with qtbot.waitSignal(t.overlay.unlocked, timeout=10_000):
            t.enter(t.overlay.pin_edit, "739105")
        assert t.lock.lock_now()
        lock_out(t, clock)
        t.enter(t.overlay.code_edit, code)
        assert t.mode() is Mode.CODE and t.lock.locked  # a code works once
        second = server.admin_cli("unlock-code", "--device", device_id).stdout.strip().splitlines()[-1]
        assert second != code
        t.enter(t.overlay.code_edit, second)
        assert t.mode() is Mode.NEW_PIN
    finally:
        server.stop()


def test_unlock_code_for_an_unknown_device_says_so(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "server")  # admin commands need no running server
    done = server.admin_cli("unlock-code", "--device", "no-such-device", check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == "gridpad-server: no device no-such-device (admin devices lists them)"
