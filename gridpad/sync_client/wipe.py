"""Wiping a revoked device: the database, its photos and the keyring entry."""

from __future__ import annotations

import shutil
from pathlib import Path

from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client import credentials


def wipe_device(store: Store, data_dir: Path) -> None:
    """Close ``store`` and delete everything this device held. The store is unusable afterwards."""
    device_id = DeviceMeta(store).enrolled_device_id
    db_path = Path(store.path)
    store.close()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(Path(data_dir) / "photos", ignore_errors=True)
    if device_id:
        credentials.forget_secret(device_id)
