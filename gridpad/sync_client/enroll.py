"""Enrollment: trade a one-time code and a new device public key for the device's scope (meta).

The device's private key and the server identity key it pins stay in the keyring
(:class:`gridpad.sync_client.credentials.DeviceKeys`); no secret ever crosses the network.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client import credentials
from gridpad.sync_client.cancel import Cancel
from gridpad.sync_client.errors import (
    KeyringUnavailableError,
    NotEnrolledError,
    ReenrollNeededError,
    RejectedError,
)
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
    """POST /v1/enroll; keep the keys in the keyring and the scope in meta. Raises SyncError."""
    code = code.strip()
    if not code:
        raise RejectedError("enrollment code: empty")
    problem = credentials.keyring_problem()
    if problem:  # checked (write, read back, delete) before the code is spent on the server
        raise KeyringUnavailableError(problem)
    client = ServerClient(server_url, verify=_verify(ca_bundle), retry=retry)
    private_key = credentials.new_private_key()
    public_key = credentials.DeviceKeys(private_key, "").public_key
    try:
        try:
            request = EnrollRequest(code=code, public_key=public_key, device_id=store.device_id,
                                    device_name=(device_name or platform.node() or "gridpad")[:100])
        except ValidationError:  # only the typed code can be out of shape
            raise RejectedError("enrollment code: not a code (too long)") from None
        body = client.call("POST", "/v1/enroll", EnrollResponse, body=request, auth=False)
    finally:
        client.close()
    device_id = body.device_id
    keys = credentials.DeviceKeys(private_key, body.server_key)
    try:
        credentials.save_keys(device_id, keys)
        again = credentials.load_keys(device_id)
        kept = again is not None and again.to_text() == keys.to_text()
    # The keyring passed the check a moment ago.
    except (*credentials.BACKEND_FAILURES, credentials.OldCredentialError) as exc:
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


def client_for(store: Store, *, retry: RetryPolicy | None = None,
               cancel: Cancel | None = None) -> ServerClient:
    """A client for the server this device enrolled with, keys from the keyring; ``cancel`` stops
    its requests from another thread."""
    meta = DeviceMeta(store)
    url, device_id = meta.server_url, meta.enrolled_device_id
    if not url or not device_id:
        raise NotEnrolledError()
    try:
        keys = credentials.load_keys(device_id)
    except credentials.OldCredentialError:
        raise ReenrollNeededError() from None
    except credentials.BACKEND_FAILURES as exc:  # no keyring, or one that fails: say so, no traceback
        raise KeyringUnavailableError(
            f"the OS keyring cannot be read ({type(exc).__name__}), so this device's credential is out of "
            "reach: unlock or install the keyring (GNOME Keyring or KWallet) and sync again") from None
    if keys is None:
        raise NotEnrolledError()
    return ServerClient(url, verify=meta.ca_bundle or True, device_id=device_id, keys=keys, retry=retry,
                        cancel=cancel)
