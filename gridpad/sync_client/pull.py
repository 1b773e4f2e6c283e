"""Pull: row images since the stored cursor, each page applied with its cursor in one transaction."""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

from gridpad.store import remote
from gridpad.store.db import Store
from gridpad.sync_client.transport import ServerClient
from sync.protocol import MAX_PULL_LIMIT

Progress = Callable[[str, int, int], None]


#: The first page of a pull is this small (then each page doubles up to the limit): applying
#: starts sooner, and the next, bigger page downloads meanwhile.
FIRST_PAGE = 1000


def pull_pages(client: ServerClient, since: int, *, limit: int = MAX_PULL_LIMIT,
               table: str | None = None) -> Iterator[tuple[list[Any], int, bool]]:
    """Yield ``(rows, next_cursor, more)`` pages from ``since`` until the server says there is no more."""
    size = min(limit, FIRST_PAGE)
    while True:
        params: dict[str, Any] = {"since": since, "limit": size}
        size = min(limit, size * 2)
        if table is not None:
            params["table"] = table
        page = client.call("GET", "/v1/pull", params=params)
        rows = page.get("rows", [])
        nxt = int(page.get("next_cursor", since))
        more = bool(page.get("more")) and nxt > since
        yield rows, nxt, more
        if not more:
            return
        since = nxt


Page = tuple[list[Any], int, bool]


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
        except BaseException as exc:  # handed to the caller, raised there
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


def pull_all(store: Store, client: ServerClient, *, progress: Progress | None = None,
             limit: int = MAX_PULL_LIMIT) -> int:
    """Apply every page since the cursor (the next page downloads while one is applied);
    returns the number of rows applied."""
    pulled = 0
    since = remote.cursor(store)
    pages = pull_pages(client, since, limit=limit)
    first = next(pages, None)
    if first is None:
        return 0
    # Most syncs need one page: no helper thread for them (starting one costs milliseconds).
    rest: Iterator[Page] = _prefetched(pages) if first[2] else iter(())
    for rows, nxt, _more in itertools.chain([first], rest):
        if rows or nxt != since:  # an empty answer changes nothing: no write transaction
            pulled += remote.apply_rows(store, rows, nxt)
            since = nxt
        if progress:
            progress("pull", pulled, pulled)
    return pulled
