"""One sync: push the outbox, pull since the cursor, verify checksums, upload photos, refresh conflicts.

``sync_once`` is what ``gridpad sync`` and the UI's sync thread call. Every failure is recorded in
meta (``last_error``, in plain words) and raised as a :class:`SyncError`; nothing local is lost.
A revoked device is told so, then wiped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gridpad.store import held_changes, outbox, remote
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.store.held_changes import HeldChange
from gridpad.sync_client import breaches, conflicts, photos, set_aside, status, verify
from gridpad.sync_client.cancel import Cancel
from gridpad.sync_client.enroll import client_for
from gridpad.sync_client.errors import (
    DeviceRevokedError,
    HeldBackError,
    PhotosRefusedError,
    RejectedError,
    SyncCancelledError,
    SyncError,
)
from gridpad.sync_client.pull import PullOutcome, apply_scope, pull_all
from gridpad.sync_client.push import PushOutcome, push_outbox
from gridpad.sync_client.transport import RetryPolicy, ServerClient
from sync.protocol import Me

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

#: Meta flag: the last end-of-sync check found a difference (check again next time even if idle).
#: Checksums cost time in proportion to the tables on both sides (~0.5 s at 20k rows), so an
#: ordinary incremental sync does not pay for them: they run after a download from scratch, after
#: a mismatch, when asked, and otherwise at most this often (on a sync that moved something).
VERIFY_EVERY_S = 6 * 3600


@dataclass
class SyncResult:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0          # new conflicts the server recorded for this push
    open_conflicts: int = 0     # open conflicts in this device's grids after the sync
    photos_uploaded: int = 0
    photo_backlog: int = 0
    redownloaded: list[str] = field(default_factory=list)
    grids_changed: bool = False  # the server changed this device's grids (see pull.PullOutcome)
    purged: int = 0              # rows of grids taken away, removed from this device
    held_back: int = 0           # local edits to rows of grids not held: kept, unsent (HeldBackError)
    photos_refused: dict[str, str] = field(default_factory=dict)  # sha256 -> why (PhotosRefusedError)
    set_aside: int = 0           # changes the server refused in this sync, now set aside
    held: list[HeldChange] = field(default_factory=list)  # every change set aside after the sync
    rows_to_correct: int = 0     # rows of its grids that break the shared rules (sync_client.breaches)

    def summary(self) -> str:
        text = f"pushed {self.pushed}, pulled {self.pulled}, conflicts {self.conflicts}"
        if self.open_conflicts:
            text += f" ({self.open_conflicts} open)"
        if self.photos_uploaded or self.photo_backlog:
            text += f", photos uploaded {self.photos_uploaded}"
            if self.photo_backlog:
                text += f" ({self.photo_backlog} waiting)"
        if self.redownloaded:
            text += f", re-downloaded {', '.join(self.redownloaded)}"
        if self.rows_to_correct:
            text += f"; {self.rows_to_correct} records break the rules and need correcting"
        if self.grids_changed:
            text += f"; grids changed ({self.purged} rows of removed grids deleted)"
        if self.held_back:
            text += f"; {self.held_back} edits to a grid this device no longer holds kept, not sent"
        if self.held:
            text += "\n" + set_aside.headline(self.held)
            text += "".join(f"\n  {h.change_id}  {set_aside.describe(h)}" for h in self.held)
        return text


def _grids(store: Store) -> list[str]:
    return DeviceMeta(store).grids


def _verify_due(store: Store, asked: bool | None, from_scratch: bool, moved: bool) -> bool:
    if asked is not None:
        return asked
    meta = DeviceMeta(store)
    if meta.verify_due or (from_scratch and moved):
        return True
    return moved and time.time() - meta.verified_at > VERIFY_EVERY_S


def _run(store: Store, client: ServerClient, data_dir: Path, progress: Progress | None,
         check: bool | None) -> SyncResult:
    result = SyncResult()
    if progress:
        progress("connect", 0, 0)
    backlog = status.photo_backlog(store, data_dir)
    scope = PullOutcome()
    pushed = PushOutcome()
    try:
        push_outbox(store, client, photo_backlog=len(backlog), progress=progress,
                    grids=_grids(store) or None, out=pushed)
    except RejectedError as exc:
        # Refused as out of scope? The grids may have changed since the last pull: learn them
        # (one extra request, on this path only) and push again without the other grids' edits.
        if exc.status != 403 or exc.error != "out_of_scope":
            raise
        me = client.call("GET", "/v1/me", Me)
        apply_scope(store, me.grids, scope)
        if not scope.scope_changed:
            # Or an edited row left the grids (the office moved a person to another grid): the
            # pull says where it went, and its edits then wait like those of a grid taken away.
            pull_all(store, client, progress=progress, out=scope)
        # The grids as the server has them now: a change still out of scope is set aside.
        push_outbox(store, client, photo_backlog=len(backlog), progress=progress,
                    grids=_grids(store) or None, hold_out_of_scope=True, out=pushed)
    result.pushed, result.conflicts = pushed.pushed, pushed.conflicts
    result.held_back, result.set_aside = pushed.held_back, pushed.set_aside
    from_scratch = remote.cursor(store) == 0
    pulled = pull_all(store, client, progress=progress, out=scope)
    result.pulled = pulled.pulled
    result.grids_changed, result.purged = pulled.scope_changed, pulled.purged
    if result.held_back and pulled.scope_changed:  # a grid given back: its waiting edits can go now
        again = push_outbox(store, client, photo_backlog=len(backlog), grids=_grids(store) or None)
        result.pushed, result.conflicts = result.pushed + again.pushed, result.conflicts + again.conflicts
        result.held_back = again.held_back
    from_scratch = from_scratch or pulled.scope_changed  # checksums as after a first download
    moved = bool(result.pushed or result.pulled or result.grids_changed)
    if _verify_due(store, check, from_scratch, moved):
        if progress:
            progress("verify", 0, 1)
        for table in verify.mismatching_tables(store, client):
            log.warning("checksum mismatch in %s: downloading the table again", table)
            verify.redownload(store, client, table)
            result.redownloaded.append(table)
        with store.transaction():
            DeviceMeta(store).verify_due = bool(result.redownloaded)
            DeviceMeta(store).verified_at = time.time()
    uploaded = photos.upload_backlog(store, client, data_dir, progress=progress,
                                     refused=result.photos_refused)
    result.photos_uploaded = uploaded
    result.photo_backlog = len(status.photo_backlog(store, data_dir))
    # Conflicts resolved on this tablet: their values went with the push; now close them there.
    moved = conflicts.send_resolutions(store, client) > 0 or moved
    if moved or DeviceMeta(store).open_conflicts is None:
        result.open_conflicts = len(conflicts.fetch_open(store, client))
        result.rows_to_correct = breaches.fetch(store, client)
    else:
        result.open_conflicts = len(conflicts.list_open(store))
        result.rows_to_correct = breaches.rows_to_correct(store)
    result.held = held_changes.list_held(store)
    if result.held_back:  # all else is done; the held edits are said as the sync's error
        raise HeldBackError(result.held_back, result)
    if result.photos_refused:  # likewise photos the server will not take
        raise PhotosRefusedError(result.photos_refused, result)
    return result


def sync_once(store: Store, *, data_dir: Path, progress: Progress | None = None,
              client: ServerClient | None = None, retry: RetryPolicy | None = None,
              before_wipe: Callable[[str], None] | None = None, verify: bool | None = None,
              cancel: Cancel | None = None) -> SyncResult:
    """Push then pull once. Raises :class:`SyncError` (``str()`` is the plain-words reason).

    ``verify``: compare per-table checksums with the server at the end (None: when due, see
    :data:`VERIFY_EVERY_S`); a mismatching table is downloaded again.
    ``client``: reuse one across syncs to keep its token and connection (the UI may); by default
    a client is made from the enrollment in meta and the secret in the keyring, and closed after.
    On :class:`DeviceRevokedError` the local data is wiped and ``store`` is closed.
    ``cancel``: stops the sync from another thread (:class:`SyncCancelledError`; what the server
    receipted is sent, the rest stays in the outbox; not recorded as a failure).
    """
    attempt = status.now_iso()
    own = client is None
    try:
        if client is None:
            client = client_for(store, retry=retry, cancel=cancel)
        try:
            result = _run(store, client, Path(data_dir), progress, verify)
        finally:
            if own:
                client.close()
    except DeviceRevokedError as exc:
        from gridpad.sync_client.wipe import wipe_device

        if before_wipe:
            before_wipe(str(exc))
        wipe_device(store, Path(data_dir))
        raise
    except SyncCancelledError:
        raise
    except SyncError as exc:
        status.mark_failure(store, str(exc), attempt)
        raise
    except Exception as exc:  # a bug or a damaged file: still say so in the status, never silently
        log.exception("sync failed")
        status.mark_failure(store, f"sync failed: {type(exc).__name__}: {exc}", attempt)
        raise
    status.mark_success(store, attempt)
    if progress:
        progress("done", outbox.count(store), 0)
    return result
