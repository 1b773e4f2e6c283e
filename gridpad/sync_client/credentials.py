"""The device secret lives in the OS keyring (service ``gridpad``, username = device id), never in a file."""

from __future__ import annotations

import contextlib

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors

SERVICE = "gridpad"


def keyring_problem() -> str | None:
    """Why no secret could be kept here (no usable OS keyring), or None when one is available."""
    backend = keyring.get_keyring()
    if isinstance(backend, keyring.backends.fail.Keyring):
        return ("no OS keyring is available to hold the device credential "
                "(install and unlock one, e.g. GNOME Keyring or KWallet; it is never kept in a file)")
    return None


def save_secret(device_id: str, secret: str) -> None:
    keyring.set_password(SERVICE, device_id, secret)


def load_secret(device_id: str) -> str | None:
    return keyring.get_password(SERVICE, device_id)


def forget_secret(device_id: str) -> None:
    with contextlib.suppress(keyring.errors.PasswordDeleteError):  # already gone is fine
        keyring.delete_password(SERVICE, device_id)


class SessionKeyring(keyring.backend.KeyringBackend):
    """A keyring that lives in this process only: for ``gridpad demo`` on a machine without an OS
    keyring, and for tests and benchmarks. Credentials never touch a file; they go with the process."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)
