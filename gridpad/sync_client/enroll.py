"""Enrollment: trade a one-time code for a device credential (keyring) and the device's scope (meta)."""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gridpad.store import remote
from gridpad.store.db import Store
from gridpad.sync_client import credentials
from gridpad.sync_client.errors import KeyringUnavailableError, NotEnrolledError, RejectedError
from gridpad.sync_client.transport import RetryPolicy, ServerClient

# Keys in the store's meta table (other packages read these; see docs/internals.md).
SERVER_URL = "server_url"
DEVICE_ID = "enrolled_device_id"
USER = "user_name"
ROLE = "user_role"
GRIDS = remote.GRIDS_KEY
PLATE_KEYS = "plate_public_keys"
CA_BUNDLE = "ca_bundle"
ENROLLED_AT = "enrolled_at"


@dataclass(frozen=True)
class Enrollment:
    server_url: str
    device_id: str
    user: str
    role: str
    grids: list[str]


def _verify(ca_bundle: str | None) -> bool | str:
    if ca_bundle is None:
        return True
    path = Path(ca_bundle).expanduser()
    if not path.is_file():
        raise RejectedError(f"--ca-bundle: no such file {path}")
    return str(path.resolve())


def enroll(store: Store, server_url: str, code: str, *, ca_bundle: str | None = None,
           device_name: str | None = None, retry: RetryPolicy | None = None) -> Enrollment:
    """POST /v1/enroll; keep the secret in the keyring and the scope in meta. Raises SyncError."""
    code = code.strip()
    if not code:
        raise RejectedError("enrollment code: empty")
    problem = credentials.keyring_problem()
    if problem:  # checked (write, read back, delete) before the code is spent on the server
        raise KeyringUnavailableError(problem)
    client = ServerClient(server_url, verify=_verify(ca_bundle), retry=retry)
    try:
        body: dict[str, Any] = client.call("POST", "/v1/enroll", auth=False, json_body={
            "code": code, "device_id": store.device_id,
            "device_name": device_name or platform.node() or "gridpad",
        })
    finally:
        client.close()
    device_id = str(body.get("device_id") or store.device_id)
    secret = body.get("device_secret")
    if not secret:
        raise RejectedError("enrollment answer carried no device credential")
    try:
        credentials.save_secret(device_id, str(secret))
        kept = credentials.load_secret(device_id) == str(secret)
    except credentials.BACKEND_FAILURES as exc:  # the keyring passed the check a moment ago
        raise KeyringUnavailableError(f"the keyring failed after the code was used ({exc}): "
                                      "fix the keyring and ask for a new code") from exc
    if not kept:
        raise KeyringUnavailableError("the keyring lost the credential after the code was used: "
                                      "fix the keyring and ask for a new code")
    user_name = str(body.get("user", ""))
    role = str(body.get("role", ""))
    grids = [str(g) for g in body.get("grids") or []]
    keys = body.get("plate_public_keys") or {}
    with store.transaction():
        store.set_meta(SERVER_URL, client.base_url)
        store.set_meta(DEVICE_ID, device_id)
        store.set_meta(USER, user_name)
        store.set_meta(ROLE, role)
        store.set_meta(GRIDS, json.dumps(grids))
        store.set_meta(PLATE_KEYS, json.dumps(keys))
        store.set_meta(CA_BUNDLE, "" if ca_bundle is None else str(_verify(ca_bundle)))
        store.set_meta(ENROLLED_AT, datetime.now(UTC).isoformat(timespec="seconds"))
    return Enrollment(client.base_url, device_id, user_name, role, grids)


def client_for(store: Store, *, retry: RetryPolicy | None = None) -> ServerClient:
    """A client for the server this device enrolled with, credential from the keyring."""
    url = store.get_meta(SERVER_URL)
    device_id = store.get_meta(DEVICE_ID)
    if not url or not device_id:
        raise NotEnrolledError()
    secret = credentials.load_secret(device_id)
    if secret is None:
        raise NotEnrolledError()
    ca = store.get_meta(CA_BUNDLE)
    return ServerClient(url, verify=ca or True, device_id=device_id, secret=secret, retry=retry)
