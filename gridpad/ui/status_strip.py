"""The always-visible status strip: online/offline, outbox, photos, conflicts, last sync, last error.

"● 离线 · 待同步 12 条 · 照片 3 张 · 冲突 1 · 上次同步 09:42" — offline is said calmly; what waits
is counted, never hidden. Colours come from the stylesheet through the ``state`` property, and
every state also has words, so colour is never the only signal.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from gridpad.ui.i18n import tr
from gridpad.ui.widgets import label

if TYPE_CHECKING:
    from gridpad.app.syncing import SyncSnapshot
    from gridpad.ui.context import AppContext


def format_when(value: Any, now: datetime | None = None) -> str:
    """A time the way a person reads it: ``09:42`` today, ``11-24 09:42`` otherwise."""
    if value in (None, "", 0):
        return ""
    when: datetime
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, (int, float)):
        when = datetime.fromtimestamp(value / 1000 if value > 1e11 else value, UTC)
    else:
        try:
            when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return str(value)
    if when.tzinfo is not None:
        when = when.astimezone()  # local wall time
    now = now or datetime.now()
    if when.date() == now.date():
        return when.strftime("%H:%M")
    return when.strftime("%m-%d %H:%M")


def plain_error(message: str | None) -> tuple[str, str]:
    """The client's error in plain words, and what the user can do about it."""
    if not message:
        return "", ""
    low = message.lower()

    if any(k in low for k in ("revoked", "wipe")):
        return (tr("This tablet has been revoked by IT."),
                tr("Ask IT before using it again; local data must be wiped."))
    if any(k in low for k in ("401", "403", "unauthori", "forbidden", "token", "credential")):
        return (tr("The server did not accept this tablet's sign-in."),
                tr("Check that the tablet is still enrolled; if it persists, ask IT for a new code."))
    if any(k in low for k in ("connection", "refused", "timed out", "timeout", "unreachable",
                              "name or service", "network", "max retries", "resolve")):
        return (tr("The server could not be reached."),
                tr("Nothing is lost: edits wait on the tablet and sync when the network returns."))
    if any(k in low for k in ("certificate", "ssl", "tls")):
        return (tr("The server's certificate could not be verified."),
                tr("Check the date and time on the tablet, or ask IT for the CA bundle."))
    if any(k in low for k in ("clock", "ahead", "skew")):
        return (tr("The tablet's clock is wrong."),
                tr("Set the correct date and time, then sync again."))
    if any(k in low for k in ("500", "502", "503", "504", "server error")):
        return (tr("The server had a problem."), tr("Try again in a few minutes; edits stay on the tablet."))
    if "not enrolled" in low:
        return (tr("This tablet is not enrolled."), tr("Enroll it in Settings with the code from IT."))
    return (message, tr("Try Sync now again; if the problem stays, tell IT this message."))


def stage_text(stage: str, done: int = 0, total: int = 0) -> str:
    """Where the sync is, by step: what a silent server is being asked shows here while it waits."""
    if stage == "push" and total:
        return tr("Sending edits: {0} of {1}").format(done, total)
    if stage == "pull" and done:
        return tr("Receiving updates: page {0}").format(done)
    if stage == "photos" and total:
        return tr("Uploading photos: {0} of {1}").format(min(done + 1, total), total)
    stages = {"connect": tr("Connecting to the server"), "push": tr("Sending edits"),
              "pull": tr("Receiving updates"), "photos": tr("Uploading photos"),
              "verify": tr("Checking"), "check": tr("Checking"), "done": ""}
    return stages.get(stage, stage)


class ElidedLabel(QLabel):
    """One line that takes the room it is given and ends in "…" when the text does not fit (the
    whole text in its tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def _elide(self) -> None:
        width = max(self.width(), 0)
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()


class StatusStrip(QWidget):
    """One line at the bottom of every screen; its Details button opens the sync screen."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusStrip")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._ctx = ctx
        self._controller = controller = ctx.sync
        # Sync started with the app: a status read may have arrived before this strip existed.
        self._snapshot: SyncSnapshot | None = controller.last_snapshot
        lay = QHBoxLayout(self)
        lay.setContentsMargins(16, 4, 16, 4)
        lay.setSpacing(8)
        self.state_label = label("", "syncState", self)
        self.outbox_label = QLabel(self)
        self.photo_label = QLabel(self)
        self.conflict_label = label("", "conflictBadge", self)
        self.last_sync_label = QLabel(self)
        self.error_label = label("", "syncError", self)
        lay.addWidget(self.state_label)
        # The step a running sync is on ("Sending edits: 1 of 3"): takes the room left and is cut
        # rather than pushing the counts off a portrait screen.
        self.step_label = ElidedLabel(self)
        self.step_label.setObjectName("muted")
        self.step_label.hide()
        lay.addWidget(self.step_label, 1)
        # "●  离线 · 待同步 12 条 · 照片 3 张 · 冲突 1 · 上次同步 09:42": a dot before each item
        # that is shown (photos and conflicts only when there are some).
        self._separators: dict[QLabel, QLabel] = {}
        for w in (self.outbox_label, self.photo_label, self.conflict_label, self.last_sync_label,
                  self.error_label):
            dot = QLabel("·", self)
            dot.setObjectName("muted")
            self._separators[w] = dot
            lay.addWidget(dot)
            lay.addWidget(w, 1 if w is self.error_label else 0)
        self.cancel_button = QPushButton(self)  # 取消 while a sync runs: never stuck on a silent server
        self.cancel_button.clicked.connect(controller.cancel_sync)
        self.cancel_button.hide()
        lay.addWidget(self.cancel_button)
        self.details_button = QPushButton(self)
        self.details_button.setObjectName("flatButton")
        self.details_button.clicked.connect(lambda: self._ctx.navigate("sync"))
        lay.addWidget(self.details_button)
        controller.snapshot.connect(self._on_snapshot)
        controller.online_changed.connect(lambda _online: self.refresh_view())
        controller.sync_started.connect(self.refresh_view)
        controller.sync_finished.connect(lambda _r: self.refresh_view())
        controller.sync_failed.connect(lambda _m: self.refresh_view())
        controller.sync_cancelled.connect(self.refresh_view)
        controller.cancelling.connect(lambda: self.cancel_button.setEnabled(False))
        controller.progress.connect(self._on_progress)
        self._stage = ""
        self.refresh_view()

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        self._stage = stage_text(stage, done, total)
        self.step_label.set_full_text(self._stage)
        self.step_label.setVisible(self._controller.syncing and bool(self._stage))

    def _on_snapshot(self, snap: SyncSnapshot) -> None:
        self._snapshot = snap
        self.refresh_view()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh_view()
        super().changeEvent(event)

    def _set_state(self, text: str, state: str) -> None:
        self.state_label.setText("● " + text)
        if self.state_label.property("state") != state:
            self.state_label.setProperty("state", state)
            self.state_label.style().unpolish(self.state_label)
            self.state_label.style().polish(self.state_label)

    def refresh_view(self) -> None:
        status = self._snapshot.status if self._snapshot else None
        c = self._controller
        if status is not None and not status.enrolled:
            self._set_state(tr("Not enrolled"), "muted")
        elif c.syncing:
            self._set_state(tr("Syncing…"), "busy")
        elif c.online is False:
            self._set_state(tr("Offline"), "offline")
        elif c.online:
            self._set_state(tr("Online"), "ok")
        else:
            self._set_state(tr("Checking connection…"), "muted")
        outbox = status.outbox_count if status else 0
        photos = status.photo_backlog if status else 0
        conflicts = status.open_conflicts if status else 0
        self.outbox_label.setText(tr("Waiting to sync: {0}").format(outbox))
        self.photo_label.setText(tr("Photos: {0}").format(photos))
        self.photo_label.setVisible(photos > 0)
        self.conflict_label.setText(tr("Conflicts: {0}").format(conflicts))
        self.conflict_label.setVisible(conflicts > 0)
        when = format_when(status.last_success_at) if status else ""
        self.last_sync_label.setText(tr("Last sync {0}").format(when) if when else tr("Never synced"))
        what, _todo = plain_error(status.last_error if status else None)
        if c.online is False and what == plain_error("connection")[0]:
            what = ""  # offline is normal: the state already says so, calmly
        self.error_label.setText(what)
        self.error_label.setToolTip(what)
        for item, dot in self._separators.items():
            dot.setVisible(item.isVisibleTo(self) and bool(item.text()))
        if not c.syncing:
            self._stage = ""
        self.step_label.setVisible(c.syncing and bool(self._stage))
        self.cancel_button.setVisible(c.syncing)
        if not c.syncing:
            self.cancel_button.setEnabled(True)
        self.cancel_button.setText(tr("Cancel"))
        self.details_button.setText(tr("Details"))
