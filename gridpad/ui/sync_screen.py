"""The sync screen (同步): big status, last success, what waits (by kind), photos, the last error
with what to do, Sync now with a progress bar, the changes the server refused (set aside, each
with Retry / Discard) and the conflict review list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridpad.ui.breach_view import BreachCard
from gridpad.ui.conflicts_view import ConflictCard, field_title, table_title
from gridpad.ui.held_view import HeldCard
from gridpad.ui.i18n import tr
from gridpad.ui.status_strip import format_when, plain_error, stage_text
from gridpad.ui.widgets import CARD_MARGINS, Card, label, screen_layout, scroll_column

if TYPE_CHECKING:
    from gridpad.app.syncing import OpenTarget, SyncSnapshot
    from gridpad.ui.context import AppContext


def waiting_text(conflicts: int, to_correct: int, held: int) -> str:
    """What waits for the person, counted: "Waiting for you: conflicts 2 · to correct 1"."""
    parts = []
    if conflicts:
        parts.append(tr("conflicts {0}").format(conflicts))
    if to_correct:
        parts.append(tr("to correct {0}").format(to_correct))
    if held:
        parts.append(tr("set aside {0}").format(held))
    return tr("Waiting for you: {0}").format(" \u00b7 ".join(parts)) if parts else ""


class SyncScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.controller = c = ctx.sync
        self._snapshot: SyncSnapshot | None = None
        self._cards: dict[str, ConflictCard] = {}
        self._held_cards: dict[int, HeldCard] = {}
        self._result_text = ""
        # The last failure as the sync thread reported it: survives a revoked device's wipe, which
        # also wipes the error recorded in the store.
        self._failure = ""

        outer, self.heading = screen_layout(self)
        scroll, self._body = scroll_column(self)
        body = self._body.parentWidget()
        outer.addWidget(scroll, 1)

        card = Card(body, margins=CARD_MARGINS)
        cl = card.body
        self.big_status = label("", "statNumber", card, wrap=True)
        self.state_line = label("", "title", card)  # online/offline, when the headline counts what waits
        self.last_success = QLabel(card)
        self.outbox_total = QLabel(card)
        self.outbox_kinds = label("", "caption", card, wrap=True)
        self.photos = QLabel(card)
        self.result_label = label("", "fieldHint", card, wrap=True)
        for w in (self.big_status, self.state_line, self.last_success, self.outbox_total, self.outbox_kinds,
                  self.photos, self.result_label):
            cl.addWidget(w)
        self._body.addWidget(card)

        self.error_card = Card(body, name="warningCard", margins=CARD_MARGINS)
        el = self.error_card.body
        self.error_what = label("", "title", self.error_card, wrap=True)
        self.error_todo = label("", None, self.error_card, wrap=True)
        el.addWidget(self.error_what)
        el.addWidget(self.error_todo)
        self.error_card.hide()
        self._body.addWidget(self.error_card)

        self.held_title = label("", "title", body)
        self._body.addWidget(self.held_title)
        self._held_box = QVBoxLayout()
        self._held_box.setSpacing(12)
        self._body.addLayout(self._held_box)
        self.not_on_server = label("", "caption", body, wrap=True)
        self._body.addWidget(self.not_on_server)

        self.correct_title = label("", "title", body)
        self._body.addWidget(self.correct_title)
        self._correct_box = QVBoxLayout()
        self._correct_box.setSpacing(12)
        self._body.addLayout(self._correct_box)
        self._correct_cards: list[BreachCard] = []

        self.conflicts_title = label("", "title", body)
        self._body.addWidget(self.conflicts_title)
        self.no_conflicts = label("", "muted", body)
        self._body.addWidget(self.no_conflicts)
        self._conflict_box = QVBoxLayout()
        self._conflict_box.setSpacing(12)
        self._body.addLayout(self._conflict_box)
        self._body.addStretch(1)

        bottom = QHBoxLayout()
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.stage_label = label("", "caption", self)
        bottom.addWidget(self.stage_label)
        bottom.addWidget(self.progress, 1)
        bottom.addStretch(0)
        self.cancel_button = QPushButton(self)  # 取消: a silent server never holds the tablet
        self.cancel_button.clicked.connect(self.cancel_sync)
        self.cancel_button.hide()
        bottom.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        self.sync_button = QPushButton(self)
        self.sync_button.setObjectName("primary")
        self.sync_button.clicked.connect(self.sync_now)
        bottom.addWidget(self.sync_button, 0, Qt.AlignmentFlag.AlignRight)
        outer.addLayout(bottom)

        c.snapshot.connect(self._on_snapshot)
        c.progress.connect(self._on_progress)
        c.sync_started.connect(self._on_started)
        c.sync_finished.connect(self._on_finished)
        c.sync_failed.connect(self._on_failed)
        c.sync_cancelled.connect(self._on_cancelled)
        c.cancelling.connect(self._on_cancelling)
        c.online_changed.connect(lambda _o: self.refresh_view())
        c.conflict_resolved.connect(self._on_resolved)
        c.conflict_failed.connect(self._on_conflict_failed)
        c.held_failed.connect(self._on_held_failed)
        if c.last_snapshot is not None:
            self._snapshot = c.last_snapshot
        self.retranslate()

    # -- actions --------------------------------------------------------------------------------
    def sync_now(self) -> None:
        self._result_text = ""
        self.sync_button.setEnabled(False)
        self.controller.sync_now()

    def cancel_sync(self) -> None:
        self.controller.cancel_sync()

    def activated(self) -> None:
        self.controller.refresh()

    # -- worker results -------------------------------------------------------------------------
    def _on_snapshot(self, snap: SyncSnapshot) -> None:
        self._snapshot = snap
        self._render_conflicts(snap.conflicts)
        self._render_held(snap)
        self._render_to_correct(snap)
        self.refresh_view()

    def _on_started(self) -> None:
        self.sync_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.refresh_view()

    def _on_cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.stage_label.setText(tr("Stopping…"))

    def _on_cancelled(self) -> None:
        self._result_text = tr("Sync cancelled. Nothing is lost: edits wait on the tablet.")
        self._done()

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        if not self.cancel_button.isEnabled():
            return  # stopping: the step under way no longer matters
        self.stage_label.setText(stage_text(stage, done, total))
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)

    def _on_finished(self, result: Any) -> None:
        pushed = getattr(result, "pushed", 0)
        pulled = getattr(result, "pulled", 0)
        conflicts = getattr(result, "conflicts", 0)
        photos = getattr(result, "photos_uploaded", 0)
        self._result_text = tr("Sent {0}, received {1}, photos {2}, new conflicts {3}.").format(
            pushed, pulled, photos, conflicts)
        self._failure = ""
        self._done()

    def _on_failed(self, message: str) -> None:
        self._result_text = ""
        self._failure = message
        self._done()

    def _done(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.stage_label.clear()
        self.sync_button.setEnabled(True)
        self.refresh_view()

    def _on_resolved(self, conflict_id: str) -> None:
        card = self._cards.pop(conflict_id, None)
        if card is not None:
            card.deleteLater()

    def _on_conflict_failed(self, conflict_id: str, message: str) -> None:
        card = self._cards.get(conflict_id)
        if card is not None:
            card.show_error(plain_error(message)[0])

    def _on_held_failed(self, change_id: int, message: str) -> None:
        card = self._held_cards.get(change_id)
        if card is not None:
            card.show_error(plain_error(message)[0])

    # -- rendering ------------------------------------------------------------------------------
    def _render_held(self, snap: SyncSnapshot) -> None:
        """One card per change set aside (rebuilt: the count waiting behind each may change)."""
        for card in self._held_cards.values():
            card.deleteLater()
        self._held_cards = {}
        for item in snap.held:
            card = HeldCard(item, self.controller.retry_held, self.controller.discard_held, self,
                            record=snap.labels.get((item.table, item.row_id)))
            self._held_cards[item.change_id] = card
            self._held_box.addWidget(card)
        lines = [tr("{0} {1}: {2} is kept on this tablet but is not on the server (its change was "
                    "discarded; edit it again to send it).").format(
                        table_title(n.table), n.row_id[:8] + "\u2026",
                        ", ".join(field_title(f) for f in n.fields))
                 for n in snap.not_on_server]
        self.not_on_server.setText("\n".join(lines))
        self.not_on_server.setVisible(bool(lines))

    def _render_to_correct(self, snap: SyncSnapshot) -> None:
        """One card per record the server flagged as breaking the shared rules."""
        for card in self._correct_cards:
            card.deleteLater()
        self._correct_cards = []
        for item in snap.to_correct:
            card = BreachCard(item, table_title(item.table), self._open_record, self)
            self._correct_cards.append(card)
            self._correct_box.addWidget(card)

    def _open_record(self, target: OpenTarget) -> None:
        if target.person_id:
            self._ctx.navigate("registry", person_id=target.person_id)
        elif target.building_id:
            self._ctx.navigate("registry", building_id=target.building_id)

    def _render_conflicts(self, conflicts: list[Any]) -> None:
        wanted: dict[str, Any] = {}
        for conflict in conflicts:
            wanted[str(conflict.id)] = conflict
        for cid in list(self._cards):
            if cid not in wanted:
                self._cards.pop(cid).deleteLater()
        snap = self._snapshot
        for cid, conflict in wanted.items():
            if cid not in self._cards:
                record = snap.labels.get((conflict.table, conflict.row_id)) if snap else None
                card = ConflictCard(conflict, snap.device_id if snap else None, self.controller.resolve, self,
                                    record=record, allowed=snap is None or conflict.id in snap.may_resolve)
                self._cards[cid] = card
                self._conflict_box.addWidget(card)

    def refresh_view(self) -> None:
        snap = self._snapshot
        status = snap.status if snap else None
        c = self.controller
        waiting = waiting_text(len(self._cards), len(self._correct_cards), len(self._held_cards))
        if status is not None and not status.enrolled:
            big = tr("Not enrolled")
        elif c.syncing:
            big = tr("Syncing…")
        elif c.online is False:
            big = tr("Offline")
        elif status is not None and status.outbox_count == 0 and not status.last_error and not waiting:
            big = tr("Up to date")  # only when nothing waits for the person either
        elif c.online:
            big = tr("Online")
        else:
            big = tr("Checking connection…")
        # The headline counts what waits for the person; the connection's state goes under it.
        self.big_status.setText(waiting or big)
        self.state_line.setText(big if waiting else "")
        self.state_line.setVisible(bool(waiting))
        when = format_when(status.last_success_at) if status else ""
        self.last_success.setText(tr("Last successful sync: {0}").format(when) if when
                                  else tr("Last successful sync: never"))
        outbox = status.outbox_count if status else 0
        self.outbox_total.setText(tr("Waiting to sync: {0} edits").format(outbox))
        kinds = snap.outbox_by_table if snap else {}
        self.outbox_kinds.setText(" · ".join(f"{table_title(t)} {n}" for t, n in sorted(kinds.items()) if n))
        self.outbox_kinds.setVisible(bool(kinds) and outbox > 0)
        self.photos.setText(tr("Photos waiting to upload: {0}").format(status.photo_backlog if status else 0))
        what, todo = plain_error((status.last_error if status else None) or self._failure or None)
        if status is not None and not status.enrolled and not what:
            what, todo = tr("This tablet is not enrolled yet."), tr(
                "Open Settings and enroll with the server address and the code from IT.")
        self.error_what.setText(what)
        self.error_todo.setText(todo)
        self.error_card.setVisible(bool(what))
        self.result_label.setText(self._result_text)
        self.result_label.setVisible(bool(self._result_text))
        n_held = len(self._held_cards)
        self.held_title.setText(tr("Set aside, refused by the server: {0}").format(n_held))
        self.held_title.setVisible(bool(n_held))
        n_correct = len(self._correct_cards)
        self.correct_title.setText(
            tr("Records to correct (the server holds values that break the rules): {0}").format(n_correct))
        self.correct_title.setVisible(bool(n_correct))
        n_conflicts = len(self._cards)
        self.conflicts_title.setText(tr("Conflicts to review: {0}").format(n_conflicts))
        self.no_conflicts.setText(tr("No conflicts. Edits from this tablet and the centre agree."))
        self.no_conflicts.setVisible(not self._cards)
        self.sync_button.setEnabled(not c.syncing and bool(status is None or status.enrolled))

    def retranslate(self) -> None:
        self.heading.setText(tr("Sync"))
        self.sync_button.setText(tr("Sync now"))
        self.cancel_button.setText(tr("Cancel"))
        self.refresh_view()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
