"""Conflicts for the review list: fetched from the server during sync, cached for the UI.

Resolving happens on the tablet at once: the chosen value (mine, theirs, or a typed one) becomes
an ordinary local edit when the row holds another value (so search and every page show it now, and
it syncs like any edit), and the conflict is marked resolved in the cache. The next sync pushes the
edit first, then tells the server to close the conflict keeping what it stores (which by then is the
chosen value): no network is needed to resolve, and a resolution made offline is not lost.
"""

from __future__ import annotations

from typing import Any, Literal

from gridpad.store import repo
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client.errors import RejectedError
from gridpad.sync_client.transport import ServerClient
from sync.protocol import Conflict, ConflictList, ResolveRequest

CHOICES = ("kept", "lost", "mine", "theirs", "edit")


def _cached(store: Store) -> list[Conflict]:
    return [Conflict.model_validate(c) for c in DeviceMeta(store).open_conflicts or []]


def _save(store: Store, conflicts: list[Conflict]) -> None:
    DeviceMeta(store).open_conflicts = [c.model_dump(mode="json") for c in conflicts]


def fetch_open(store: Store, client: ServerClient) -> list[Conflict]:
    """GET /v1/conflicts (open ones, the device's grids) and cache them for :func:`list_open`;
    resolutions made here and not yet sent stay in the cache (and out of the open list)."""
    found = client.call("GET", "/v1/conflicts", ConflictList).conflicts
    waiting = [c for c in _cached(store) if c.resolved]
    done_here = {c.id for c in waiting}
    open_ = [c for c in found if not c.resolved and c.id not in done_here]
    _save(store, open_ + waiting)
    return open_


def list_open(store: Store) -> list[Conflict]:
    """Open conflicts as of the last sync, less those resolved here since (no network)."""
    return [c for c in _cached(store) if not c.resolved]


def resolved_unsent(store: Store) -> list[Conflict]:
    """Conflicts resolved on this tablet whose closing the server has not been told yet."""
    return [c for c in _cached(store) if c.resolved]


def _mine_lost(store: Store, conflict: Conflict) -> bool:
    return conflict.lost.device_id == DeviceMeta(store).enrolled_device_id


def server_choice(store: Store, conflict: Conflict, choice: str) -> Literal["kept", "lost"]:
    """``choice`` in the server's words: ``kept`` (the stored value) or ``lost`` (the other)."""
    if choice not in CHOICES:
        raise ValueError(f"choice: must be one of {', '.join(CHOICES)}")
    if choice in ("mine", "theirs"):
        return "lost" if (choice == "mine") == _mine_lost(store, conflict) else "kept"
    return "lost" if choice == "lost" else "kept"


def chosen_value(store: Store, conflict: Conflict, choice: str, value: Any = None) -> Any:
    """The value the row must hold after ``choice`` (``kept``/``lost`` as the server says them,
    ``mine``/``theirs`` relative to this device, ``edit``: ``value``)."""
    if choice == "edit":
        return value
    return conflict.kept_value if server_choice(store, conflict, choice) == "kept" else conflict.lost_value


def find_open(store: Store, conflict: Conflict | int | str) -> Conflict:
    """The open conflict ``conflict`` names (its id, or the conflict itself as listed)."""
    wanted = conflict.id if isinstance(conflict, Conflict) else int(conflict)
    matches = [c for c in list_open(store) if c.id == wanted]
    if not matches:
        raise ValueError(f"conflict {wanted}: not among the open conflicts of the last sync")
    return matches[0]


def resolve(store: Store, conflict: Conflict | int | str, choice: str, value: Any = None) -> None:
    """Apply ``choice`` here now (raises the store's validation error for a typed value that breaks
    a rule, changing nothing); the server is told at the next sync (:func:`send_resolutions`)."""
    found = find_open(store, conflict)
    with store.transaction():
        if found.kind == "field":
            target = chosen_value(store, found, choice, value)
            current = repo.get(store, found.table, found.row_id)
            if current is not None and found.field in current and current[found.field] != target:
                repo.update(store, found.table, found.row_id, {found.field: target})
            # "kept" whatever was chosen: the edit above, pushed first, is what the server stores.
            said: Literal["kept", "lost"] = "kept"
        else:  # an edit raced a delete: the server decides (tombstone kept, or the edit written back)
            said = "kept" if choice == "edit" else server_choice(store, found, choice)
        done = found.model_copy(update={"resolved": True, "resolution": said})
        _save(store, [done if c.id == found.id else c for c in _cached(store)])


def send_resolutions(store: Store, client: ServerClient) -> int:
    """Close on the server the conflicts resolved here (after the push carried their values);
    returns how many. One the server no longer has open (another tablet closed it, or it left
    the grids) is simply dropped."""
    sent = 0
    for c in resolved_unsent(store):
        try:
            choice: Literal["kept", "lost"] = "lost" if c.resolution == "lost" else "kept"
            client.call("POST", f"/v1/conflicts/{c.id}/resolve", Conflict, body=ResolveRequest(choice=choice))
        except RejectedError as exc:
            if exc.status not in (404, 409):
                raise
        _save(store, [k for k in _cached(store) if k.id != c.id])
        sent += 1
    return sent
