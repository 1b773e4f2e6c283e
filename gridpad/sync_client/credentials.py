"""The device secret lives in the OS keyring (service ``gridpad``, username = device id), never in a file."""

from __future__ import annotations

import contextlib
import secrets

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors

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
