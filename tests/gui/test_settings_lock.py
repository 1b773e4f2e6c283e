"""Privacy lock: covers the window from start-up when a PIN is set and after idle time, opens only
with the right PIN, makes wrong PINs wait longer and longer (across restarts) and then needs an
unlock code; wrong PINs never touch the data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot
from support.clocks import ManualClock
from sync_ui_support import TestContext, close_ctx, make_ctx

from gridpad.app.lock_settings import set_pin
from gridpad.config import db_path
from gridpad.core.pin_hash import hash_pin, verify_pin
from gridpad.store.db import open_store
from gridpad.ui.lock import IdleLock, pin_problem
from gridpad.ui.lock_overlay import LockOverlay, Mode

# The offscreen platform says this whenever a top-level window is shown.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

PIN = "2468"


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


def save_pin(data_dir: Path, pin: str = PIN) -> None:
    store = open_store(db_path(data_dir))
    try:
        set_pin(store, pin, pin, 5)
    finally:
        store.close()


class Tablet:
    """The app's services on a data dir with a window attached, as at start-up; clocks the test moves."""

    def __init__(self, qtbot: QtBot, data_dir: Path, clock: ManualClock) -> None:
        self.ctx: TestContext = make_ctx(data_dir)
        self.lock: IdleLock = self.ctx.lock
        self.lock.clock = clock.seconds
        self.lock.wall_clock = clock.seconds
        self.win, self.field = _window(qtbot)
        self.lock.attach(self.win)
        qtbot.waitUntil(lambda: self.lock.ready, timeout=10_000)
        self.qtbot = qtbot

    @property
    def overlay(self) -> LockOverlay:
        assert self.lock.overlay is not None
        return self.lock.overlay

    def mode(self) -> Mode:
        """What the lock screen asks for now."""
        return self.overlay.mode

    def enter(self, edit: QLineEdit, text: str) -> None:
        """Type ``text`` with key events and press Enter; wait for the answer."""
        self.qtbot.keyClicks(edit, text)
        with self.qtbot.waitSignal(self.lock.answered, timeout=10_000):
            self.qtbot.keyClick(edit, Qt.Key.Key_Return)

    def close(self) -> None:
        close_ctx(self.ctx)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def tablet_factory(qtbot: QtBot, clock: ManualClock) -> Iterator[list[Tablet]]:
    made: list[Tablet] = []
    yield made
    for t in made:
        t.close()


def start(made: list[Tablet], qtbot: QtBot, data_dir: Path, clock: ManualClock) -> Tablet:
    t = Tablet(qtbot, data_dir, clock)
    made.append(t)
    return t


def test_pin_hash_is_salted_and_verifies_only_the_right_pin() -> None:
    h1, h2 = hash_pin(PIN), hash_pin(PIN)
    assert h1 != h2 and PIN not in h1
    assert verify_pin(PIN, h1)
    assert not verify_pin("2469", h1)
    assert not verify_pin(PIN, "garbage")


@pytest.mark.parametrize(("pin", "message"), [
    ("12", "PIN: use at least 4 digits."),
    ("12ab", "PIN: use at least 4 digits."),
    ("1111", "PIN: one digit repeated is too easy to guess. Choose another."),
    ("000000", "PIN: one digit repeated is too easy to guess. Choose another."),
    ("888888", "PIN: one digit repeated is too easy to guess. Choose another."),
    ("1234", "PIN: digits in a row (like 1234 or 4321) are too easy to guess. Choose another."),
    ("4321", "PIN: digits in a row (like 1234 or 4321) are too easy to guess. Choose another."),
    ("0123", "PIN: digits in a row (like 1234 or 4321) are too easy to guess. Choose another."),
    ("123456", "PIN: digits in a row (like 1234 or 4321) are too easy to guess. Choose another."),
    ("987654", "PIN: digits in a row (like 1234 or 4321) are too easy to guess. Choose another."),
    ("1212", "PIN: this is one of the most common PINs. Choose another."),
    ("123123", "PIN: this is one of the most common PINs. Choose another."),
    ("520520", "PIN: this is one of the most common PINs. Choose another."),
])
def test_new_pin_rules_name_the_problem(pin: str, message: str) -> None:
    assert pin_problem(pin, pin) == message


def test_a_good_pin_typed_twice_passes() -> None:
    assert pin_problem("2468", "2469") == "PIN: the two entries differ."
    assert pin_problem("2468", "2468") is None
    assert pin_problem("739105", "739105") is None


def test_locked_from_start_then_after_idle_and_opens_with_the_right_pin_only(
        qtbot: QtBot, tmp_path: Path, clock: ManualClock, tablet_factory: list[Tablet]) -> None:
    save_pin(tmp_path)
    t = start(tablet_factory, qtbot, tmp_path, clock)
    assert t.lock.locked and t.mode() is Mode.PIN  # a restart does not skip the lock
    assert t.overlay.geometry() == t.win.rect()  # covers everything, personal data included

    # Typing aimed at the form behind the cover is swallowed.
    qtbot.keyClicks(t.field, "x")
    assert t.field.text() == "441900198701011238"

    with qtbot.assertNotEmitted(t.overlay.unlocked):
        t.enter(t.overlay.pin_edit, "1357")
    assert t.lock.locked
    assert t.overlay.message.text() == "Wrong PIN. Try again."
    assert t.overlay.pin_edit.text() == ""  # the wrong PIN is not left in the field

    with qtbot.waitSignal(t.overlay.unlocked, timeout=1000):
        t.enter(t.overlay.pin_edit, PIN)
    assert not t.lock.locked

    t.lock.set_idle_ms(5 * 60_000)
    clock.advance(5 * 60_000 - 1)
    assert not t.lock.check_idle() and not t.lock.locked  # a moment short of five minutes
    with qtbot.waitSignal(t.lock.locked_changed, timeout=3000, check_params_cb=lambda locked: locked):
        clock.advance(1)  # the timer looks and locks
    assert t.mode() is Mode.PIN
    with qtbot.waitSignal(t.overlay.unlocked, timeout=1000):
        t.enter(t.overlay.pin_edit, PIN)


def test_activity_postpones_the_lock_and_no_pin_means_no_lock(
        qtbot: QtBot, tmp_path: Path, clock: ManualClock, tablet_factory: list[Tablet]) -> None:
    t = start(tablet_factory, qtbot, tmp_path, clock)
    lock = t.lock
    assert not lock.locked  # no PIN: the cover of the start-up is gone
    lock.set_idle_ms(60_000)
    with qtbot.assertNotEmitted(lock.locked_changed, wait=200):  # the timer looks a few times
        clock.advance(3_600_000)
        assert not lock.check_idle()  # no PIN set: nothing to lock with
    assert not lock.locked
    lock.set_pin_hash(hash_pin(PIN))
    with qtbot.assertNotEmitted(lock.locked_changed):
        for _ in range(10):  # keep typing for longer than the idle time (250 s > 60 s)
            clock.advance(25_000)
            qtbot.keyClick(t.field, Qt.Key.Key_End)
            assert not lock.check_idle()
    assert not lock.locked
    clock.advance(59_999)
    assert not lock.check_idle()
    with qtbot.waitSignal(lock.locked_changed, timeout=3000, check_params_cb=lambda locked: locked):
        clock.advance(1)


def test_wrong_pins_wait_longer_and_longer_even_across_restarts_then_lock_out(
        qtbot: QtBot, tmp_path: Path, clock: ManualClock, tablet_factory: list[Tablet]) -> None:
    save_pin(tmp_path)
    t = start(tablet_factory, qtbot, tmp_path, clock)
    for _ in range(3):  # typos are answered at once
        t.enter(t.overlay.pin_edit, "1357")
        assert t.overlay.pin_edit.isEnabled() and t.overlay.wait_label.text() == ""
    t.enter(t.overlay.pin_edit, "1357")  # the 4th wrong PIN in a row: 30 s
    assert t.overlay.message.text() == (
        "Wrong PIN. After 6 more wrong PINs the tablet stays locked until IT gives an unlock code.")
    assert t.overlay.wait_label.text() == "Try again in 0:30."
    assert not t.overlay.pin_edit.isEnabled() and not t.overlay.unlock_button.isEnabled()
    clock.advance(29_000)
    t.lock.tick()
    assert t.overlay.wait_label.text() == "Try again in 0:01."

    # Quitting does not reset the count or the wait: the next start is still waiting.
    t.close()
    tablet_factory.remove(t)
    t = start(tablet_factory, qtbot, tmp_path, clock)
    assert t.lock.locked and t.mode() is Mode.PIN
    assert t.overlay.wait_label.text() == "Try again in 0:01."
    assert not t.overlay.pin_edit.isEnabled()
    clock.advance(1000)
    t.lock.tick()
    assert t.overlay.pin_edit.isEnabled() and t.overlay.wait_label.text() == ""

    waits = []
    for _ in range(5):  # wrong PINs 5 to 9: each waits longer
        t.enter(t.overlay.pin_edit, "1357")
        waits.append(t.overlay.wait_label.text())
        assert t.lock.status is not None
        clock.advance(int(t.lock.status.state.wait_s(clock.seconds()) * 1000))
        t.lock.tick()
    assert waits == ["Try again in 1:00.", "Try again in 5:00.", "Try again in 15:00.",
                     "Try again in 30:00.", "Try again in 1:00:00."]
    t.enter(t.overlay.pin_edit, PIN + "0")  # the 10th wrong PIN: locked out
    assert t.mode() is Mode.CODE
    assert t.overlay.title.text() == "Too many wrong PINs"
    assert t.overlay.code_edit.isVisible() and not t.overlay.pin_edit.isVisible()
    assert t.lock.status is not None and t.lock.status.device_id in t.overlay.device.text()

    # Even the right PIN does not open it now, and a restart keeps it locked out.
    t.close()
    tablet_factory.remove(t)
    t = start(tablet_factory, qtbot, tmp_path, clock)
    assert t.lock.locked and t.mode() is Mode.CODE


def test_trivial_pins_are_refused_in_settings_with_the_rule(
        qtbot: QtBot, tmp_path: Path, clock: ManualClock, tablet_factory: list[Tablet]) -> None:
    from gridpad.ui.settings_screen import SettingsScreen

    t = start(tablet_factory, qtbot, tmp_path, clock)
    settings = SettingsScreen(t.ctx)
    qtbot.addWidget(settings)
    settings.show()
    for pin, rule in (("1234", "digits in a row"), ("0000", "one digit repeated"),
                      ("123123", "most common PINs")):
        settings.pin_edit.clear()
        settings.pin_repeat.clear()
        qtbot.keyClicks(settings.pin_edit, pin)
        qtbot.keyClicks(settings.pin_repeat, pin)
        qtbot.mouseClick(settings.save_pin_button, Qt.MouseButton.LeftButton)
        assert rule in settings.pin_message.text() and settings.pin_message.text().startswith("PIN: ")
        assert settings.pin_edit.text() == pin  # kept for correcting
    qtbot.waitUntil(lambda: t.ctx.db.pending == 0, timeout=5000)
    assert t.lock.pin_hash is None and settings.info is not None
    assert settings.info.lock.pin_hash is None  # nothing was saved
    settings.pin_edit.clear()
    settings.pin_repeat.clear()
    qtbot.keyClicks(settings.pin_edit, "739105")
    qtbot.keyClicks(settings.pin_repeat, "739105")
    qtbot.mouseClick(settings.save_pin_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: t.lock.pin_hash is not None, timeout=5000)
    assert settings.pin_message.text() == ""


def test_the_remove_pin_button_says_delete_in_chinese(qtbot: QtBot, tmp_path: Path) -> None:
    from gridpad.ui.settings_screen import SettingsScreen

    ctx = make_ctx(tmp_path, "zh_CN")
    try:
        settings = SettingsScreen(ctx)
        qtbot.addWidget(settings)
        assert settings.remove_pin_button.text() == "删除 PIN"  # not 取消 (cancel)
    finally:
        close_ctx(ctx)


def test_the_main_window_is_covered_from_its_first_frame(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QApplication
    from registry_support import close_window, seed_small

    from gridpad.ui.app import make_context
    from gridpad.ui.main_window import MainWindow

    seed_small(tmp_path)
    save_pin(tmp_path)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    ctx = make_context(app, tmp_path, "en")  # as `gridpad` starts
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    try:
        overlay = ctx.lock.overlay
        assert overlay is not None
        # Shown before the store has answered whether a PIN is set: no frame shows the data.
        assert not ctx.lock.ready and ctx.lock.locked and overlay.geometry() == window.rect()
        qtbot.waitUntil(lambda: ctx.lock.ready and ctx.db.pending == 0, timeout=10_000)
        assert ctx.lock.locked and overlay.mode is Mode.PIN  # the PIN screen, not Today
        assert overlay.title.text() == "GridPad is locked"
    finally:
        close_window(window)
