"""Privacy lock: after N idle minutes a PIN screen covers the window, hiding personal data.

The PIN is set in Settings and kept only as a scrypt hash (``gridpad.app.lock_settings``, through
the DB worker). Idle time is measured by an event filter on the
application: any key, tap, click or wheel counts as activity.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from gridpad.ui.i18n import tr

if TYPE_CHECKING:
    from gridpad.app.lock_settings import LockSettings

#: Same as gridpad.app.lock_settings.DEFAULT_IDLE_MINUTES (that module imports the store; this one
#: is imported at start-up). tests/gui/test_settings_screen.py checks they agree.
DEFAULT_IDLE_MINUTES = 5
MIN_PIN_LENGTH = 4

_N, _R, _P = 2**14, 8, 1


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(bytes.fromhex(digest)))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def pin_problem(pin: str, repeat: str) -> str | None:
    """Why a new PIN cannot be used (translated), or None."""
    if not pin.isdigit() or len(pin) < MIN_PIN_LENGTH:
        return tr("PIN: use at least {0} digits.").format(MIN_PIN_LENGTH)
    if pin != repeat:
        return tr("PIN: the two entries differ.")
    return None


class LockOverlay(QWidget):
    """Opaque cover over the whole window with a PIN field; emits ``unlocked`` on the right PIN."""

    unlocked = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lockOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        self._stored = ""
        lay = QVBoxLayout(self)
        lay.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.setSpacing(16)
        self.title = QLabel(self)
        self.title.setObjectName("title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin_edit = QLineEdit(self)
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.pin_edit.setMinimumWidth(240)
        self.pin_edit.returnPressed.connect(self.try_unlock)
        self.message = QLabel(self)
        self.message.setObjectName("fieldError")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unlock_button = QPushButton(self)
        self.unlock_button.setObjectName("primaryButton")
        self.unlock_button.clicked.connect(self.try_unlock)
        for w in (self.title, self.pin_edit, self.message, self.unlock_button):
            lay.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        parent.installEventFilter(self)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.title.setText(tr("GridPad is locked"))
        self.pin_edit.setPlaceholderText(tr("Enter PIN"))
        self.unlock_button.setText(tr("Unlock"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        parent = self.parentWidget()
        if parent is not None and watched is parent and event.type() == QEvent.Type.Resize:
            self.setGeometry(parent.rect())
        return False

    def lock(self, stored_hash: str) -> None:
        self._stored = stored_hash
        self.message.clear()
        self.pin_edit.clear()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self.pin_edit.setFocus()

    def try_unlock(self) -> None:
        if verify_pin(self.pin_edit.text(), self._stored):
            self.pin_edit.clear()
            self.hide()
            self.unlocked.emit()
        else:
            self.pin_edit.clear()
            self.message.setText(tr("Wrong PIN. Try again."))


_ACTIVITY = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TabletPress, QEvent.Type.InputMethod,
}
_INPUT = {QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.Shortcut, QEvent.Type.ShortcutOverride,
          QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
          QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.InputMethod}


class IdleLock(QObject):
    """Watches the application for input; locks the attached window after ``idle_ms`` without any.

    One per app, made by ``make_context`` before there is a window; the main window attaches
    itself (:meth:`attach`). Locking needs a PIN and a window: without them idle time changes
    nothing. While locked, input aimed at anything but the overlay is swallowed, so Tab cannot
    reach a hidden form behind it.

    Idle time is read from ``clock`` (monotonic seconds); the timer only decides how often to
    look, so a test moves the clock instead of waiting minutes.
    """

    locked_changed = Signal(bool)

    def __init__(self, window: QWidget | None = None, *, idle_ms: int = DEFAULT_IDLE_MINUTES * 60_000,
                 check_ms: int = 1000, clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window: QWidget | None = None
        self.overlay: LockOverlay | None = None
        self.idle_ms = idle_ms
        self.pin_hash: str | None = None
        self._clock = clock
        self._last_activity = clock()
        self._timer = QTimer(self)
        self._timer.setInterval(min(check_ms, max(50, idle_ms // 4)))
        self._timer.timeout.connect(self.check_idle)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()
        if window is not None:
            self.attach(window)

    def attach(self, window: QWidget) -> None:
        """Cover ``window`` when locking (its overlay is made now, hidden)."""
        self._window = window
        self.overlay = LockOverlay(window)
        self.overlay.unlocked.connect(self._on_unlocked)

    @property
    def attached(self) -> bool:
        """A window to cover is attached and alive (the lock outlives windows closed in tests;
        no ``destroyed`` hook: PySide crashes calling back into a lock deleted first)."""
        return self.overlay is not None and shiboken6.isValid(self.overlay)

    @property
    def locked(self) -> bool:
        return self.attached and self.overlay is not None and self.overlay.isVisible()

    def apply(self, settings: LockSettings) -> None:
        """The saved PIN hash and idle time (read on the DB worker)."""
        self.set_pin_hash(settings.pin_hash)
        self.set_idle_ms(settings.idle_ms)

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

    def lock_now(self) -> bool:
        if not self.pin_hash or self.locked or not self.attached or self.overlay is None:
            return False
        self.overlay.lock(self.pin_hash)
        self.locked_changed.emit(True)
        return True

    def check_idle(self) -> bool:
        """Lock if the window has been idle for ``idle_ms`` (the timer calls this); True if it locked."""
        if (self._clock() - self._last_activity) * 1000 >= self.idle_ms:
            return self.lock_now()
        return False

    def _on_unlocked(self) -> None:
        self.touch()
        self.locked_changed.emit(False)

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
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
