"""Pull: row images since the stored cursor, each page applied with its cursor in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gridpad.store import remote
from gridpad.store.db import Store
from gridpad.sync_client.transport import ServerClient
from sync.protocol import MAX_PULL_LIMIT

Progress = Callable[[str, int, int], None]


def pull_pages(client: ServerClient, since: int, *, limit: int = MAX_PULL_LIMIT,
               table: str | None = None) -> Any:
    """Yield ``(rows, next_cursor)`` pages from ``since`` until the server says there is no more."""
    while True:
        params: dict[str, Any] = {"since": since, "limit": limit}
        if table is not None:
            params["table"] = table
        page = client.call("GET", "/v1/pull", params=params)
        rows = page.get("rows", [])
        nxt = int(page.get("next_cursor", since))
        yield rows, nxt
        if not page.get("more") or nxt <= since:
            return
        since = nxt


def pull_all(store: Store, client: ServerClient, *, progress: Progress | None = None,
             limit: int = MAX_PULL_LIMIT) -> int:
    """Apply every page since the cursor; returns the number of rows applied."""
    pulled = 0
    since = remote.cursor(store)
    for rows, nxt in pull_pages(client, since, limit=limit):
        if rows or nxt != since:  # an empty answer changes nothing: no write transaction
            pulled += remote.apply_rows(store, rows, nxt)
            since = nxt
        if progress:
            progress("pull", pulled, pulled)
    return pulled
