"""Settings (设置): enroll this tablet, interface language, privacy lock PIN, about this device."""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridpad import __version__, config
from gridpad.ui.i18n import MissingTranslationError, tr
from gridpad.ui.lock import DEFAULT_IDLE_MINUTES, pin_problem
from gridpad.ui.status_strip import plain_error
from gridpad.ui.widgets import CARD_MARGINS, Card, label, repolish, screen_layout, scroll_column

if TYPE_CHECKING:
    from gridpad.app.device import DeviceInfo
    from gridpad.app.lock_settings import LockSettings
    from gridpad.app.syncing import SyncSnapshot
    from gridpad.ui.context import AppContext


def parse_enroll_qr(text: str) -> tuple[str, str]:
    """Server and code from an enrollment QR.

    Accepts JSON ``{"server", "code"}``, a URL with ``server``/``code`` query parameters
    (``gridpad://enroll?server=…&code=…``), or ``SERVER CODE``; a bare code gives ``("", code)``."""
    text = text.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = {}
        if isinstance(data, dict):
            return str(data.get("server") or data.get("server_url") or ""), str(data.get("code") or "")
    parsed = urlparse(text)
    if parsed.query:
        q = parse_qs(parsed.query)
        if "code" in q:
            return (q.get("server") or q.get("server_url") or [""])[0], q["code"][0]
    parts = text.split()
    if len(parts) == 2 and parts[0].startswith(("http://", "https://")):
        return parts[0], parts[1]
    return "", text


def _card(parent: QWidget | None) -> tuple[Card, QVBoxLayout, QLabel]:
    card = Card(parent, margins=CARD_MARGINS)
    title = label("", "title", card)
    card.body.addWidget(title)
    return card, card.body, title


class SettingsScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.controller = ctx.sync
        self.lock = ctx.lock
        self.info: DeviceInfo | None = None

        outer, self.heading = screen_layout(self, spacing=None)
        scroll, col = scroll_column(self)
        body = col.parentWidget()
        outer.addWidget(scroll, 1)

        # Enrollment.
        card, lay, self.enroll_title = _card(body)
        form = QFormLayout()
        self.server_label, self.code_label = QLabel(card), QLabel(card)
        self.server_edit = QLineEdit(card)
        self.server_edit.setInputMethodHints(Qt.InputMethodHint.ImhUrlCharactersOnly)
        # An installer built with --server-url presets the fleet's server.
        self.server_edit.setText(config.default_server_url() or "")
        self.code_edit = QLineEdit(card)
        form.addRow(self.server_label, self.server_edit)
        form.addRow(self.code_label, self.code_edit)
        lay.addLayout(form)
        self.enroll_message = label("", None, card, wrap=True)
        lay.addWidget(self.enroll_message)
        row = QHBoxLayout()
        row.addStretch(1)
        self.scan_qr_button = QPushButton(card)
        self.scan_qr_button.clicked.connect(self.choose_enroll_image)
        self.enroll_button = QPushButton(card)
        self.enroll_button.setObjectName("primary")
        self.enroll_button.clicked.connect(self.enroll)
        row.addWidget(self.scan_qr_button)
        row.addWidget(self.enroll_button)
        lay.addLayout(row)
        col.addWidget(card)

        # Language.
        card, lay, self.language_title = _card(body)
        self.language_combo = QComboBox(card)
        self.language_combo.addItem("简体中文", "zh_CN")
        self.language_combo.addItem("English", "en")
        self._select_language(getattr(ctx.i18n, "language", "zh_CN"))
        self.language_combo.currentIndexChanged.connect(self._language_chosen)
        lay.addWidget(self.language_combo)
        self.language_message = label("", "fieldError", card, wrap=True)
        self.language_message.hide()
        lay.addWidget(self.language_message)
        col.addWidget(card)

        # Privacy lock.
        card, lay, self.lock_title = _card(body)
        self.lock_state = label("", None, card, wrap=True)
        lay.addWidget(self.lock_state)
        form = QFormLayout()
        self.pin_label, self.pin_repeat_label, self.idle_label = QLabel(card), QLabel(card), QLabel(card)
        self.pin_edit, self.pin_repeat = QLineEdit(card), QLineEdit(card)
        for e in (self.pin_edit, self.pin_repeat):
            e.setEchoMode(QLineEdit.EchoMode.Password)
            e.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.idle_combo = QComboBox(card)
        for minutes in (1, 2, 5, 10, 15, 30):
            self.idle_combo.addItem("", minutes)
        form.addRow(self.pin_label, self.pin_edit)
        form.addRow(self.pin_repeat_label, self.pin_repeat)
        form.addRow(self.idle_label, self.idle_combo)
        lay.addLayout(form)
        self.pin_message = label("", "fieldError", card, wrap=True)
        lay.addWidget(self.pin_message)
        row = QHBoxLayout()
        row.addStretch(1)
        self.remove_pin_button = QPushButton(card)
        self.remove_pin_button.clicked.connect(self.remove_pin)
        self.lock_now_button = QPushButton(card)
        self.lock_now_button.clicked.connect(self.lock.lock_now)
        self.save_pin_button = QPushButton(card)
        self.save_pin_button.setObjectName("primary")
        self.save_pin_button.clicked.connect(self.save_pin)
        for b in (self.remove_pin_button, self.lock_now_button, self.save_pin_button):
            row.addWidget(b)
        lay.addLayout(row)
        col.addWidget(card)

        # About this device.
        card, lay, self.about_title = _card(body)
        self.about = label("", None, card, wrap=True)
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.about)
        col.addWidget(card)
        col.addStretch(1)

        self.controller.enrolled.connect(self._on_enrolled)
        self.controller.enroll_failed.connect(self._on_enroll_failed)
        self.controller.snapshot.connect(self._on_snapshot)
        self.retranslate()
        self.reload()

    # -- data -----------------------------------------------------------------------------------
    def reload(self) -> None:
        from gridpad.app.device import device_info

        self._ctx.db.call(device_info, on_done=self._on_info, owner=self)

    def _on_info(self, info: DeviceInfo) -> None:
        self.info = info
        if info.server and not self.server_edit.text():
            self.server_edit.setText(info.server)
        index = self.idle_combo.findData(info.lock.idle_minutes)
        self.idle_combo.setCurrentIndex(max(index, 0))
        self.refresh_view()

    def _lock_saved(self, settings: LockSettings) -> None:
        self.lock.apply(settings)
        self.reload()

    # -- enrollment -----------------------------------------------------------------------------
    def enroll(self) -> None:
        server, code = self.server_edit.text().strip(), self.code_edit.text().strip()
        if not server.startswith(("http://", "https://")):
            self._enroll_feedback(
                tr("Server address: start with https:// (or http:// on a test network)."), False)
            return
        if not code:
            self._enroll_feedback(tr("Enrollment code: type the code from IT."), False)
            return
        self.enroll_button.setEnabled(False)
        self._enroll_feedback(tr("Enrolling…"), True)
        self.controller.enroll(server, code)

    def choose_enroll_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Enrollment QR image"), str(Path.home()),
                                              tr("Images (*.png *.jpg *.jpeg *.bmp)"))
        if path:
            self.enroll_from_image(Path(path))

    def enroll_from_image(self, path: Path) -> bool:
        """Fill server and code from a photo of the enrollment QR; True when a code was found."""
        from gridpad.app.plate_reading import read_photo

        try:
            texts = read_photo(str(path))
        except (OSError, ValueError):
            texts = []
        if not texts:
            self._enroll_feedback(
                tr("No QR code found in that image. Try a sharper photo, or type the code."), False)
            return False
        server, code = parse_enroll_qr(texts[0])
        if server:
            self.server_edit.setText(server)
        self.code_edit.setText(code)
        self._enroll_feedback(tr("Code read from the image. Check the server address, then press Enroll."),
                              True)
        return True

    def _enroll_feedback(self, text: str, ok: bool) -> None:
        self.enroll_message.setObjectName("fieldHint" if ok else "fieldError")
        self.enroll_message.style().unpolish(self.enroll_message)
        self.enroll_message.style().polish(self.enroll_message)
        self.enroll_message.setText(text)

    def _on_enrolled(self, _snap: SyncSnapshot) -> None:
        self.enroll_button.setEnabled(True)
        self.code_edit.clear()
        self._enroll_feedback(tr("Enrolled. The first sync starts now."), True)
        self.reload()
        self.controller.sync_now()

    def _on_enroll_failed(self, message: str) -> None:
        self.enroll_button.setEnabled(True)
        what, todo = plain_error(message)
        self._enroll_feedback(f"{what} {todo}".strip(), False)

    def _on_snapshot(self, _snap: SyncSnapshot) -> None:
        self.refresh_view()

    # -- language -------------------------------------------------------------------------------
    def _select_language(self, lang: str) -> None:
        index = self.language_combo.findData(lang)
        if index >= 0:
            self.language_combo.setCurrentIndex(index)

    def _language_chosen(self, _index: int) -> None:
        lang = self.language_combo.currentData()
        current = getattr(self._ctx.i18n, "language", None)
        if not lang or lang == current:
            return
        try:
            self._ctx.i18n.set_language(lang)
        except MissingTranslationError as exc:  # a broken install: say so, keep the language in use
            self.language_message.setText(str(exc))
            self.language_message.show()
            self.language_combo.blockSignals(True)
            self._select_language(current or "en")
            self.language_combo.blockSignals(False)
            return
        self.language_message.hide()

    # -- PIN ------------------------------------------------------------------------------------
    def save_pin(self) -> None:
        """Refuse a short, mistyped or trivial PIN with the rule it breaks (gridpad.core.pin_rules);
        the typing stays for correcting. A good one is hashed and saved by gridpad.app."""
        from gridpad.app.lock_settings import set_pin

        pin, repeat = self.pin_edit.text(), self.pin_repeat.text()
        problem = pin_problem(pin, repeat)
        if problem:
            self.pin_message.setText(problem)
            return
        self.pin_message.clear()
        self.pin_edit.clear()
        self.pin_repeat.clear()
        self._ctx.db.call(set_pin, pin, repeat, self._idle_minutes(), on_done=self._lock_saved, owner=self)

    def _idle_minutes(self) -> int:
        return int(self.idle_combo.currentData() or DEFAULT_IDLE_MINUTES)

    def remove_pin(self) -> None:
        self._store_lock(None)

    def _store_lock(self, pin_hash: str | None) -> None:
        from gridpad.app.lock_settings import save_lock_settings

        self._ctx.db.call(save_lock_settings, pin_hash, self._idle_minutes(), on_done=self._lock_saved,
                          owner=self)

    # -- text -----------------------------------------------------------------------------------
    def refresh_view(self) -> None:
        info = self.info
        status = self.controller.last_snapshot.status if self.controller.last_snapshot else None
        enrolled = bool(status and status.enrolled)
        lines = [
            tr("App version: {0}").format(__version__),
            tr("Device ID: {0}").format(info.device_id if info else ""),
            tr("Enrolled: {0}").format(tr("yes") if enrolled else tr("no")),
        ]
        if info and info.server:
            lines.append(tr("Server: {0}").format(info.server))
        if info and info.user:
            roles = {"manager": tr("grid manager"), "supervisor": tr("supervisor")}
            lines.append(tr("User: {0} ({1})").format(info.user, roles.get(info.role, info.role)))
        if info and info.grids:
            lines.append(tr("Grids: {0}").format(", ".join(info.grids)))
        lines.append(tr("System: {0}").format(platform.platform(terse=True)))
        self.about.setText("\n".join(lines))
        has_pin = bool(info and info.lock.pin_hash)
        self.lock_state.setText(
            tr("A PIN is set: the screen locks when the tablet is left idle.") if has_pin
            else tr("No PIN set: the screen does not lock. Set one to protect personal data."))
        self.remove_pin_button.setEnabled(has_pin)
        self.lock_now_button.setEnabled(has_pin and self.lock.attached)
        self.enroll_button.setText(tr("Enroll again") if enrolled else tr("Enroll"))
        # Enrolling is the first thing a new tablet does, and rarely done again: once enrolled it
        # is a plain link, the least prominent button here (the primary is Save PIN's).
        name = "link" if enrolled else "primary"
        if self.enroll_button.objectName() != name:
            self.enroll_button.setObjectName(name)
            repolish(self.enroll_button)

    def retranslate(self) -> None:
        self.heading.setText(tr("Settings"))
        self.enroll_title.setText(tr("Enroll this tablet"))
        self.server_label.setText(tr("Server address"))
        self.code_label.setText(tr("Enrollment code"))
        self.server_edit.setPlaceholderText("https://")
        self.code_edit.setPlaceholderText(tr("Code from IT"))
        self.scan_qr_button.setText(tr("Read code from image"))
        self.language_title.setText(tr("Language"))
        self.lock_title.setText(tr("Privacy lock"))
        self.pin_label.setText(tr("New PIN"))
        self.pin_repeat_label.setText(tr("Repeat PIN"))
        self.idle_label.setText(tr("Lock after"))
        for i in range(self.idle_combo.count()):
            self.idle_combo.setItemText(i, tr("{0} min idle").format(self.idle_combo.itemData(i)))
        self.save_pin_button.setText(tr("Save PIN"))
        self.remove_pin_button.setText(tr("Remove PIN"))
        self.lock_now_button.setText(tr("Lock now"))
        self.about_title.setText(tr("About this device"))
        self._select_language(getattr(self._ctx.i18n, "language", "zh_CN"))
        self.refresh_view()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
