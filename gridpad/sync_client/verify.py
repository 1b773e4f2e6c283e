"""End of sync: per-table counts and checksums against the server; a mismatching table is re-downloaded."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from gridpad.store import remote
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client.pull import pull_pages
from gridpad.sync_client.transport import ServerClient
from sync.protocol import Checksums, TableChecksum, table_checksum_values
from sync.schema import TABLES


def local_checksum(store: Store, table: str, grids: set[str]) -> TableChecksum:
    return table_checksum_values(table, remote.checksum_rows(store, table, grids))


def mismatching_tables(store: Store, client: ServerClient, tables: Iterable[str] | None = None) -> list[str]:
    """Tables whose local rows (in this device's grids) differ from the server's, skipping any
    table with local edits still waiting (those differ on purpose until pushed)."""
    # The server hashes its rows while this device hashes its own: both take time in proportion
    # to the table, so they run side by side (only the helper thread uses the HTTP client).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gridpad-checksums") as pool:
        answer = pool.submit(client.call, "GET", "/v1/checksums", Checksums)
        grids = set(DeviceMeta(store).grids)
        busy = {t for (t, _row) in remote.pending_fields_by_row(store)}
        names = [n for n in (tables if tables is not None else TABLES) if n in TABLES]
        mine = {n: local_checksum(store, n, grids) for n in names if n not in busy}
        server = answer.result().tables
    return [name for name, ours in sorted(mine.items()) if name in server and server[name] != ours]


def redownload(store: Store, client: ServerClient, table: str) -> int:
    """Fetch every current image of ``table`` from scratch; drop local rows the server does not hold."""
    seen: set[str] = set()
    applied = 0
    for rows, _nxt, _more in pull_pages(client, 0, table=table):
        mine = [r for r in rows if r["table"] == table]
        seen.update(str(r["id"]) for r in mine)
        applied += remote.apply_rows(store, mine, None)
    grids = set(DeviceMeta(store).grids)
    remote.drop_rows_not_on_server(store, table, seen, grids)
    return applied
