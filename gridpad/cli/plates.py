"""``gridpad plates [--grid CODE] [--building ID…] --out FILE.pdf|png``: print door-plate labels.

Which buildings: the ``--building`` ids, else every building of ``--grid``, else every building in
this tablet's grids. Addresses and names come from the local store.

Who signs: a plate carries the central system's Ed25519 signature, and the tablet has no private
key. So the payloads are fetched from the enrolled server (``POST /v1/plates``). For a demo data
dir with no server, or to print offline from a copy of the server's key, set
``GRIDPAD_PLATE_KEY=/path/to/key.pem`` (see :mod:`gridpad.qr.local_key`); that key then signs
locally and no network is used.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from gridpad import config
from gridpad.cli import CommandError
from gridpad.qr.local_key import local_signing_key
from gridpad.qr.scan import store_grids
from gridpad.store import repo
from gridpad.store.db import Store, open_store
from gridpad.store.errors import StoreVersionError
from sync import doorplate
from sync.labels import Plate, render_sheet

_BATCH = 1000  # the server's PlatesRequest limit


def _buildings(store: Store, args: argparse.Namespace) -> list[dict[str, object]]:
    if args.building:
        rows = []
        for building_id in dict.fromkeys(args.building):
            row = repo.get(store, "building", building_id)
            if row is None or row.get("_deleted"):
                raise CommandError(f"--building {building_id}: no such building in this data dir")
            if args.grid and row["grid_id"] != args.grid:
                raise CommandError(
                    f"--building {building_id}: belongs to grid {row['grid_id']}, not {args.grid}")
            rows.append(row)
        return rows
    if args.grid:
        grids = {args.grid}
        known = {r["id"] for r in repo.rows(store, "grid")} | store_grids(store)
        if args.grid not in known:
            held = ", ".join(sorted(known)) or "none"
            raise CommandError(f"--grid {args.grid}: no such grid here (grids here: {held})")
    else:
        grids = set(store_grids(store))
    rows = [r for r in repo.rows(store, "building") if r["grid_id"] in grids]
    rows.sort(key=lambda r: (str(r["grid_id"]), str(r.get("address") or ""), str(r["id"])))
    if not rows:
        where = f"grid {args.grid}" if args.grid else "this data dir's grids"
        raise CommandError(f"no buildings in {where}: nothing to print")
    return rows


def _server_payloads(store: Store, ids: Sequence[str]) -> dict[str, str]:
    from gridpad.sync_client.enroll import client_for
    from gridpad.sync_client.errors import NotEnrolledError, SyncError
    from sync.protocol import PlatesRequest, PlatesResponse

    try:
        client = client_for(store)
    except NotEnrolledError:
        raise CommandError("plates must be signed by the central system: enroll this device (`gridpad "
                           "enroll`) or set GRIDPAD_PLATE_KEY to a signing key file (PEM)") from None
    payloads: dict[str, str] = {}
    try:
        for start in range(0, len(ids), _BATCH):
            batch = list(ids[start:start + _BATCH])
            body = client.call("POST", "/v1/plates", PlatesResponse, body=PlatesRequest(building_ids=batch))
            payloads.update((plate.building_id, plate.payload) for plate in body.plates)
    except SyncError as exc:
        raise CommandError(f"fetching signed plates: {exc}") from None
    finally:
        client.close()
    missing = [i for i in ids if i not in payloads]
    if missing:
        raise CommandError(f"the server returned no plate for building {missing[0]}")
    return payloads


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".png"):
        raise CommandError(f"--out {out}: must end in .pdf or .png")
    if not out.parent.is_dir():
        raise CommandError(f"--out {out}: no such directory {out.parent}")
    try:
        local = local_signing_key()
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    directory = config.data_dir(args.data_dir)
    path = config.db_path(directory)
    if not path.exists():
        raise CommandError(f"no database in {directory}: run `gridpad enroll` or `gridpad seed-demo` first")
    try:
        store = open_store(path)
    except StoreVersionError as exc:
        raise CommandError(str(exc)) from None
    try:
        rows = _buildings(store, args)
        ids = [str(r["id"]) for r in rows]
        if local is not None:
            key_id, key = local
            try:
                payloads = {i: doorplate.make_payload(i, key, key_id) for i in ids}
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        else:
            payloads = _server_payloads(store, ids)
    finally:
        store.close()
    plates = [Plate(payloads[str(r["id"])], str(r.get("address") or ""), str(r.get("name") or ""))
              for r in rows]
    try:
        written = render_sheet(plates, out)
    except (ValueError, RuntimeError, OSError) as exc:
        raise CommandError(str(exc)) from None
    for file in written:
        print(file)
    return 0
