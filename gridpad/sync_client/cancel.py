"""Stopping a sync from another thread: between requests, or in the middle of one.

The UI's sync thread blocks inside a request while the server answers (or not): :meth:`Cancel.cancel`,
called from the GUI thread, sets a flag every request checks first and shuts down the sockets the
client has open, so a request waiting on a silent server ends at once instead of at its timeout.
Every request is idempotent on the server (the push ledger), so an aborted one loses nothing.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import weakref

from gridpad.sync_client.errors import SyncCancelledError


class Cancel:
    """One sync's stop switch (thread-safe)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        """Stop: the next request is not sent, and one in flight fails now."""
        self._event.set()
        with self._lock:
            open_ = list(self._sockets)
        for sock in open_:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def check(self) -> None:
        """Raise :class:`SyncCancelledError` once cancelled."""
        if self._event.is_set():
            raise SyncCancelledError()

    def wait(self, seconds: float) -> None:
        """Sleep ``seconds`` (a retry's backoff) unless cancelled meanwhile; raise if cancelled."""
        self._event.wait(seconds)
        self.check()

    def track(self, sock: socket.socket) -> None:
        """A socket the client opened: shut down on :meth:`cancel` (at once if already cancelled)."""
        with self._lock:
            self._sockets.add(sock)
        if self._event.is_set():
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
