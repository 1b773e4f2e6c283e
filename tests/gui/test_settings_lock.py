"""Privacy lock: appears after idle time, covers the window, opens only with the right PIN."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot
from support.clocks import ManualClock

from gridpad.ui.lock import IdleLock, hash_pin, pin_problem, verify_pin

# The offscreen platform says this whenever a top-level window is shown.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _window(qtbot: QtBot) -> tuple[QWidget, QLineEdit]:
    win = QWidget()
    qtbot.addWidget(win)
    lay = QVBoxLayout(win)
    field = QLineEdit("441900198701011238", win)  # stands for personal data on screen
    lay.addWidget(field)
    win.resize(800, 600)
    win.show()
    qtbot.waitExposed(win)
    return win, field


def test_pin_hash_is_salted_and_verifies_only_the_right_pin() -> None:
    h1, h2 = hash_pin("2468"), hash_pin("2468")
    assert h1 != h2 and "2468" not in h1
    assert verify_pin("2468", h1)
    assert not verify_pin("2469", h1)
    assert not verify_pin("2468", "garbage")


def test_new_pin_rules_name_the_problem() -> None:
    assert pin_problem("12", "12") == "PIN: use at least 4 digits."
    assert pin_problem("12ab", "12ab") == "PIN: use at least 4 digits."
    assert pin_problem("1234", "1235") == "PIN: the two entries differ."
    assert pin_problem("1234", "1234") is None


def test_lock_appears_after_idle_and_unlocks_with_right_pin_only(qtbot: QtBot) -> None:
    win, field = _window(qtbot)
    clock = ManualClock()
    lock = IdleLock(win, idle_ms=5 * 60_000, check_ms=50, clock=clock.seconds)
    lock.set_pin_hash(hash_pin("2468"))
    clock.advance(5 * 60_000 - 1)
    assert not lock.check_idle() and not lock.locked  # a moment short of five minutes
    with qtbot.waitSignal(lock.locked_changed, timeout=3000, check_params_cb=lambda locked: locked):
        clock.advance(1)  # the timer looks and locks
    overlay = lock.overlay
    assert overlay is not None
    assert overlay.geometry() == win.rect()  # covers everything, personal data included
    assert overlay.isVisible()

    # Typing aimed at the form behind the cover is swallowed.
    qtbot.keyClicks(field, "x")
    assert field.text() == "441900198701011238"

    with qtbot.assertNotEmitted(overlay.unlocked), qtbot.assertNotEmitted(lock.locked_changed):
        qtbot.keyClicks(overlay.pin_edit, "1111")
        qtbot.mouseClick(overlay.unlock_button, Qt.MouseButton.LeftButton)
    assert lock.locked
    assert overlay.message.text() == "Wrong PIN. Try again."
    assert overlay.pin_edit.text() == ""  # the wrong PIN is not left in the field

    with qtbot.waitSignal(overlay.unlocked, timeout=1000):
        qtbot.keyClicks(overlay.pin_edit, "2468")
        qtbot.keyClick(overlay.pin_edit, Qt.Key.Key_Return)
    assert not lock.locked
    lock.shutdown()


def test_activity_postpones_the_lock_and_no_pin_means_no_lock(qtbot: QtBot) -> None:
    win, field = _window(qtbot)
    clock = ManualClock()
    lock = IdleLock(win, idle_ms=60_000, check_ms=50, clock=clock.seconds)
    with qtbot.assertNotEmitted(lock.locked_changed, wait=200):  # the timer looks a few times
        clock.advance(3_600_000)
        assert not lock.check_idle()  # no PIN set: nothing to lock with
    assert not lock.locked
    lock.set_pin_hash(hash_pin("2468"))
    with qtbot.assertNotEmitted(lock.locked_changed):
        for _ in range(10):  # keep typing for longer than the idle time (250 s > 60 s)
            clock.advance(25_000)
            qtbot.keyClick(field, Qt.Key.Key_End)
            assert not lock.check_idle()
    assert not lock.locked
    clock.advance(59_999)
    assert not lock.check_idle()
    with qtbot.waitSignal(lock.locked_changed, timeout=3000, check_params_cb=lambda locked: locked):
        clock.advance(1)
    lock.shutdown()
