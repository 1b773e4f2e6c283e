"""Push: the outbox, oldest first, in gzip batches of at most 500; delete only what the server receipted."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gridpad.store import capture, outbox, remote
from gridpad.store.db import Store
from gridpad.sync_client.errors import RejectedError
from gridpad.sync_client.transport import ServerClient
from sync import hlc
from sync.protocol import MAX_BATCH, Change, PushRequest, PushResponse

#: Repairs (re-stamp, re-key) one push may make before it gives up and reports the refusal.
MAX_REPAIRS = 4

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
    repairs = 0
    while True:
        changes = [c for c in outbox.pending(store, limit=batch + len(outside))
                   if c.change_id not in outside][:batch]
        if not changes:
            return out
        body = PushRequest(
            device_id=client.device_id or "",
            changes=[Change.model_validate(c, from_attributes=True) for c in changes],
            backlog=max(total - out.pushed, len(changes)),
            photo_backlog=photo_backlog,
        )
        try:
            answer = client.call("POST", "/v1/push", PushResponse, body=body, gzip_body=True)
        except RejectedError as exc:
            repairs += 1
            if repairs > MAX_REPAIRS or not repair_outbox(store, exc):
                raise
            if grids is not None:  # re-keyed ids: find the held-back ones again
                outside = remote.changes_outside(store, grids)
            continue  # the outbox was repaired: build the batch again
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


def repair_outbox(store: Store, refused: RejectedError) -> bool:
    """Repair the outbox for a refusal that the device can answer by itself (docs/clocks.md);
    True when it did, so the push may go again.

    * ``clock_ahead`` while this device's clock agrees with the server's again (it ran ahead and
      was fixed): the unsent changes stamped in the future take the server's time.
    * ``change_id_reused`` (the database was put back from an older copy): the unsent changes from
      the first reused id on move to ids above every one the server holds from this device."""
    body = refused.body
    if body is None:
        return False
    if body.error == "clock_ahead" and body.server_time_ms is not None:
        if hlc.too_far_ahead(hlc.send(0, hlc.now_ms()), body.server_time_ms):
            return False  # still ahead: the user must fix the time (the refusal says so)
        return capture.restamp_unsent(store, body.server_time_ms) > 0
    if body.error == "change_id_reused" and body.next_change_id is not None:
        reused = [p.change_id for p in body.problems if p.change_id is not None]
        return bool(reused) and capture.rekey_unsent(store, min(reused), body.next_change_id) > 0
    return False
