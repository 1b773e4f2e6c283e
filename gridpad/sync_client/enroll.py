"""Enrollment: trade a one-time code for a device credential (keyring) and the device's scope (meta)."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client import credentials
from gridpad.sync_client.errors import KeyringUnavailableError, NotEnrolledError, RejectedError
from gridpad.sync_client.transport import RetryPolicy, ServerClient
from sync.protocol import EnrollRequest, EnrollResponse


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
        try:
            request = EnrollRequest(code=code, device_id=store.device_id,
                                    device_name=(device_name or platform.node() or "gridpad")[:100])
        except ValidationError:  # only the typed code can be out of shape
            raise RejectedError("enrollment code: not a code (too long)") from None
        body = client.call("POST", "/v1/enroll", EnrollResponse, body=request, auth=False)
    finally:
        client.close()
    device_id = body.device_id
    secret = body.device_secret
    if not secret:
        raise RejectedError("enrollment answer carried no device credential")
    try:
        credentials.save_secret(device_id, secret)
        kept = credentials.load_secret(device_id) == secret
    except credentials.BACKEND_FAILURES as exc:  # the keyring passed the check a moment ago
        raise KeyringUnavailableError(f"the keyring failed after the code was used ({exc}): "
                                      "fix the keyring and ask for a new code") from exc
    if not kept:
        raise KeyringUnavailableError("the keyring lost the credential after the code was used: "
                                      "fix the keyring and ask for a new code")
    DeviceMeta(store).record_enrollment(
        server_url=client.base_url, device_id=device_id, user=body.user, role=body.role,
        grids=list(body.grids), plate_public_keys=dict(body.plate_public_keys),
        ca_bundle="" if ca_bundle is None else str(_verify(ca_bundle)),
        enrolled_at=datetime.now(UTC).isoformat(timespec="seconds"))
    return Enrollment(client.base_url, device_id, body.user, body.role, list(body.grids))


def client_for(store: Store, *, retry: RetryPolicy | None = None) -> ServerClient:
    """A client for the server this device enrolled with, credential from the keyring."""
    meta = DeviceMeta(store)
    url, device_id = meta.server_url, meta.enrolled_device_id
    if not url or not device_id:
        raise NotEnrolledError()
    secret = credentials.load_secret(device_id)
    if secret is None:
        raise NotEnrolledError()
    return ServerClient(url, verify=meta.ca_bundle or True, device_id=device_id, secret=secret, retry=retry)
