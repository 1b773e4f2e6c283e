"""Push: the outbox, oldest first, in gzip batches of at most 500; delete only what the server receipted."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gridpad.store import outbox, remote
from gridpad.store.db import Store
from gridpad.sync_client.errors import RejectedError, SyncError
from gridpad.sync_client.transport import ServerClient
from sync.protocol import MAX_BATCH, Change, PushRequest, PushResponse

Progress = Callable[[str, int, int], None]


@dataclass
class PushOutcome:
    pushed: int = 0
    conflicts: int = 0
    server_time_ms: int = 0
    held_back: int = 0  # changes to rows of grids this device no longer holds: kept, not sent


def push_outbox(store: Store, client: ServerClient, *, photo_backlog: int = 0,
                progress: Progress | None = None, batch: int = MAX_BATCH,
                grids: Iterable[str] | None = None) -> PushOutcome:
    """Send every pending change; raises SyncError with the outbox intact on any failure.

    ``grids``: the grids this device holds; changes to rows of other grids (taken away since the
    edit) stay in the outbox unsent, counted in ``held_back``, instead of failing the whole batch."""
    out = PushOutcome()
    total = outbox.count(store)
    outside = remote.changes_outside(store, grids) if grids is not None and total else set()
    out.held_back = len(outside)
    total -= len(outside)
    while True:
        try:
            waiting = outbox.pending(store, limit=batch + len(outside))
        except outbox.UnreadableChangeError as exc:  # reported in one line, never a traceback
            raise SyncError(str(exc)) from None
        changes = [c for c in waiting if c.change_id not in outside][:batch]
        if not changes:
            return out
        body = PushRequest(
            device_id=client.device_id or "",
            changes=[Change.model_validate(c, from_attributes=True) for c in changes],
            backlog=max(total - out.pushed, len(changes)),
            photo_backlog=photo_backlog,
        )
        answer = client.call("POST", "/v1/push", PushResponse, body=body, gzip_body=True)
        sent = {c.change_id for c in changes}
        receipt = [c for c in answer.receipt if c in sent]
        if not receipt:
            # The server took the batch but receipted none of it: pushing again would loop forever.
            raise RejectedError("the server acknowledged none of the changes sent")
        outbox.ack(store, receipt)
        out.pushed += len(receipt)
        out.conflicts += answer.conflicts
        out.server_time_ms = answer.server_time_ms
        if progress:
            progress("push", out.pushed, max(total, out.pushed))
