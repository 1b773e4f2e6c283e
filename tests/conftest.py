"""Shared fixtures. Tests use real SQLite files in tmp dirs and an in-memory keyring."""

from __future__ import annotations

import os

import keyring
import pytest

from gridpad.sync_client.credentials import SessionKeyring

# The real-server harness (fixtures `server`, `api_factory`) and in-process tablets (`make_device`).
pytest_plugins = ["support.live_server", "support.devices"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def memory_keyring() -> SessionKeyring:
    backend = SessionKeyring()
    keyring.set_keyring(backend)
    return backend
