"""Privacy lock: appears after idle time, covers the window, opens only with the right PIN."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from gridpad.ui.lock import IdleLock, hash_pin, pin_problem, verify_pin

# The offscreen platform says this whenever a top-level window is shown.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _window(qtbot) -> tuple[QWidget, QLineEdit]:
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
    assert pin_problem("12", "12") is not None
    assert pin_problem("12ab", "12ab") is not None
    assert pin_problem("1234", "1235") is not None
    assert pin_problem("1234", "1234") is None


def test_lock_appears_after_idle_and_unlocks_with_right_pin_only(qtbot) -> None:
    win, field = _window(qtbot)
    lock = IdleLock(win, idle_ms=300, check_ms=50)
    lock.set_pin_hash(hash_pin("2468"))
    qtbot.waitUntil(lambda: lock.locked, timeout=3000)
    overlay = lock.overlay
    assert overlay.geometry() == win.rect()  # covers everything, personal data included
    assert overlay.isVisible()

    # Typing aimed at the form behind the cover is swallowed.
    qtbot.keyClicks(field, "x")
    assert field.text() == "441900198701011238"

    qtbot.keyClicks(overlay.pin_edit, "1111")
    qtbot.mouseClick(overlay.unlock_button, Qt.MouseButton.LeftButton)
    assert lock.locked
    assert overlay.message.text()  # says the PIN was wrong

    qtbot.keyClicks(overlay.pin_edit, "2468")
    qtbot.keyClick(overlay.pin_edit, Qt.Key.Key_Return)
    assert not lock.locked
    lock.shutdown()


def test_activity_postpones_the_lock_and_no_pin_means_no_lock(qtbot) -> None:
    win, field = _window(qtbot)
    lock = IdleLock(win, idle_ms=1500, check_ms=50)
    qtbot.wait(1700)
    assert not lock.locked  # no PIN set: nothing to lock with
    lock.set_pin_hash(hash_pin("2468"))
    for _ in range(10):  # keep typing for longer than the idle time (2.5 s > 1.5 s)
        qtbot.wait(250)
        qtbot.keyClick(field, Qt.Key.Key_End)
        assert not lock.locked
    qtbot.waitUntil(lambda: lock.locked, timeout=3000)
    lock.shutdown()
