"""Form drafts, kept in the local database (gridpad.app.drafts) through the DB worker.

Forms save on every change (debounced), on leaving and on close; the saves are queued on the DB
thread in order, so a save made while the window closes is written before the store is closed.
Drafts hold what the user typed, ID numbers included: they are never logged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from gridpad.ui.db_worker import DbClient

Draft = dict[str, Any]

# gridpad.app.drafts is imported where used: forms open after start-up, when the DB thread has
# imported the store already, so the GUI thread does not pay for sqlite-utils before first paint.


class Drafts:
    """The GUI side: each method queues one gridpad.app.drafts call; results come to ``on_done``."""

    def __init__(self, db: DbClient) -> None:
        self._db = db

    def save(self, key: str, values: Draft) -> None:
        from gridpad.app import drafts

        self._db.call(drafts.save_draft, key, dict(values))

    def load(self, key: str, on_done: Callable[[Draft | None], None], owner: QObject | None = None) -> None:
        from gridpad.app import drafts

        self._db.call(drafts.load_draft, key, on_done=on_done, owner=owner)

    def discard(self, key: str) -> None:
        from gridpad.app import drafts

        self._db.call(drafts.discard_draft, key)

    def all(self, on_done: Callable[[list[tuple[str, Draft]]], None], owner: QObject | None = None) -> None:
        """Every draft as (key, values), most recent first."""
        from gridpad.app import drafts

        self._db.call(drafts.all_drafts, on_done=on_done, owner=owner)
