"""Shared fixtures. Tests use real SQLite files in tmp dirs and an in-memory keyring."""

from __future__ import annotations

import os

import keyring
import pytest

from gridpad.sync_client.credentials import SessionKeyring

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "os_keyring: uses a real OS keyring (support.secret_service); the in-memory one "
                   "is not installed")


@pytest.fixture(autouse=True)
def memory_keyring(request: pytest.FixtureRequest) -> SessionKeyring | None:
    """Every test keeps credentials in memory, except those marked ``os_keyring``."""
    if request.node.get_closest_marker("os_keyring"):
        return None
    backend = SessionKeyring()
    keyring.set_keyring(backend)
    return backend
