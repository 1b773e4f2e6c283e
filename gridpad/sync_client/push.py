"""Push: the outbox, oldest first, in gzip batches of at most 500; delete only what the server receipted.

A change the server refuses is set aside, never blocking the queue (:mod:`gridpad.store.held_changes`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gridpad.store import capture, held_changes, outbox, remote
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client.errors import RejectedError, SyncError
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
    set_aside: int = 0  # changes the server refused in this push, now set aside (held_changes)


#: Refusals that say the whole device is wrong, not one change: never set a change aside for them.
_DEVICE_WIDE = frozenset({"clock_ahead"})
#: Per-change refusals found while applying, one at a time (the others come all at once).
_SCOPE_ERRORS = frozenset({"out_of_scope"})


def refusals(exc: RejectedError, sent: set[int], *, scope: bool) -> list[held_changes.Refusal]:
    """The changes of ``sent`` the server refused one by one, to set aside (empty: refused as a
    whole). ``scope``: out-of-scope refusals too (after the device has checked its grids)."""
    if exc.error in _SCOPE_ERRORS and not scope:
        return []
    return [held_changes.Refusal(p.change_id, exc.error or "refused", p.rule, p.field)
            for p in exc.problems
            if p.change_id in sent and p.rule not in _DEVICE_WIDE]


def _report_backlog(store: Store, client: ServerClient, photo_backlog: int) -> None:
    """Nothing to send: tell the server what waits here (0 once drained) if it was told otherwise,
    with an empty push (an older app left the size of its last batch there)."""
    waiting = outbox.count(store)
    reported = DeviceMeta(store).reported_backlog
    if reported == waiting or (reported is None and remote.cursor(store) == 0):
        return  # told already, or a device that never synced: the server holds nothing stale
    body = PushRequest(device_id=client.device_id or "", changes=[], backlog=waiting,
                       photo_backlog=photo_backlog)
    client.call("POST", "/v1/push", PushResponse, body=body, gzip_body=True)
    DeviceMeta(store).reported_backlog = waiting


def push_outbox(store: Store, client: ServerClient, *, photo_backlog: int = 0,
                progress: Progress | None = None, batch: int = MAX_BATCH,
                grids: Iterable[str] | None = None, hold_out_of_scope: bool = False,
                out: PushOutcome | None = None) -> PushOutcome:
    """Send every pending change; raises SyncError with the outbox intact on any failure.

    ``grids``: the grids this device holds; changes to rows of other grids (taken away since the
    edit) stay in the outbox unsent, counted in ``held_back``, instead of failing the whole batch.
    A change the server refuses by id is set aside (:mod:`gridpad.store.held_changes`) with the
    ones waiting behind it, and the batch is sent again without them. ``out``: add to these counts
    (a push started again after a refusal)."""
    out = out if out is not None else PushOutcome()
    total = outbox.count(store)
    outside = remote.changes_outside(store, grids) if grids is not None and total else set()
    out.held_back = len(outside)
    skip = outside | held_changes.not_sendable(store)
    total -= len(skip)
    repairs = 0
    while True:
        try:
            waiting = outbox.pending(store, limit=batch + len(skip))
        except outbox.UnreadableChangeError as exc:  # reported in one line, never a traceback
            raise SyncError(str(exc)) from None
        changes = [c for c in waiting if c.change_id not in skip][:batch]
        if not changes:
            _report_backlog(store, client, photo_backlog)
            return out
        body = PushRequest(
            device_id=client.device_id or "",
            changes=[Change.model_validate(c, from_attributes=True) for c in changes],
            backlog=outbox.count(store) - len(changes),  # what remains here after this batch
            photo_backlog=photo_backlog,
        )
        sent = {c.change_id for c in changes}
        if progress:  # said before the request: a silent server shows where the sync waits
            progress("push", out.pushed, max(total, out.pushed + len(changes)))
        try:
            answer = client.call("POST", "/v1/push", PushResponse, body=body, gzip_body=True)
        except RejectedError as exc:
            if repairs < MAX_REPAIRS and repair_outbox(store, exc):
                repairs += 1  # re-stamped or re-keyed: find what is held back, build the batch again
                outside = remote.changes_outside(store, grids) if grids is not None else set()
                skip = outside | held_changes.not_sendable(store)
                continue
            refused = refusals(exc, sent, scope=hold_out_of_scope)
            if not refused:
                raise
            # Set aside what was refused (and what waits behind it); send the rest again.
            added = held_changes.hold(store, refused)
            if not added:  # nothing new to set aside: the same refusal would come again
                raise
            out.set_aside += added
            again = held_changes.not_sendable(store) - skip
            skip |= again
            total -= len(again)
            continue
        DeviceMeta(store).reported_backlog = body.backlog or 0
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
