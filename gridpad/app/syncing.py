"""Sync for the UI's sync thread and the CLI: enroll, sync once, status, conflicts.

Thin over ``gridpad.sync_client`` (which does the network and keeps its rules). The UI's sync
thread imports this module as the app starts, while the window is built: the sync engine and
enrollment (requests, the push/pull machinery) are imported on first use, not with the status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gridpad.app.sync_review import (
    NotAllowedError,
    OpenTarget,
    RecordLabel,
    RecordToCorrect,
    ResolvePolicy,
    breaches_of,
    everyone,
    labels_for,
    records_to_correct,
    resolver_of,
)
from gridpad.store import held_changes
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.store.held_changes import HeldChange, NoSuchHeldChangeError, NotOnServer
from gridpad.store.outbox_stats import count_by_table
from gridpad.sync_client import conflicts as conflict_api
from gridpad.sync_client.cancel import Cancel
from gridpad.sync_client.errors import SyncError
from gridpad.sync_client.status import SyncStatus, read_status
from sync.protocol import Conflict

if TYPE_CHECKING:
    from gridpad.sync_client.engine import Progress
    from gridpad.sync_client.engine import SyncResult as SyncResult  # named by the UI through here
    from gridpad.sync_client.enroll import Enrollment

__all__ = [
    "Cancel",
    "HeldChange",
    "NoSuchHeldChangeError",
    "NotAllowedError",
    "NotOnServer",
    "OpenTarget",
    "RecordLabel",
    "RecordToCorrect",
    "SyncError",
    "SyncSnapshot",
    "breaches_of",
    "discard_held",
    "enroll_device",
    "is_cancelled",
    "is_enrolled",
    "is_network_error",
    "list_held",
    "list_not_on_server",
    "remember_ca_bundle",
    "resolve_conflict",
    "retry_held",
    "server_reachable",
    "server_target",
    "snapshot",
    "sync_now",
]


@dataclass(frozen=True)
class SyncSnapshot:
    """What the status strip and the sync screen show: the client's status plus the extras."""

    status: SyncStatus
    outbox_by_table: dict[str, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    device_id: str | None = None  # as enrolled: tells "mine" from "theirs" in a conflict
    held: list[HeldChange] = field(default_factory=list)  # changes the server refused, set aside
    not_on_server: list[NotOnServer] = field(default_factory=list)  # discarded: local value only
    #: Which record each conflict and set-aside change is about (masked name, address, room).
    labels: dict[tuple[str, str], RecordLabel] = field(default_factory=dict)
    #: Rows the server holds that break the shared rules and still do here, to correct.
    to_correct: list[RecordToCorrect] = field(default_factory=list)
    #: Ids of the conflicts this user may resolve (:data:`RESOLVE_POLICY`).
    may_resolve: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ServerTarget:
    """Where the enrolled server is and how to trust it (for a reachability probe)."""

    url: str | None
    ca_bundle: str | None


#: Who may resolve which conflict. Everyone today; role rules (the review issue) replace this.
RESOLVE_POLICY: ResolvePolicy = everyone


def snapshot(store: Store) -> SyncSnapshot:
    """Local reads only (no network): cheap enough to refresh every few seconds."""
    conflicts = list(conflict_api.list_open(store))
    held = held_changes.list_held(store)
    resolver = resolver_of(store)
    return SyncSnapshot(
        read_status(store), count_by_table(store), conflicts, DeviceMeta(store).enrolled_device_id, held,
        held_changes.list_not_on_server(store),
        labels=labels_for(store, [(c.table, c.row_id) for c in conflicts]
                          + [(h.table, h.row_id) for h in held]),
        to_correct=records_to_correct(store),
        may_resolve=frozenset(c.id for c in conflicts if RESOLVE_POLICY(resolver, c)))


def list_held(store: Store) -> list[HeldChange]:
    """Changes the server refused, set aside (oldest first), each with how many wait behind it."""
    return held_changes.list_held(store)


def list_not_on_server(store: Store) -> list[NotOnServer]:
    """Rows whose refused change was discarded: the value on this device is not on the server."""
    return held_changes.list_not_on_server(store)


def retry_held(store: Store, change_id: int) -> HeldChange:
    """Send a set-aside change at the next sync, with the values its row holds now (fix the row
    first). Raises :class:`NoSuchHeldChangeError`."""
    return held_changes.retry(store, change_id)


def discard_held(store: Store, change_id: int) -> HeldChange:
    """Drop a set-aside change for good: the row keeps its local value, recorded as not on the
    server; the changes that waited behind it go at the next sync. Raises :class:`NoSuchHeldChangeError`."""
    return held_changes.discard(store, change_id)


def is_enrolled(store: Store) -> bool:
    return read_status(store).enrolled


def server_target(store: Store) -> ServerTarget:
    meta = DeviceMeta(store)
    return ServerTarget(meta.server_url, meta.ca_bundle)


def enroll_device(store: Store, server_url: str, code: str, *, ca_bundle: str | None = None,
                  device_name: str | None = None) -> Enrollment:
    """Trade a one-time code for this device's credential and scope (raises SyncError)."""
    from gridpad.sync_client.enroll import enroll

    return enroll(store, server_url, code, ca_bundle=ca_bundle, device_name=device_name)


def remember_ca_bundle(store: Store, bundle: Path) -> None:
    """Trust ``bundle`` for this device's server from now on (as ``--ca-bundle`` at enrollment)."""
    DeviceMeta(store).ca_bundle = str(bundle.resolve())


def sync_now(store: Store, data_dir: Path, *, progress: Progress | None = None,
             before_wipe: Callable[[str], None] | None = None, cancel: Cancel | None = None) -> SyncResult:
    """Push then pull once (raises SyncError; a revoked device is wiped and ``store`` closed).
    ``cancel``: :meth:`Cancel.cancel` from another thread stops it (``SyncCancelledError``)."""
    from gridpad.sync_client.engine import sync_once

    return sync_once(store, data_dir=data_dir, progress=progress, before_wipe=before_wipe, cancel=cancel)


def is_cancelled(exc: BaseException) -> bool:
    from gridpad.sync_client.errors import SyncCancelledError

    return isinstance(exc, SyncCancelledError)


def resolve_conflict(store: Store, conflict: Conflict | int | str, choice: str, value: Any = None) -> None:
    """``mine`` / ``theirs`` / ``edit`` (then ``value`` is the typed value), or ``kept`` / ``lost``.

    Applied here at once (the row, search and every page show the chosen value; it syncs as an
    ordinary edit), the server told at the next sync. Raises :class:`NotAllowedError` when the
    user's role may not resolve it, a validation error for a typed value that breaks a rule."""
    found = conflict_api.find_open(store, conflict)
    if not RESOLVE_POLICY(resolver_of(store), found):
        raise NotAllowedError(found.id)
    conflict_api.resolve(store, found, choice, value)


def is_network_error(exc: BaseException) -> bool:
    """The server could not be reached (as opposed to answering with a refusal)."""
    import requests

    from gridpad.sync_client.errors import ServerUnreachableError

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (ServerUnreachableError, requests.ConnectionError, requests.Timeout,
                             ConnectionError, TimeoutError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def server_reachable(store: Store, *, timeout_s: float) -> bool | None:
    """Whether the enrolled server answers at all (any HTTP answer counts); None when not enrolled."""
    import requests

    target = server_target(store)
    if not target.url:
        return None
    try:
        # As enrolled: a private CA must be trusted here too.
        requests.get(target.url.rstrip("/") + "/v1/me", timeout=timeout_s, verify=target.ca_bundle or True)
    except requests.RequestException:
        return False
    return True
