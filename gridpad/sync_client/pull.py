"""Pull: row images since the stored cursor, each page applied with its cursor in one transaction."""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from gridpad.store import remote
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client.transport import ServerClient
from sync.protocol import MAX_PULL_LIMIT, PullQuery, PullResponse

Progress = Callable[[str, int, int], None]

log = logging.getLogger(__name__)


#: One page as ``store.remote.apply_rows`` takes it: row images, the cursor after them, more to come?
Page = tuple[list[dict[str, Any]], int, bool]

#: The first page of a pull is this small (then each page doubles up to the limit): applying
#: starts sooner, and the next, bigger page downloads meanwhile.
FIRST_PAGE = 1000


def _raw_pages(client: ServerClient, since: int, *, limit: int = MAX_PULL_LIMIT,
               table: str | None = None) -> Iterator[PullResponse]:
    """The server's pull answers from ``since`` on, until it says there is no more."""
    size = min(limit, FIRST_PAGE)
    while True:
        query = PullQuery(since=since, limit=size, table=table)
        size = min(limit, size * 2)
        page = client.call("GET", "/v1/pull", PullResponse, params=query)
        yield page
        if not (page.more and page.next_cursor > since):
            return
        since = page.next_cursor


def _as_page(page: PullResponse, since: int) -> Page:
    # store.remote.apply_rows takes row images as mappings; the fields dicts are handed on, not copied.
    rows = [{"table": r.table, "id": r.id, "server_seq": r.server_seq, "deleted": r.deleted,
             "fields": r.fields} for r in page.rows]
    return rows, page.next_cursor, page.more and page.next_cursor > since


def pull_pages(client: ServerClient, since: int, *, limit: int = MAX_PULL_LIMIT,
               table: str | None = None) -> Iterator[Page]:
    """Yield ``(rows, next_cursor, more)`` pages from ``since`` until the server says there is no more."""
    for page in _raw_pages(client, since, limit=limit, table=table):
        rows, nxt, more = _as_page(page, since)
        yield rows, nxt, more
        since = nxt


def _prefetched(pages: Iterator[Page]) -> Iterator[Page]:
    """Fetch the next page on a helper thread while the caller applies the current one.

    Only the helper thread touches the HTTP client; the caller keeps the SQLite connection."""
    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def fetch() -> None:
        try:
            for page in pages:
                while not stop.is_set():
                    try:
                        box.put(("page", page), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            box.put(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consuming thread, raised there
            box.put(("error", exc))

    worker = threading.Thread(target=fetch, name="gridpad-pull-fetch", daemon=True)
    worker.start()
    try:
        while True:
            kind, item = box.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


@dataclass
class PullOutcome:
    pulled: int = 0
    scope_changed: bool = False   # the device's grids changed: pulled again from 0
    purged: int = 0               # rows of grids taken away, removed from this device


def apply_scope(store: Store, sent: list[str] | None, out: PullOutcome) -> bool:
    """Compare the grids the server sent with those held; on a change store them, drop the rows of
    removed grids and, if grids were added, reset the cursor to 0. True when grids were added."""
    if sent is None:  # a server from before grids travelled with the pull
        return False
    now = list(sent)
    held = DeviceMeta(store).grids
    if sorted(now) == sorted(held):
        return False
    added, removed = set(now) - set(held), set(held) - set(now)
    log.info("grids changed: %d added, %d removed", len(added), len(removed))
    out.scope_changed = True
    purged, _kept = remote.change_scope(store, now, removed, restart=bool(added))
    out.purged += purged
    return bool(added)


def pull_all(store: Store, client: ServerClient, *, progress: Progress | None = None,
             limit: int = MAX_PULL_LIMIT, out: PullOutcome | None = None) -> PullOutcome:
    """Apply every page since the cursor (the next page downloads while one is applied).

    The first answer carries the device's grids: when grids were added, the pull starts again
    from 0 (their older rows sit behind the cursor; applying what is held already is idempotent).
    ``out``: add to this outcome (a scope change already learnt during the push)."""
    out = out if out is not None else PullOutcome()
    since = remote.cursor(store)
    if progress:  # ("pull", page being received, 0: how many is not known): said before each page
        progress("pull", 1, 0)
    raw = _raw_pages(client, since, limit=limit)
    head = next(raw)
    if apply_scope(store, head.grids, out) and since != 0:
        since = 0
        raw = _raw_pages(client, since, limit=limit)
        head = next(raw)
    first = _as_page(head, since)
    # Most syncs need one page: no helper thread for them (starting one costs milliseconds).
    rest: Iterator[Page] = _prefetched(_following(raw, first[1])) if first[2] else iter(())
    for page_no, (rows, nxt, more) in enumerate(itertools.chain([first], rest), start=1):
        if rows or nxt != since:  # an empty answer changes nothing: no write transaction
            out.pulled += remote.apply_rows(store, rows, nxt)
            since = nxt
        if progress and more:
            progress("pull", page_no + 1, 0)
    return out


def _following(raw: Iterator[PullResponse], since: int) -> Iterator[Page]:
    for page in raw:
        rows, nxt, more = _as_page(page, since)
        yield rows, nxt, more
        since = nxt
