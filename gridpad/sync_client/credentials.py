"""The device credential lives in the OS keyring (service ``gridpad``, username = device id), never
in a file: the device's Ed25519 private key (it signs token challenges; the server holds only the
public half) and the server identity key pinned at enrollment (a wipe order must be signed by it).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import secrets
from dataclasses import dataclass

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

SERVICE = "gridpad"
#: The entry :func:`keyring_problem` writes, reads back and deletes.
PROBE_USER = "gridpad-keyring-check"
_ADVICE = "install and unlock one, e.g. GNOME Keyring or KWallet; the credential is never kept in a file"
#: What a keyring backend raises when it cannot store or load (third-party code: its own errors,
#: D-Bus and file errors, and for a backend named by PYTHON_KEYRING_BACKEND or keyringrc.cfg that
#: does not exist, the import's).
BACKEND_FAILURES = (keyring.errors.KeyringError, OSError, RuntimeError, ValueError, ImportError,
                    AttributeError)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def keyring_problem() -> str | None:
    """Why no device credential could be kept here (one line), or None when it can.

    Writes a random test entry, reads it back and deletes it: a keyring that is missing,
    misconfigured, locked, or that accepts a secret but does not give it back (keyring's null
    backend) is found before an enrollment code is spent."""
    try:
        backend = keyring.get_keyring()
    except BACKEND_FAILURES as exc:
        return (f"the keyring is misconfigured ({_one_line(exc)}): check PYTHON_KEYRING_BACKEND and "
                "keyringrc.cfg")
    if isinstance(backend, keyring.backends.fail.Keyring):
        return f"no OS keyring is available to hold the device credential ({_ADVICE})"
    name = type(backend).__module__ + "." + type(backend).__qualname__
    probe = secrets.token_urlsafe(16)
    try:
        backend.set_password(SERVICE, PROBE_USER, probe)
        read_back = backend.get_password(SERVICE, PROBE_USER)
    except BACKEND_FAILURES as exc:
        return f"the OS keyring ({name}) cannot hold the device credential: {_one_line(exc)} ({_ADVICE})"
    finally:
        with contextlib.suppress(*BACKEND_FAILURES):
            backend.delete_password(SERVICE, PROBE_USER)
    if read_back != probe:
        return (f"the OS keyring ({name}) did not give back what was stored in it, so the device "
                f"credential would be lost ({_ADVICE})")
    return None


@dataclass(frozen=True)
class DeviceKeys:
    """What proves this device to its server, and what proves the server to it."""
    private_key: Ed25519PrivateKey
    server_key: str  # base64 raw Ed25519 public key, pinned at enrollment

    @property
    def public_key(self) -> str:
        raw = self.private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                         serialization.PublicFormat.Raw)
        return base64.b64encode(raw).decode("ascii")

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.private_key.sign(message)).decode("ascii")

    def to_text(self) -> str:
        raw = self.private_key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                             serialization.NoEncryption())
        return json.dumps({"v": 2, "device_key": base64.b64encode(raw).decode("ascii"),
                           "server_key": self.server_key})


class OldCredentialError(ValueError):
    """The keyring holds a credential of the kind used before devices signed in with a key."""


def new_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def save_keys(device_id: str, keys: DeviceKeys) -> None:
    keyring.set_password(SERVICE, device_id, keys.to_text())


def load_keys(device_id: str) -> DeviceKeys | None:
    """This device's keys; None when there are none, :class:`OldCredentialError` for a bare
    secret from an older version (the device must enroll again)."""
    text = keyring.get_password(SERVICE, device_id)
    if text is None:
        return None
    try:
        raw = json.loads(text)
        private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(raw["device_key"], validate=True))
        return DeviceKeys(private, str(raw["server_key"]))
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise OldCredentialError("this device's credential is of an older kind") from None


def has_credential(device_id: str) -> bool:
    """True when the keyring holds usable keys for ``device_id`` (not an older kind of secret)."""
    try:
        return load_keys(device_id) is not None
    except OldCredentialError:
        return False


def forget_secret(device_id: str) -> None:
    with contextlib.suppress(keyring.errors.PasswordDeleteError):  # already gone is fine
        keyring.delete_password(SERVICE, device_id)


class SessionKeyring(keyring.backend.KeyringBackend):
    """A keyring that lives in this process only: for ``gridpad demo`` on a machine without an OS
    keyring, and for tests and benchmarks. Credentials never touch a file; they go with the process."""

    #: Below keyring.backends.fail (0): never chosen by keyring on its own, only set explicitly
    #: (keyring picks the highest-priority backend among every subclass imported, this one included).
    priority = -1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)
