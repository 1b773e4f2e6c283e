"""Shared fixtures. Tests use real SQLite files in tmp dirs and an in-memory keyring."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from gridpad.store.db import Store, open_store
from gridpad.sync_client.credentials import SessionKeyring

# The real-server harness (fixtures `server`, `api_factory`) and in-process tablets (`make_device`).
pytest_plugins = ["support.live_server", "support.devices"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

GUI_TESTS = Path(__file__).parent / "gui"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/gui is a ``gui`` test (``-m "not gui"`` runs without a display)."""
    for item in items:
        if GUI_TESTS in item.path.parents:
            item.add_marker(pytest.mark.gui)


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


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A new device database, a real SQLite file (a test module may define its own ``store``)."""
    with open_store(tmp_path / "gridpad.sqlite") as s:
        yield s
