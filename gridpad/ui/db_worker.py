"""All database work on one worker thread with its own Store connection.

Screens call :meth:`DbClient.call` with a plain function ``fn(store, *args)``: a ``gridpad.app``
operation, or a read-only query from ``gridpad.store.views``; the function runs on the worker thread and its
result (or exception) comes back to the GUI thread by signal, tagged with a request id, and is
handed to the callbacks. Rule (from Anki's taskman): never touch widgets inside ``fn``.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal, Slot

if TYPE_CHECKING:
    from gridpad.app.startup import Store

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class DbWorker(QObject):
    """Lives on the worker thread; opens the store lazily there (sqlite connections are per thread).

    Signals:
        finished(request_id, result)
        failed(request_id, exception)
    """

    finished = Signal(int, object)
    failed = Signal(int, object)

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self._db_path = db_path
        self._store: Store | None = None

    @Slot(int, object, object)
    def run(self, request_id: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            if self._store is None:
                from gridpad.app.startup import open_device_store

                self._store = open_device_store(self._db_path)
            result = fn(self._store, *args)
        except Exception as exc:  # noqa: BLE001 - the worker thread lives on; the caller's callback decides
            log.debug("db request %d failed: %s", request_id, type(exc).__name__)
            self.failed.emit(request_id, exc)
        else:
            self.finished.emit(request_id, result)

    @Slot()
    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class DbClient(QObject):
    """The GUI-thread side: owns the worker thread and routes results to callbacks.

    Signals:
        busy_changed(bool): True while requests are pending.
        data_changed(str): emitted by screens after a write so other views refresh (the table name).
    """

    _submit = Signal(int, object, object)
    _close = Signal()
    busy_changed = Signal(bool)
    data_changed = Signal(str)

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[Done | None, Failed | None, QObject | None]] = {}
        self._thread = QThread()
        self._thread.setObjectName("gridpad-db")
        self._worker = DbWorker(db_path)
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._close.connect(self._worker.close)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._thread.start()

    def call(self, fn: Callable[..., Any], *args: Any, on_done: Done | None = None,
             on_error: Failed | None = None, owner: QObject | None = None) -> int:
        """Queue ``fn(store, *args)``; callbacks are skipped if ``owner`` was deleted meanwhile."""
        request_id = next(self._ids)
        self._pending[request_id] = (on_done, on_error, owner)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)
        self._submit.emit(request_id, fn, args)
        return request_id

    @property
    def pending(self) -> int:
        return len(self._pending)

    def _pop(self, request_id: int) -> tuple[Done | None, Failed | None, QObject | None]:
        entry = self._pending.pop(request_id, (None, None, None))
        if not self._pending:
            self.busy_changed.emit(False)
        return entry

    @Slot(int, object)
    def _on_finished(self, request_id: int, result: Any) -> None:
        on_done, _, owner = self._pop(request_id)
        if on_done is not None and (owner is None or shiboken6.isValid(owner)):
            on_done(result)

    @Slot(int, object)
    def _on_failed(self, request_id: int, exc: BaseException) -> None:
        _, on_error, owner = self._pop(request_id)
        if owner is not None and not shiboken6.isValid(owner):
            return
        if on_error is not None:
            on_error(exc)
        else:
            log.error("database request failed: %s", type(exc).__name__)

    def shutdown(self) -> None:
        """Close the worker's store on its own thread, then stop the thread."""
        if not self._thread.isRunning():
            return
        self._close.emit()
        self._thread.quit()
        self._thread.wait()
