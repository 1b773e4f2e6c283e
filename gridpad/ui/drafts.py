"""Form drafts, kept in the local database (gridpad.store.drafts) through the DB worker.

Forms save on every change (debounced), on leaving and on close; the saves are queued on the DB
thread in order, so a save made while the window closes is written before the store is closed.
Drafts hold what the user typed, ID numbers included: they are never logged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject

from gridpad.ui.db_worker import DbClient

Draft = dict[str, Any]


# Store calls, run on the DB thread; gridpad.store is imported there, not at GUI start-up.
def _save(store: Any, key: str, values: Draft) -> None:
    from gridpad.store import drafts

    drafts.save(store, key, values)


def _load(store: Any, key: str) -> Draft | None:
    from gridpad.store import drafts

    return drafts.load(store, key)


def _discard(store: Any, key: str) -> None:
    from gridpad.store import drafts

    drafts.discard(store, key)


def _all(store: Any) -> list[tuple[str, Draft]]:
    from gridpad.store import drafts

    return drafts.all_drafts(store)


def _adopt(store: Any, directory: Path) -> int:
    from gridpad.store import drafts

    return drafts.adopt_files(store, directory)


class Drafts:
    """The GUI side: each method queues one store call; results come back to ``on_done``."""

    def __init__(self, db: DbClient) -> None:
        self._db = db

    def save(self, key: str, values: Draft) -> None:
        self._db.call(_save, key, dict(values))

    def load(self, key: str, on_done: Callable[[Draft | None], None], owner: QObject | None = None) -> None:
        self._db.call(_load, key, on_done=on_done, owner=owner)

    def discard(self, key: str) -> None:
        self._db.call(_discard, key)

    def all(self, on_done: Callable[[list[tuple[str, Draft]]], None], owner: QObject | None = None) -> None:
        """Every draft as (key, values), most recent first."""
        self._db.call(_all, on_done=on_done, owner=owner)

    def adopt_files(self, data_dir: Path) -> None:
        """Move drafts an older version left in ``<data dir>/drafts/*.json`` into the store."""
        self._db.call(_adopt, data_dir / "drafts")
