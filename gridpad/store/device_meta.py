"""``DeviceMeta``: the one owner of the store's ``meta`` table, a typed accessor per key.

Every key the app keeps about this device is named here and nowhere else: who the device is,
what enrollment gave it (server, user, grids, plate keys), where sync stands, and the privacy
lock's settings. Values are stored as text (lists and objects as JSON); each accessor converts.
Writes of one accessor are atomic; :meth:`DeviceMeta.record_enrollment` writes its keys together.
"""

from __future__ import annotations

import json
from typing import Any, overload

from gridpad.store.db import DEVICE_ID_KEY, Store
from gridpad.store.migrations import SCHEMA_FINGERPRINT_KEY

# Enrollment (written by gridpad.sync_client.enroll).
SERVER_URL = "server_url"
ENROLLED_DEVICE_ID = "enrolled_device_id"
USER_NAME = "user_name"
USER_ROLE = "user_role"
GRIDS = "grids"  # JSON list of the grid codes this device holds
PLATE_PUBLIC_KEYS = "plate_public_keys"  # JSON object key id -> base64 Ed25519 public key
CA_BUNDLE = "ca_bundle"
ENROLLED_AT = "enrolled_at"
# Sync progress (gridpad.sync_client, gridpad.store.remote).
SYNC_CURSOR = "sync_cursor"
SYNC_LAST_SUCCESS_AT = "sync_last_success_at"
SYNC_LAST_ERROR = "sync_last_error"
SYNC_LAST_ATTEMPT_AT = "sync_last_attempt_at"
SYNC_OPEN_CONFLICTS = "sync_open_conflicts"  # JSON list of the server's open conflicts, as of the last sync
SYNC_VERIFIED_AT = "sync_verified_at"  # time.time() of the last checksum comparison
SYNC_VERIFY_DUE = "sync_verify_due"  # "1": compare checksums on the next sync
SYNC_REPORTED_BACKLOG = "sync_reported_backlog"  # the outbox backlog last told the server (fleet view)
# Privacy lock (gridpad.app.lock_settings).
LOCK_PIN_HASH = "ui.lock_pin"  # scrypt$n$r$p$salt$hash, hex
LOCK_IDLE_MINUTES = "ui.lock_idle_minutes"
LOCK_STATE = "ui.lock_state"  # JSON of gridpad.core.pin_backoff.PinLockState (wrong PINs, lockout)

#: Every key of the table, for docs and tests. ``device_id`` is made with the file (db.py) and
#: ``schema_fingerprint`` kept by the migrations; neither is anyone else's to write.
KEYS = (
    DEVICE_ID_KEY, SCHEMA_FINGERPRINT_KEY, SERVER_URL, ENROLLED_DEVICE_ID, USER_NAME, USER_ROLE, GRIDS,
    PLATE_PUBLIC_KEYS, CA_BUNDLE, ENROLLED_AT, SYNC_CURSOR, SYNC_LAST_SUCCESS_AT, SYNC_LAST_ERROR,
    SYNC_LAST_ATTEMPT_AT, SYNC_OPEN_CONFLICTS, SYNC_VERIFIED_AT, SYNC_VERIFY_DUE, SYNC_REPORTED_BACKLOG,
    LOCK_PIN_HASH,
    LOCK_IDLE_MINUTES,
    LOCK_STATE,
)


def _json(raw: str | None, default: Any) -> Any:
    return json.loads(raw) if raw else default


class _Text:
    """A text key of the meta table read and written as an attribute of :class:`DeviceMeta`
    (``empty_is_none``: an empty value reads as None)."""

    def __init__(self, key: str, *, empty_is_none: bool = False) -> None:
        self.key = key
        self.empty_is_none = empty_is_none

    @overload
    def __get__(self, meta: None, owner: type) -> _Text: ...
    @overload
    def __get__(self, meta: DeviceMeta, owner: type) -> str | None: ...

    def __get__(self, meta: DeviceMeta | None, owner: type) -> _Text | str | None:
        if meta is None:
            return self
        value = meta._get(self.key)
        return (value or None) if self.empty_is_none else value

    def __set__(self, meta: DeviceMeta, value: str | None) -> None:
        meta._set(self.key, value)


class DeviceMeta:
    """Typed view of ``store``'s meta table; cheap to make (``DeviceMeta(store).grids``)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def _get(self, key: str) -> str | None:
        return self._store.get_meta(key)

    def _set(self, key: str, value: str | None) -> None:
        self._store.set_meta(key, value)

    # Plain text keys (the others below convert their values).
    server_url = _Text(SERVER_URL)
    #: The device id the server enrolled (its keyring entry is under this name).
    enrolled_device_id = _Text(ENROLLED_DEVICE_ID)
    user_name = _Text(USER_NAME)
    user_role = _Text(USER_ROLE)
    #: The CA bundle to verify the server with (None: the system's trust store).
    ca_bundle = _Text(CA_BUNDLE, empty_is_none=True)
    last_success_at = _Text(SYNC_LAST_SUCCESS_AT)
    last_error = _Text(SYNC_LAST_ERROR, empty_is_none=True)
    last_attempt_at = _Text(SYNC_LAST_ATTEMPT_AT)
    lock_pin_hash = _Text(LOCK_PIN_HASH, empty_is_none=True)
    #: The PIN lock's wrong tries and lockout (gridpad.app.pin_lock owns its shape).
    lock_state = _Text(LOCK_STATE, empty_is_none=True)

    # -- identity -------------------------------------------------------------------------------
    @property
    def device_id(self) -> str:
        """This database's own id (made with the file; proposed to the server at enrollment)."""
        return self._store.device_id

    @device_id.setter
    def device_id(self, value: str) -> None:
        self._set(DEVICE_ID_KEY, value)

    # -- enrollment -----------------------------------------------------------------------------
    def record_enrollment(self, *, server_url: str, device_id: str, user: str, role: str,
                          grids: list[str], plate_public_keys: dict[str, str], ca_bundle: str,
                          enrolled_at: str) -> None:
        """What the server answered at enrollment, in one transaction."""
        with self._store.transaction():
            self.server_url = server_url
            self.enrolled_device_id = device_id
            self.user_name = user
            self.user_role = role
            self.grids = grids
            self.plate_public_keys = plate_public_keys
            self.ca_bundle = ca_bundle
            self._set(ENROLLED_AT, enrolled_at)

    @property
    def grids(self) -> list[str]:
        """The grid codes this device holds (empty: never enrolled)."""
        return [str(g) for g in _json(self._get(GRIDS), [])]

    @grids.setter
    def grids(self, value: list[str]) -> None:
        self._set(GRIDS, json.dumps(list(value)))

    @property
    def plate_public_keys(self) -> dict[str, str]:
        keys = _json(self._get(PLATE_PUBLIC_KEYS), {})
        return {str(k): str(v) for k, v in keys.items()} if isinstance(keys, dict) else {}

    @plate_public_keys.setter
    def plate_public_keys(self, value: dict[str, str]) -> None:
        self._set(PLATE_PUBLIC_KEYS, json.dumps(value))

    @property
    def enrolled_at(self) -> str | None:
        return self._get(ENROLLED_AT)

    # -- sync -----------------------------------------------------------------------------------
    @property
    def sync_cursor(self) -> int:
        """The server_seq pulled up to (0: nothing yet)."""
        value = self._get(SYNC_CURSOR)
        return int(value) if value else 0

    @sync_cursor.setter
    def sync_cursor(self, value: int) -> None:
        self._set(SYNC_CURSOR, str(value))

    @property
    def open_conflicts(self) -> list[dict[str, Any]] | None:
        """The server's open conflicts as of the last sync (None: never fetched)."""
        raw = self._get(SYNC_OPEN_CONFLICTS)
        return None if raw is None else list(_json(raw, []))

    @open_conflicts.setter
    def open_conflicts(self, value: list[dict[str, Any]]) -> None:
        self._set(SYNC_OPEN_CONFLICTS, json.dumps(value, ensure_ascii=False))

    @property
    def verified_at(self) -> float:
        """``time.time()`` of the last checksum comparison (0: never)."""
        return float(self._get(SYNC_VERIFIED_AT) or 0)

    @verified_at.setter
    def verified_at(self, value: float) -> None:
        self._set(SYNC_VERIFIED_AT, str(value))

    @property
    def verify_due(self) -> bool:
        return self._get(SYNC_VERIFY_DUE) == "1"

    @verify_due.setter
    def verify_due(self, value: bool) -> None:
        self._set(SYNC_VERIFY_DUE, "1" if value else "0")

    @property
    def reported_backlog(self) -> int | None:
        """The outbox backlog last reported to the server (None: never, or by an older app)."""
        raw = self._get(SYNC_REPORTED_BACKLOG)
        return int(raw) if raw else None

    @reported_backlog.setter
    def reported_backlog(self, value: int) -> None:
        self._set(SYNC_REPORTED_BACKLOG, str(value))

    # -- privacy lock ---------------------------------------------------------------------------
    @property
    def lock_idle_minutes(self) -> int | None:
        value = self._get(LOCK_IDLE_MINUTES)
        return int(value) if value else None

    @lock_idle_minutes.setter
    def lock_idle_minutes(self, value: int) -> None:
        self._set(LOCK_IDLE_MINUTES, str(value))
