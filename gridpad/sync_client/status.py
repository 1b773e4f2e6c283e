"""What the status strip shows: enrolled?, last success, last error in plain words, backlogs.

Read from the local store only (no network), so the UI can refresh it every few seconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gridpad.store import outbox, remote
from gridpad.store.db import Store
from gridpad.sync_client import enroll as meta_keys

LAST_SUCCESS = "sync_last_success_at"
LAST_ERROR = "sync_last_error"
LAST_ATTEMPT = "sync_last_attempt_at"
OPEN_CONFLICTS = "sync_open_conflicts"  # JSON list of the server's open conflicts, as of the last sync


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server_url: str | None
    last_success_at: str | None
    last_error: str | None
    outbox_count: int
    photo_backlog: int
    open_conflicts: int


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def photo_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "photos"


def photo_backlog(store: Store, data_dir: Path | None = None) -> list[str]:
    """Photos waiting for upload whose file is on this tablet (others cannot be sent from here).

    The data dir defaults to the database's folder (``<data_dir>/gridpad.sqlite``)."""
    folder = photo_dir(Path(data_dir) if data_dir is not None else Path(store.path).parent)
    return [sha for sha in remote.photos_to_upload(store) if (folder / sha).is_file()]


def read_status(store: Store) -> SyncStatus:
    url = store.get_meta(meta_keys.SERVER_URL)
    return SyncStatus(
        enrolled=bool(url and store.get_meta(meta_keys.DEVICE_ID)),
        server_url=url,
        last_success_at=store.get_meta(LAST_SUCCESS),
        last_error=store.get_meta(LAST_ERROR) or None,
        outbox_count=outbox.count(store),
        photo_backlog=len(photo_backlog(store)),
        open_conflicts=len(json.loads(store.get_meta(OPEN_CONFLICTS) or "[]")),
    )


def mark_success(store: Store, attempt: str) -> None:
    with store.transaction():
        store.set_meta(LAST_ATTEMPT, attempt)
        store.set_meta(LAST_SUCCESS, now_iso())
        store.set_meta(LAST_ERROR, None)


def mark_failure(store: Store, message: str, attempt: str) -> None:
    with store.transaction():
        store.set_meta(LAST_ATTEMPT, attempt)
        store.set_meta(LAST_ERROR, message)
