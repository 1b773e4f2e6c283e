"""Privacy lock: the PIN screen covers the window from the first frame after a start (until the
app knows there is no PIN, or the PIN is entered) and after N idle minutes, hiding personal data.

The PIN is set in Settings and kept only as a scrypt hash; each try is checked and counted by
``gridpad.app.pin_lock`` on the DB worker (growing waits, a lockout that only an unlock code from
IT ends; see docs/pin-lock.md). Idle time is measured by an event filter on the application: any
key, tap, click or wheel counts as activity.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from gridpad.core.pin_rules import MIN_PIN_LENGTH as MIN_PIN_LENGTH
from gridpad.core.pin_rules import pin_problem as _pin_rule
from gridpad.ui.i18n import tr
from gridpad.ui.lock_overlay import LockOverlay, Mode, pin_problem_text

if TYPE_CHECKING:
    from gridpad.app.lock_settings import LockSettings
    from gridpad.app.pin_lock import Attempt, LockStatus
    from gridpad.ui.db_worker import DbClient

# Same as gridpad.app.lock_settings.DEFAULT_IDLE_MINUTES (that module imports the store; this one
# is imported at start-up). tests/gui/test_settings_screen.py checks they agree.
DEFAULT_IDLE_MINUTES = 5


def pin_problem(pin: str, repeat: str) -> str | None:
    """Why a new PIN cannot be used (translated), or None (the rules: gridpad.core.pin_rules)."""
    problem = _pin_rule(pin, repeat)
    return None if problem is None else pin_problem_text(problem)


_ACTIVITY = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TabletPress, QEvent.Type.InputMethod,
}
_INPUT = {QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.Shortcut, QEvent.Type.ShortcutOverride,
          QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
          QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.InputMethod}


class IdleLock(QObject):
    """Watches the application for input; locks the attached window after ``idle_ms`` without any,
    and covers it from the moment it is attached until the app has read the lock's state at start
    (:meth:`start`): with a PIN set it stays locked, else it opens.

    One per app, made by ``make_context`` before there is a window and bound to the DB worker by
    ``start_services``; the main window attaches itself (:meth:`attach`). While locked (or still
    starting), input aimed at anything but the overlay is swallowed, so Tab cannot reach a hidden
    form behind it.

    Idle time is read from ``clock`` (monotonic seconds), waits after wrong PINs from
    ``wall_clock`` (seconds since the epoch: they outlive a restart); the timers only decide how
    often to look, so a test moves the clocks instead of waiting.
    """

    locked_changed = Signal(bool)
    # A try was answered (the app's ``Attempt``): tests and the first-paint report wait on it.
    answered = Signal(object)

    def __init__(self, window: QWidget | None = None, *, idle_ms: int = DEFAULT_IDLE_MINUTES * 60_000,
                 check_ms: int = 1000, clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], float] = time.time, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window: QWidget | None = None
        self.overlay: LockOverlay | None = None
        self.idle_ms = idle_ms
        self.pin_hash: str | None = None
        self.status: LockStatus | None = None
        # False until the start-up read answered (or failed): the window stays covered.
        self.ready = False
        self._broken: str | None = None
        self._db: DbClient | None = None
        self._busy = False
        self._clock = clock
        self.wall_clock = wall_clock
        self._last_activity = clock()
        self._timer = QTimer(self)
        self._timer.setInterval(min(check_ms, max(50, idle_ms // 4)))
        self._timer.timeout.connect(self.check_idle)
        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(1000)
        self._tick_timer.timeout.connect(self.tick)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()
        if window is not None:
            self.attach(window)

    def bind(self, db: DbClient) -> None:
        """Check tries on ``db``'s worker (start_services does this)."""
        self._db = db

    def attach(self, window: QWidget) -> None:
        """Cover ``window`` when locking (its overlay is made now, shown at once until the
        start-up read says there is no PIN)."""
        self._window = window
        self.overlay = LockOverlay(window)
        self.overlay.pin_entered.connect(self._try_pin)
        self.overlay.code_entered.connect(self._try_code)
        self.overlay.new_pin_entered.connect(self._choose_pin)
        if self._broken is not None:
            self.overlay.broken(self._broken)
        elif not self.ready:
            self.overlay.cover(Mode.STARTING)
        elif self.status is not None and self.status.has_pin:
            self._cover()

    @property
    def attached(self) -> bool:
        """A window to cover is attached and alive (the lock outlives windows closed in tests;
        no ``destroyed`` hook: PySide crashes calling back into a lock deleted first)."""
        return self.overlay is not None and shiboken6.isValid(self.overlay)

    @property
    def locked(self) -> bool:
        return self.attached and self.overlay is not None and self.overlay.isVisible()

    # -- state from the store --------------------------------------------------------------------
    def start(self, settings: LockSettings, status: LockStatus) -> None:
        """What the app read at start-up: with a PIN the window stays locked, else it opens."""
        self.ready = True
        self.status = status
        self.apply(settings)
        if not self.attached or self.overlay is None:
            return
        if status.has_pin:
            self._cover()
        elif self.overlay.isVisible():
            self.overlay.hide()

    def start_failed(self, reason: str) -> None:
        """The lock's state could not be read: stay covered and say so (never open unasked)."""
        self.ready = True
        self._broken = reason
        if self.attached and self.overlay is not None:
            self.overlay.broken(reason)

    def apply(self, settings: LockSettings) -> None:
        """The saved PIN hash and idle time (read on the DB worker)."""
        self.set_pin_hash(settings.pin_hash)
        self.set_idle_ms(settings.idle_ms)
        if self._db is not None and self.ready:
            from gridpad.app.pin_lock import lock_status

            self._db.call(lock_status, on_done=self._set_status, owner=self)

    def _set_status(self, status: LockStatus) -> None:
        self.status = status

    @property
    def clock(self) -> Callable[[], float]:
        return self._clock

    @clock.setter
    def clock(self, clock: Callable[[], float]) -> None:
        """Swap the clock (of a lock built elsewhere); idle time restarts on the new one."""
        self._clock = clock
        self.touch()

    def set_pin_hash(self, pin_hash: str | None) -> None:
        self.pin_hash = pin_hash or None
        self.touch()

    def set_idle_ms(self, idle_ms: int) -> None:
        self.idle_ms = idle_ms
        self._timer.setInterval(min(1000, max(50, idle_ms // 4)))
        self.touch()

    def touch(self) -> None:
        self._last_activity = self._clock()

    # -- locking ---------------------------------------------------------------------------------
    def _cover(self) -> None:
        if self.overlay is None:
            return
        state = self.status.state if self.status is not None else None
        mode = Mode.PIN
        if state is not None and state.new_pin_needed:
            mode = Mode.NEW_PIN
        elif state is not None and state.locked_out:
            mode = Mode.CODE
        was_locked = self.locked
        self.overlay.cover(mode, self.status)
        self.tick()
        self._tick_timer.start()
        if not was_locked:
            self.locked_changed.emit(True)

    def lock_now(self) -> bool:
        if not self.pin_hash or self.locked or not self.attached or self.overlay is None:
            return False
        self._cover()
        return True

    def check_idle(self) -> bool:
        """Lock if the window has been idle for ``idle_ms`` (the timer calls this); True if it locked."""
        if (self._clock() - self._last_activity) * 1000 >= self.idle_ms:
            return self.lock_now()
        return False

    def tick(self) -> None:
        """Bring the countdown of a running wait up to date (a timer calls this every second)."""
        if not self.locked or self.overlay is None or self.status is None:
            self._tick_timer.stop()
            return
        wait = self.status.state.wait_s(self.wall_clock())
        self.overlay.show_wait(wait)
        if self._busy:
            self.overlay.set_busy(True)

    # -- tries (checked and counted on the DB worker) --------------------------------------------
    def _ask(self, fn: Callable[..., Attempt], *args: Any) -> None:
        if self._busy or self._db is None or self.overlay is None:
            return
        self._busy = True
        self.overlay.set_busy(True)
        self._db.call(fn, *args, on_done=self._answer, on_error=self._failed, owner=self.overlay)

    def _try_pin(self, pin: str) -> None:
        from gridpad.app.pin_lock import try_pin

        self._ask(try_pin, pin, self.wall_clock())

    def _try_code(self, code: str) -> None:
        from gridpad.app.pin_lock import try_unlock_code

        self._ask(try_unlock_code, code, self.wall_clock())

    def _choose_pin(self, pin: str, repeat: str) -> None:
        from gridpad.app.pin_lock import choose_new_pin

        self._ask(choose_new_pin, pin, repeat)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        if self.overlay is not None:
            self.overlay.set_busy(False)
            name = type(exc).__name__
            self.overlay.say(lambda: tr("The PIN could not be checked ({0}). Try again.").format(name))

    def _answer(self, attempt: Attempt) -> None:
        from gridpad.app.pin_lock import Outcome

        self._busy = False
        self.status = attempt.status
        overlay = self.overlay
        if overlay is None:
            return
        overlay.set_busy(False)
        outcome = attempt.outcome
        if outcome is Outcome.OPEN:
            self._tick_timer.stop()
            overlay.open()
            self.touch()
            self.locked_changed.emit(False)
        elif outcome is Outcome.CODE_OK:
            overlay.cover(Mode.NEW_PIN, attempt.status)
        elif outcome is Outcome.REFUSED and attempt.problem is not None:
            overlay.new_pin.clear()
            overlay.new_pin_repeat.clear()
            overlay.new_pin.setFocus()
            problem = attempt.problem
            overlay.say(lambda: pin_problem_text(problem))
        elif outcome is Outcome.NO_KEYS:
            overlay.say(lambda: tr("This tablet is not enrolled, or the keyring does not hold its keys, so "
                                   "no unlock code can be checked here. Call IT."))
        elif outcome is Outcome.WRONG and overlay.mode == Mode.CODE:
            overlay.code_edit.clear()
            overlay.say(lambda: tr("Wrong unlock code. Check it with IT and type it again."))
        elif outcome is Outcome.WRONG and not attempt.status.state.locked_out:
            overlay.wrong_pin(attempt.status)
        elif outcome is not Outcome.WAIT:  # the last wrong PIN, or a state moved on meanwhile
            self._cover()
        self.tick()
        if self.locked:
            self._tick_timer.start()
        self.answered.emit(attempt)

    # -- input while locked ----------------------------------------------------------------------
    def _inside_overlay(self, obj: QObject) -> bool:
        o: QObject | None = obj
        while o is not None:
            if o is self.overlay:
                return True
            o = o.parent()
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _ACTIVITY:
            self._last_activity = self._clock()
        # While locked, swallow input aimed anywhere in the window but the overlay.
        return (kind in _INPUT and self.locked and isinstance(watched, QWidget)
                and watched.window() is self._window and not self._inside_overlay(watched))

    def shutdown(self) -> None:
        self._timer.stop()
        self._tick_timer.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
