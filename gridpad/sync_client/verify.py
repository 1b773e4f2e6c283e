"""End of sync: per-table counts and checksums against the server; a mismatching table is re-downloaded."""

from __future__ import annotations

import json
from collections.abc import Iterable

from gridpad.store import remote
from gridpad.store.db import Store
from gridpad.sync_client import enroll as meta_keys
from gridpad.sync_client.pull import pull_pages
from gridpad.sync_client.transport import ServerClient
from sync.protocol import TableChecksum, table_checksum


def local_checksum(store: Store, table: str, grids: set[str]) -> TableChecksum:
    rows = ((rid, bool(f.pop("_deleted")), f) for rid, _seq, f in remote.table_images(store, table)
            if f.get("grid_id") in grids)
    return table_checksum(table, rows)


def mismatching_tables(store: Store, client: ServerClient, tables: Iterable[str] | None = None) -> list[str]:
    """Tables whose local rows (in this device's grids) differ from the server's, skipping any
    table with local edits still waiting (those differ on purpose until pushed)."""
    server = client.call("GET", "/v1/checksums").get("tables", {})
    grids = set(json.loads(store.get_meta(meta_keys.GRIDS) or "[]"))
    busy = {t for (t, _row) in remote.pending_fields_by_row(store)}
    wanted = set(tables) if tables is not None else set(server)
    bad = []
    for name in sorted(wanted & set(server)):
        if name in busy or name not in remote.TABLES:
            continue
        theirs = TableChecksum.model_validate(server[name])
        if local_checksum(store, name, grids) != theirs:
            bad.append(name)
    return bad


def redownload(store: Store, client: ServerClient, table: str) -> int:
    """Fetch every current image of ``table`` from scratch; drop local rows the server does not hold."""
    seen: set[str] = set()
    applied = 0
    for rows, _nxt in pull_pages(client, 0, table=table):
        mine = [r for r in rows if r.get("table") == table]
        seen.update(str(r["id"]) for r in mine)
        applied += remote.apply_rows(store, mine, None)
    grids = set(json.loads(store.get_meta(meta_keys.GRIDS) or "[]"))
    remote.drop_rows_not_on_server(store, table, seen, grids)
    return applied
