"""Conflicts for the review list: fetched from the server during sync, cached for the UI.

Resolving is either a server-side choice (keep the stored value, or write the losing value as a
new edit) or an ordinary new local edit that syncs like any other.
"""

from __future__ import annotations

from typing import Any, Literal

from gridpad.store import repo
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client import enroll as meta_keys
from gridpad.sync_client.transport import ServerClient
from sync.protocol import Conflict, ConflictList, ResolveRequest

CHOICES = ("kept", "lost", "mine", "theirs", "edit")


def fetch_open(store: Store, client: ServerClient) -> list[Conflict]:
    """GET /v1/conflicts (open ones, the device's grids) and cache them for :func:`list_open`."""
    found = client.call("GET", "/v1/conflicts", ConflictList).conflicts
    open_ = [c for c in found if not c.resolved]
    DeviceMeta(store).open_conflicts = [c.model_dump(mode="json") for c in open_]
    return open_


def list_open(store: Store) -> list[Conflict]:
    """Open conflicts as of the last sync (no network: the UI calls this often)."""
    return [Conflict.model_validate(c) for c in DeviceMeta(store).open_conflicts or []]


def _server_choice(store: Store, conflict: Conflict, choice: str) -> Literal["kept", "lost"]:
    if choice == "kept":
        return "kept"
    if choice == "lost":
        return "lost"
    me = DeviceMeta(store).enrolled_device_id
    mine_lost = conflict.lost.device_id == me
    if choice == "mine":
        return "lost" if mine_lost else "kept"
    return "kept" if mine_lost else "lost"  # theirs


def resolve(store: Store, conflict: Conflict | int | str, choice: str, value: Any = None,
            *, client: ServerClient | None = None) -> None:
    """``kept``/``lost`` (or ``mine``/``theirs``, relative to this device) are sent to the server;
    ``edit`` writes ``value`` as an ordinary local edit (pushed at the next sync) and closes the
    conflict keeping the stored value until that edit arrives."""
    if choice not in CHOICES:
        raise ValueError(f"choice: must be one of {', '.join(CHOICES)}")
    if not isinstance(conflict, Conflict):
        wanted = int(conflict)
        matches = [c for c in list_open(store) if c.id == wanted]
        if not matches:
            raise ValueError(f"conflict {wanted}: not among the open conflicts of the last sync")
        conflict = matches[0]
    server_choice: Literal["kept", "lost"]
    if choice == "edit":
        repo.update(store, conflict.table, conflict.row_id, {conflict.field: value})
        server_choice = "kept"
    else:
        server_choice = _server_choice(store, conflict, choice)
    own = client is None
    if client is None:
        client = meta_keys.client_for(store)
    try:
        client.call("POST", f"/v1/conflicts/{conflict.id}/resolve", Conflict,
                    body=ResolveRequest(choice=server_choice))
    finally:
        if own:
            client.close()
    left = [c for c in list_open(store) if c.id != conflict.id]
    DeviceMeta(store).open_conflicts = [c.model_dump(mode="json") for c in left]
