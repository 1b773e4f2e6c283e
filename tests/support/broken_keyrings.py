"""Keyring backends that fail the way real ones do, for the enrollment refusal tests.

Select one in a child process with ``PYTHON_KEYRING_BACKEND=support.broken_keyrings.<Class>`` (the
``tests`` folder on ``PYTHONPATH``).
"""

from __future__ import annotations

import keyring.errors
from keyring.backend import KeyringBackend


class RefusingKeyring(KeyringBackend):
    """A keyring that is there but will not store (a locked collection, a full or read-only store)."""

    priority = -1  # chosen only through PYTHON_KEYRING_BACKEND

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("the collection is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.PasswordDeleteError("not found")
