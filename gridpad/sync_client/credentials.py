"""The device secret lives in the OS keyring (service ``gridpad``, username = device id), never in a file."""

from __future__ import annotations

import contextlib

import keyring
import keyring.errors

SERVICE = "gridpad"


def save_secret(device_id: str, secret: str) -> None:
    keyring.set_password(SERVICE, device_id, secret)


def load_secret(device_id: str) -> str | None:
    return keyring.get_password(SERVICE, device_id)


def forget_secret(device_id: str) -> None:
    with contextlib.suppress(keyring.errors.PasswordDeleteError):  # already gone is fine
        keyring.delete_password(SERVICE, device_id)
