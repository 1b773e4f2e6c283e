"""Door-plate labels: which buildings, and their signed payloads (from the server, or a local key).

Messages name the ``gridpad plates`` options (``--building``, ``--grid``) the arguments come from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gridpad.qr.scan import store_grids
from gridpad.store import repo
from gridpad.store.db import Store
from sync import doorplate

_BATCH = 1000  # the server's PlatesRequest limit


class PlateError(Exception):
    """Nothing to print, or no way to sign: the message says why, in one line."""


def plate_buildings(store: Store, building_ids: Sequence[str], grid: str | None) -> list[dict[str, Any]]:
    """The ``building_ids`` (checked against ``grid``), else every building of ``grid``, else every
    building of this tablet's grids; sorted by grid, address, id."""
    if building_ids:
        rows = []
        for building_id in dict.fromkeys(building_ids):
            row = repo.get(store, "building", building_id)
            if row is None or row.get("_deleted"):
                raise PlateError(f"--building {building_id}: no such building in this data dir")
            if grid and row["grid_id"] != grid:
                raise PlateError(f"--building {building_id}: belongs to grid {row['grid_id']}, not {grid}")
            rows.append(row)
        return rows
    if grid:
        grids = {grid}
        known = {r["id"] for r in repo.rows(store, "grid")} | store_grids(store)
        if grid not in known:
            held = ", ".join(sorted(known)) or "none"
            raise PlateError(f"--grid {grid}: no such grid here (grids here: {held})")
    else:
        grids = set(store_grids(store))
    rows = [r for r in repo.rows(store, "building") if r["grid_id"] in grids]
    rows.sort(key=lambda r: (str(r["grid_id"]), str(r.get("address") or ""), str(r["id"])))
    if not rows:
        where = f"grid {grid}" if grid else "this data dir's grids"
        raise PlateError(f"no buildings in {where}: nothing to print")
    return rows


def signed_payloads(store: Store, ids: Sequence[str],
                    local_key: tuple[str, Ed25519PrivateKey] | None = None) -> dict[str, str]:
    """Building id -> signed plate payload: made with ``local_key`` (key id, key) when given,
    else fetched from the enrolled server (``POST /v1/plates``)."""
    if local_key is not None:
        key_id, key = local_key
        try:
            return {i: doorplate.make_payload(i, key, key_id) for i in ids}
        except ValueError as exc:
            raise PlateError(str(exc)) from None
    return _server_payloads(store, ids)


def _server_payloads(store: Store, ids: Sequence[str]) -> dict[str, str]:
    from gridpad.sync_client.enroll import client_for
    from gridpad.sync_client.errors import NotEnrolledError, SyncError
    from sync.protocol import PlatesRequest, PlatesResponse

    try:
        client = client_for(store)
    except NotEnrolledError:
        raise PlateError("plates must be signed by the central system: enroll this device (`gridpad "
                         "enroll`) or set GRIDPAD_PLATE_KEY to a signing key file (PEM)") from None
    payloads: dict[str, str] = {}
    try:
        for start in range(0, len(ids), _BATCH):
            batch = list(ids[start:start + _BATCH])
            body = client.call("POST", "/v1/plates", PlatesResponse, body=PlatesRequest(building_ids=batch))
            payloads.update((plate.building_id, plate.payload) for plate in body.plates)
    except SyncError as exc:
        raise PlateError(f"fetching signed plates: {exc}") from None
    finally:
        client.close()
    missing = [i for i in ids if i not in payloads]
    if missing:
        raise PlateError(f"the server returned no plate for building {missing[0]}")
    return payloads
