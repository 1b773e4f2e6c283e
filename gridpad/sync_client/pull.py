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
from sync.protocol import MAX_PULL_LIMIT, TableChecksum, row_values_digest
from sync.schema import DELETED, TABLES

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


class ReceivedSums:
    """Per-table count and checksum of the row images a download from scratch received (the
    latest image of each row), computed on the thread that fetches pages while the caller applies
    them: after a first download the device need not read and hash every row back."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], tuple[int, int]] = {}  # (table, id) -> (server_seq, digest)

    def add(self, rows: list[Any]) -> None:
        for row in rows:
            table = row.get("table")
            if table not in TABLES:
                continue  # a newer server's table: not applied either
            key, seq = (table, str(row["id"])), int(row["server_seq"])
            seen = self._rows.get(key)
            if seen is not None and seen[0] > seq:
                continue
            fields = row.get("fields") or {}
            deleted = fields.get(DELETED, row.get("deleted"))
            values = [fields.get(c) for c in TABLES[table].column_names]
            self._rows[key] = (seq, row_values_digest(table, key[1], bool(deleted), values))

    def tables(self) -> dict[str, TableChecksum]:
        sums: dict[str, list[int]] = {name: [0, 0] for name in TABLES}
        for (table, _id), (_seq, digest) in self._rows.items():
            sums[table][0] += 1
            sums[table][1] += digest
        return {name: TableChecksum(count=n, checksum=f"{total % (1 << 256):064x}")
                for name, (n, total) in sums.items()}


def _summed(pages: Iterator[Page], sums: ReceivedSums) -> Iterator[Page]:
    for page in pages:
        sums.add(page[0])
        yield page


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
             limit: int = MAX_PULL_LIMIT, received: ReceivedSums | None = None) -> int:
    """Apply every page since the cursor (the next page downloads while one is applied);
    returns the number of rows applied. ``received`` sums what came, on the fetching thread."""
    pulled = 0
    since = remote.cursor(store)
    pages = pull_pages(client, since, limit=limit)
    if received is not None:
        pages = _summed(pages, received)
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
