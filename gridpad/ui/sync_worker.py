"""Sync on its own thread, with its own Store connection, results by signal.

The DB worker (``db_worker.py``) serves screens; sync can hold the network for seconds, so it runs
on a second QThread that owns a second SQLite connection (WAL lets both work at once). The GUI
talks to :class:`SyncWorker` only through queued signals, so nothing here ever blocks a widget.

:class:`SyncController` lives in the GUI thread: it owns the thread, the timers (reachability
every 30 s, a periodic sync every 10 min, a status refresh every few seconds so edits made on
the DB worker show in the outbox count) and re-emits the worker's results.
"""

from __future__ import annotations

import atexit
import logging
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

if TYPE_CHECKING:
    from gridpad.app.startup import Store
    from gridpad.app.syncing import Cancel, SyncResult, SyncSnapshot
    from sync.protocol import Conflict

# gridpad.app.syncing (the store, requests, the sync client) is imported where used, on the sync
# thread: make_context builds this controller at start-up, and importing them on the GUI thread
# cost the window ~0.6 s before its first paint (bench/bench_startup.py).

log = logging.getLogger(__name__)

#: How long a reachability probe may take; short so a dead network never queues a sync for long.
PROBE_TIMEOUT_S = 3.0


class SyncWorker(QObject):
    """Runs on the sync thread. Every slot is invoked through a queued connection."""

    snapshot = Signal(object)          # SyncSnapshot
    progress = Signal(str, int, int)   # stage, done, total
    sync_started = Signal()
    sync_finished = Signal(object)     # SyncResult
    sync_failed = Signal(str)          # the error in the client's words
    sync_cancelled = Signal()          # stopped by the person (取消): nothing lost, edits wait
    reachability = Signal(bool)        # server answered (any HTTP status) or not
    enrolled = Signal(object)          # SyncSnapshot after a successful enrollment
    enroll_failed = Signal(str)
    conflict_resolved = Signal(str)    # conflict id
    conflict_failed = Signal(str, str)  # conflict id, message
    held_done = Signal(str, int)       # "retry"/"discard", change id (a snapshot follows)
    held_failed = Signal(int, str)     # change id, message

    def __init__(self, db_path: Path, data_dir: Path) -> None:
        super().__init__()
        self._db_path = db_path
        self._data_dir = data_dir
        self._store: Store | None = None
        self._syncing = False
        self._last_progress_emit = 0.0
        self._cancel: Cancel | None = None  # the running sync's stop switch (read by the GUI thread)

    def cancel_sync(self) -> bool:
        """Stop the running sync now. Called on the GUI thread, directly (the sync thread is busy
        in a request): between requests it stops; a request in flight is aborted. False: none ran."""
        cancel = self._cancel
        if cancel is None:
            return False
        cancel.cancel()
        return True

    # -- life cycle (called on the sync thread) ------------------------------------------------
    @Slot()
    def open(self) -> None:
        self._require_store()
        self.refresh()

    @Slot()
    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def _require_store(self) -> Store:
        if self._store is None:
            from gridpad.app.startup import open_device_store

            self._store = open_device_store(self._db_path)
        return self._store

    # -- status ---------------------------------------------------------------------------------
    def _snapshot(self) -> SyncSnapshot:
        from gridpad.app.syncing import snapshot

        return snapshot(self._require_store())

    @Slot()
    def refresh(self) -> None:
        try:
            self.snapshot.emit(self._snapshot())
        except Exception:  # a status read must never take the thread down
            log.exception("reading sync status failed")

    # -- sync -----------------------------------------------------------------------------------
    def _on_progress(self, stage: str, done: int, total: int) -> None:
        self.progress.emit(stage, done, total)
        now = time.monotonic()
        # Each acknowledged push batch shrinks the outbox: show it. Other stages, at most 4× a second.
        if stage == "push" or now - self._last_progress_emit > 0.25:
            self._last_progress_emit = now
            self.refresh()

    @Slot()
    def sync(self) -> None:
        from gridpad.app.syncing import Cancel, is_cancelled, is_enrolled, is_network_error, sync_now

        if self._syncing:
            return
        store = self._require_store()
        if not is_enrolled(store):
            self.refresh()
            return
        self._syncing = True
        self._cancel = Cancel()
        self.sync_started.emit()
        try:
            result = sync_now(store, self._data_dir, progress=self._on_progress, cancel=self._cancel)
        except Exception as exc:  # noqa: BLE001 - the client records last_error; the strip shows it
            if type(exc).__name__ == "DeviceRevokedError":
                self._store = None  # the client wiped and closed it; the next use opens a fresh one
            self._syncing = False
            self._cancel = None
            self.refresh()  # the status first, so listeners of the outcome see the new numbers
            if is_cancelled(exc):
                self.sync_cancelled.emit()
                return
            self.sync_failed.emit(str(exc) or type(exc).__name__)
            self.reachability.emit(not is_network_error(exc))
        else:
            self._syncing = False
            self._cancel = None
            self.refresh()
            self.sync_finished.emit(result)
            self.reachability.emit(True)

    @Slot()
    def probe(self) -> None:
        """Cheap reachability check: any HTTP answer from the server counts as online."""
        from gridpad.app.syncing import server_reachable

        try:
            reachable = server_reachable(self._require_store(), timeout_s=PROBE_TIMEOUT_S)
        except Exception:
            log.exception("reading sync status failed")
            return
        if reachable is not None:
            self.reachability.emit(reachable)

    # -- enrollment and conflicts ---------------------------------------------------------------
    @Slot(str, str)
    def enroll(self, server_url: str, code: str) -> None:
        from gridpad.app.syncing import enroll_device

        try:
            enroll_device(self._require_store(), server_url, code)
        except Exception as exc:  # noqa: BLE001 - any failure is shown on the enroll form; the thread lives on
            self.enroll_failed.emit(str(exc) or type(exc).__name__)
        else:
            self.enrolled.emit(self._snapshot())

    @Slot(object, str, object)
    def resolve(self, conflict: Conflict | int | str, choice: str, value: object) -> None:
        """``choice``: ``mine`` / ``theirs`` / ``edit`` (then ``value`` is the typed value)."""
        from gridpad.app.syncing import resolve_conflict

        cid = str(getattr(conflict, "id", conflict))
        try:
            resolve_conflict(self._require_store(), conflict, choice, value)
        except Exception as exc:  # noqa: BLE001 - shown beside the conflict; the thread lives on
            self.conflict_failed.emit(cid, str(exc) or type(exc).__name__)
        else:
            self.conflict_resolved.emit(cid)
        self.refresh()

    @Slot(str, int)
    def held_action(self, action: str, change_id: int) -> None:
        """``retry`` / ``discard`` a change the server refused (gridpad.app.syncing)."""
        from gridpad.app.syncing import discard_held, retry_held

        try:
            (retry_held if action == "retry" else discard_held)(self._require_store(), change_id)
        except Exception as exc:  # noqa: BLE001 - shown beside the change; the thread lives on
            self.held_failed.emit(change_id, str(exc) or type(exc).__name__)
        else:
            self.held_done.emit(action, change_id)
        self.refresh()


class SyncController(QObject):
    """GUI-thread face of sync: start/stop the thread, timers, and signals for the widgets."""

    # Requests to the worker (queued across threads).
    _do_open = Signal()
    _do_close = Signal()
    _do_sync = Signal()
    _do_probe = Signal()
    _do_refresh = Signal()
    _do_enroll = Signal(str, str)
    _do_resolve = Signal(object, str, object)
    _do_held = Signal(str, int)

    # Re-emitted for widgets.
    snapshot = Signal(object)
    progress = Signal(str, int, int)
    sync_started = Signal()
    sync_finished = Signal(object)
    sync_failed = Signal(str)
    sync_cancelled = Signal()
    cancelling = Signal()              # 取消 pressed: the sync stops within moments
    online_changed = Signal(bool)
    enrolled = Signal(object)
    enroll_failed = Signal(str)
    conflict_resolved = Signal(str)
    conflict_failed = Signal(str, str)
    held_done = Signal(str, int)
    held_failed = Signal(int, str)

    def __init__(self, db_path: Path, data_dir: Path, parent: QObject | None = None, *,
                 probe_ms: int = 30_000, periodic_ms: int = 600_000, refresh_ms: int = 5_000) -> None:
        super().__init__(parent)
        self.online: bool | None = None  # unknown until the first probe or sync
        self.syncing = False
        self.last_snapshot: SyncSnapshot | None = None
        self._stopped = False
        self._thread = QThread()
        self._thread.setObjectName("gridpad-sync")
        self._worker = SyncWorker(db_path, data_dir)
        self._worker.moveToThread(self._thread)
        self._do_open.connect(self._worker.open)
        self._do_close.connect(self._worker.close)
        self._do_sync.connect(self._worker.sync)
        self._do_probe.connect(self._worker.probe)
        self._do_refresh.connect(self._worker.refresh)
        self._do_enroll.connect(self._worker.enroll)
        self._do_resolve.connect(self._worker.resolve)
        self._do_held.connect(self._worker.held_action)
        w = self._worker
        w.snapshot.connect(self._on_snapshot)
        w.progress.connect(self.progress)
        w.sync_started.connect(self._on_started)
        w.sync_finished.connect(self._on_finished)
        w.sync_failed.connect(self._on_failed)
        w.sync_cancelled.connect(self._on_cancelled)
        w.reachability.connect(self._on_reachability)
        w.enrolled.connect(self._on_enrolled)
        w.enroll_failed.connect(self.enroll_failed)
        w.conflict_resolved.connect(self.conflict_resolved)
        w.conflict_failed.connect(self.conflict_failed)
        w.held_done.connect(self.held_done)
        w.held_failed.connect(self.held_failed)
        self._probe_timer = self._timer(probe_ms, self._do_probe.emit)
        self._periodic_timer = self._timer(periodic_ms, self.sync_now)
        self._refresh_timer = self._timer(refresh_ms, self._do_refresh.emit)

    def _timer(self, ms: int, slot: Callable[[], None]) -> QTimer:
        t = QTimer(self)
        t.setInterval(ms)
        t.timeout.connect(slot)
        return t

    # -- control --------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the thread and the timers (``make_context`` does, once). ``stop`` is called by
        ``shutdown_context``, or at interpreter exit for a window that never ran an event loop."""
        if self._thread.isRunning() or self._stopped:
            return
        atexit.register(_stop_controller, weakref.ref(self))
        self._thread.start()
        self._do_open.emit()
        self._do_probe.emit()
        for t in (self._probe_timer, self._periodic_timer, self._refresh_timer):
            t.start()

    def stop(self) -> None:
        """Stop timers, let a running sync finish, close the worker's connection, join the thread.
        Final: a start requested later (the store opened as the app was closing) does nothing."""
        self._stopped = True
        for t in (self._probe_timer, self._periodic_timer, self._refresh_timer):
            t.stop()
        if self._thread.isRunning():
            self._worker.cancel_sync()  # closing the app never waits on a silent server
            self._do_close.emit()
            self._thread.quit()
            self._thread.wait()

    def sync_now(self) -> None:
        self._do_sync.emit()

    def cancel_sync(self) -> None:
        """取消: stop the running sync (the outbox stays as it is; what the server receipted is sent)."""
        if self.syncing and self._worker.cancel_sync():
            self.cancelling.emit()

    def refresh(self) -> None:
        self._do_refresh.emit()

    def probe(self) -> None:
        self._do_probe.emit()

    def enroll(self, server_url: str, code: str) -> None:
        self._do_enroll.emit(server_url, code)

    def resolve(self, conflict: Conflict | int | str, choice: str, value: object = None) -> None:
        self._do_resolve.emit(conflict, choice, value)

    def retry_held(self, change_id: int) -> None:
        """Send a set-aside change again at the next sync, with its row's values now."""
        self._do_held.emit("retry", change_id)

    def discard_held(self, change_id: int) -> None:
        """Drop a set-aside change; the local value stays (listed as not on the server)."""
        self._do_held.emit("discard", change_id)

    # -- worker results -------------------------------------------------------------------------
    def _on_snapshot(self, snap: SyncSnapshot) -> None:
        self.last_snapshot = snap
        self.snapshot.emit(snap)

    def _on_started(self) -> None:
        self.syncing = True
        self.sync_started.emit()

    def _on_finished(self, result: SyncResult) -> None:
        self.syncing = False
        self.sync_finished.emit(result)

    def _on_failed(self, message: str) -> None:
        self.syncing = False
        self.sync_failed.emit(message)

    def _on_cancelled(self) -> None:
        self.syncing = False
        self.sync_cancelled.emit()

    def _on_enrolled(self, snap: SyncSnapshot) -> None:
        self._on_snapshot(snap)
        self.enrolled.emit(snap)
        self._do_probe.emit()

    def _on_reachability(self, reachable: bool) -> None:
        came_back = reachable and self.online is False
        changed = reachable != self.online
        self.online = reachable
        if changed:
            self.online_changed.emit(reachable)
        if came_back:  # the network returned: push what waited
            self.sync_now()


def _stop_controller(ref: weakref.ref[SyncController]) -> None:
    controller = ref()
    if controller is not None:
        controller.stop()
