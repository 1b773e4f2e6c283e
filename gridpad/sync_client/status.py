"""What the status strip shows: enrolled?, last success, last error in plain words, backlogs.

Read from the local store only (no network), so the UI can refresh it every few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gridpad.store import outbox, remote
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server_url: str | None
    last_success_at: str | None
    last_error: str | None
    outbox_count: int
    photo_backlog: int
    open_conflicts: int
    #: Rows the server holds that break the shared rules (stored before it checked whole rows).
    rows_to_correct: int = 0


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
    meta = DeviceMeta(store)
    url = meta.server_url
    return SyncStatus(
        enrolled=bool(url and meta.enrolled_device_id),
        server_url=url,
        last_success_at=meta.last_success_at,
        last_error=meta.last_error,
        outbox_count=outbox.count(store),
        photo_backlog=len(photo_backlog(store)),
        open_conflicts=sum(1 for c in meta.open_conflicts or [] if not c.get("resolved")),
        rows_to_correct=len({(t, r) for t, r, _f, _rule in remote.rule_breaches(store)}),
    )


def mark_success(store: Store, attempt: str) -> None:
    meta = DeviceMeta(store)
    with store.transaction():
        meta.last_attempt_at = attempt
        meta.last_success_at = now_iso()
        meta.last_error = None


def mark_failure(store: Store, message: str, attempt: str) -> None:
    meta = DeviceMeta(store)
    with store.transaction():
        meta.last_attempt_at = attempt
        meta.last_error = message
