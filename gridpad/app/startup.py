"""What the app does with its store as it opens, in one DB request while the window is built.

The UI imports this module on the GUI thread at start-up, so it imports the store's modules only
inside :func:`open_session`, on the DB thread: sqlite-utils stays off the first paint's path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gridpad.app.lock_settings import LockSettings
    from gridpad.app.pin_lock import LockStatus
    from gridpad.store.db import Store as Store  # the UI names the type through this module


@dataclass(frozen=True)
class SessionStart:
    lock: LockSettings  # arms the privacy lock before anyone opens Settings
    lock_status: LockStatus  # with a PIN the window stays covered until it is entered
    drafts_adopted: int  # drafts an older version kept as files, moved into the store


def open_device_store(path: Path) -> Store:
    """Open (create, migrate) the device's database; one per worker thread."""
    from gridpad.store.db import open_store

    return open_store(path)


def open_session(store: Store, data_dir: Path) -> SessionStart:
    from gridpad.app.drafts import adopt_draft_files
    from gridpad.app.lock_settings import read_lock_settings
    from gridpad.app.pin_lock import lock_status

    adopted = adopt_draft_files(store, data_dir / "drafts")
    return SessionStart(read_lock_settings(store), lock_status(store), adopted)
