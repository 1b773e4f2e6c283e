"""The lock screen: an opaque cover over the whole window that asks for the PIN, or, after too
many wrong PINs, for an unlock code from IT and then a new PIN. It shows and asks; the answers
come from ``gridpad.app.pin_lock`` through :class:`gridpad.ui.lock.IdleLock`."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

from gridpad.core.pin_backoff import FREE_TRIES
from gridpad.core.pin_rules import MIN_PIN_LENGTH, PinProblem
from gridpad.ui.i18n import tr
from gridpad.ui.widgets import label

if TYPE_CHECKING:
    from gridpad.app.pin_lock import LockStatus

WIDTH = 520


class Mode(enum.Enum):
    STARTING = "starting"  # the app is reading whether a PIN is set: cover, nothing to type
    PIN = "pin"
    CODE = "code"  # locked out: an unlock code from IT
    NEW_PIN = "new_pin"  # the code was right: choose a new PIN
    BROKEN = "broken"  # the lock's state cannot be read: stay covered, say so


def pin_problem_text(problem: PinProblem) -> str:
    """The rule a new PIN breaks, in words (the field is named first)."""
    return {
        PinProblem.TOO_SHORT: tr("PIN: use at least {0} digits.").format(MIN_PIN_LENGTH),
        PinProblem.MISMATCH: tr("PIN: the two entries differ."),
        PinProblem.SAME_DIGIT: tr("PIN: one digit repeated is too easy to guess. Choose another."),
        PinProblem.RUN: tr("PIN: digits in a row (like 1234 or 4321) are too easy to guess. "
                           "Choose another."),
        PinProblem.COMMON: tr("PIN: this is one of the most common PINs. Choose another."),
    }[problem]


def clock_text(seconds: float) -> str:
    """``0:30``, ``15:00``, ``1:00:00``: a countdown."""
    s = max(0, int(seconds + 0.999))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _digits_edit(parent: QWidget, *, secret: bool) -> QLineEdit:
    edit = QLineEdit(parent)
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
    edit.setFixedWidth(320)
    edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return edit


class LockOverlay(QWidget):
    """Opaque cover; emits what the user typed. ``unlocked`` when it opens."""

    unlocked = Signal()
    pin_entered = Signal(str)
    code_entered = Signal(str)
    new_pin_entered = Signal(str, str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lockOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        self.mode = Mode.STARTING
        self.status: LockStatus | None = None
        self._said: Callable[[], str] | None = None  # the message, re-worded on a language switch
        self._broken_reason = ""
        lay = QVBoxLayout(self)
        lay.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.setSpacing(16)
        self.title = label("", "bigTitle", self)
        self.explain = label("", None, self, wrap=True)
        self.device = label("", None, self, wrap=True)
        self.device.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A caption above each field: a focused field hides its placeholder.
        self.pin_caption, self.code_caption, self.new_pin_caption, self.repeat_caption = (
            label("", "fieldLabel", self) for _ in range(4))
        self.pin_edit = _digits_edit(self, secret=True)
        self.code_edit = _digits_edit(self, secret=False)
        self.new_pin = _digits_edit(self, secret=True)
        self.new_pin_repeat = _digits_edit(self, secret=True)
        self._captions = {self.pin_edit: self.pin_caption, self.code_edit: self.code_caption,
                          self.new_pin: self.new_pin_caption, self.new_pin_repeat: self.repeat_caption}
        self.message = label("", "fieldError", self, wrap=True)
        self.wait_label = label("", None, self, wrap=True)
        self.unlock_button = QPushButton(self)
        self.unlock_button.setObjectName("primary")
        self.unlock_button.setMinimumWidth(320)
        self.unlock_button.clicked.connect(self.submit)
        for edit in (self.pin_edit, self.code_edit, self.new_pin_repeat):
            edit.returnPressed.connect(self.submit)
        self.new_pin.returnPressed.connect(self.new_pin_repeat.setFocus)
        for text in (self.title, self.explain, self.device, self.message, self.wait_label):
            text.setAlignment(Qt.AlignmentFlag.AlignCenter)
            text.setFixedWidth(WIDTH)
        w: QWidget
        for w in (self.title, self.explain, self.device):
            lay.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        for edit, caption in self._captions.items():
            caption.setFixedWidth(320)
            field = QVBoxLayout()
            field.setSpacing(4)
            field.addWidget(caption)
            field.addWidget(edit)
            lay.addLayout(field)
            lay.setAlignment(field, Qt.AlignmentFlag.AlignHCenter)
        for w in (self.message, self.wait_label, self.unlock_button):
            lay.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        parent.installEventFilter(self)
        self.set_mode(Mode.STARTING)
        self.hide()

    # -- what is shown ---------------------------------------------------------------------------
    def set_mode(self, mode: Mode) -> None:
        self.mode = mode
        shown = {
            Mode.STARTING: (),
            Mode.PIN: (self.title, self.pin_edit, self.message, self.wait_label, self.unlock_button),
            Mode.CODE: (self.title, self.explain, self.device, self.code_edit, self.message,
                        self.wait_label, self.unlock_button),
            Mode.NEW_PIN: (self.title, self.explain, self.new_pin, self.new_pin_repeat, self.message,
                           self.unlock_button),
            Mode.BROKEN: (self.title, self.explain),
        }[mode]
        for w in (self.title, self.explain, self.device, self.pin_edit, self.code_edit, self.new_pin,
                  self.new_pin_repeat, self.message, self.wait_label, self.unlock_button):
            w.setVisible(w in shown)
        for edit, caption in self._captions.items():
            caption.setVisible(edit in shown)
        self.retranslate()
        focus = {Mode.PIN: self.pin_edit, Mode.CODE: self.code_edit, Mode.NEW_PIN: self.new_pin}
        if mode in focus and self.isVisible():
            focus[mode].setFocus()

    def retranslate(self) -> None:
        self.pin_edit.setPlaceholderText(tr("Enter PIN"))
        self.pin_caption.setText(tr("PIN"))
        self.code_caption.setText(tr("Unlock code from IT"))
        self.new_pin_caption.setText(tr("New PIN"))
        self.repeat_caption.setText(tr("Repeat PIN"))
        device_id = self.status.device_id if self.status else ""
        if self.mode == Mode.PIN:
            self.title.setText(tr("GridPad is locked"))
            self.unlock_button.setText(tr("Unlock"))
        elif self.mode == Mode.CODE:
            self.title.setText(tr("Too many wrong PINs"))
            self.explain.setText(tr("This tablet stays locked until you enter an unlock code from IT. "
                                    "Your data and changes not yet synced are kept."))
            self.device.setText(tr("Tell IT this device ID: {0}").format(device_id))
            self.unlock_button.setText(tr("Unlock with code"))
        elif self.mode == Mode.NEW_PIN:
            self.title.setText(tr("Unlock code accepted"))
            self.explain.setText(tr("Choose a new PIN to open GridPad."))
            self.unlock_button.setText(tr("Save PIN and open"))
        elif self.mode == Mode.BROKEN:
            self.title.setText(tr("GridPad is locked"))
            self.explain.setText(tr("The lock's settings cannot be read ({0}). Restart GridPad; "
                                    "if this happens again, call IT.").format(self._broken_reason))
        self.message.setText(self._said() if self._said is not None else "")
        self._fit()

    def _fit(self) -> None:
        """Give wrapped texts the height their width needs (a centred column does not ask)."""
        for text in (self.explain, self.device, self.message, self.wait_label):
            text.setMinimumHeight(text.heightForWidth(WIDTH) if text.text() else 0)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        parent = self.parentWidget()
        if parent is not None and watched is parent and event.type() == QEvent.Type.Resize:
            self.setGeometry(parent.rect())
        return False

    def cover(self, mode: Mode, status: LockStatus | None = None) -> None:
        """Show over the whole window in ``mode``, fields empty."""
        self.status = status if status is not None else self.status
        for edit in (self.pin_edit, self.code_edit, self.new_pin, self.new_pin_repeat):
            edit.clear()
        self._said = None
        self.message.clear()
        self.wait_label.clear()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self.set_mode(mode)
        if mode == Mode.PIN and self.status is not None and self.status.state.failures > FREE_TRIES:
            self.wrong_pin(self.status)  # after a restart too: how many tries are left

    def broken(self, reason: str) -> None:
        self._broken_reason = reason
        self.cover(Mode.BROKEN)

    def open(self) -> None:
        for edit in (self.pin_edit, self.code_edit, self.new_pin, self.new_pin_repeat):
            edit.clear()
        self.hide()
        self.unlocked.emit()

    def say(self, words: Callable[[], str]) -> None:
        """Show the message ``words()`` gives (called again after a language switch)."""
        self._said = words
        self.message.setText(words())
        self._fit()

    def wrong_pin(self, status: LockStatus) -> None:
        self.status = status
        self.pin_edit.clear()
        failures = status.state.failures
        if failures <= FREE_TRIES:
            self.say(lambda: tr("Wrong PIN. Try again."))
        else:
            left = status.state.tries_left
            self.say(lambda: tr("Wrong PIN. After {0} more wrong PINs the tablet stays locked until IT "
                                "gives an unlock code.").format(left))

    def show_wait(self, seconds: float) -> None:
        """Disable typing while a wait runs; say how long it still is."""
        waiting = seconds > 0
        self.wait_label.setText(tr("Try again in {0}.").format(clock_text(seconds)) if waiting else "")
        self._fit()
        for w in (self.pin_edit, self.code_edit, self.unlock_button):
            w.setEnabled(not waiting)
        if not waiting and self.mode in (Mode.PIN, Mode.CODE) and self.isVisible():
            (self.pin_edit if self.mode == Mode.PIN else self.code_edit).setFocus()

    def set_busy(self, busy: bool) -> None:
        self.unlock_button.setEnabled(not busy)

    # -- what is typed ---------------------------------------------------------------------------
    def submit(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        if self.mode == Mode.PIN and self.pin_edit.text():
            self.pin_entered.emit(self.pin_edit.text())
        elif self.mode == Mode.CODE and self.code_edit.text().strip():
            self.code_entered.emit(self.code_edit.text())
        elif self.mode == Mode.NEW_PIN:
            self.new_pin_entered.emit(self.new_pin.text(), self.new_pin_repeat.text())
