"""Wiping a revoked device: everything the app wrote in its data dir, and the keyring entry.

What the app writes in the data dir: the database (with its WAL/SHM/journal), ``photos/``, form
drafts an older version kept as files (``drafts/``), the interface preferences (``ui.json``), and
the files a user saved there through the app, export files and import error files, which hold ID
numbers and phones in clear. The last are listed in ``gridpad.store.saved_files.LEDGER`` as they
are written, so the wipe removes exactly them and never a file the user put there themselves. A
file saved outside the data dir is the user's to keep safe: the command that writes it says so.
The demo's local server (``demo-server/``) is not the device's and stays.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from gridpad.store.saved_files import LEDGER
from gridpad.sync_client import credentials

_APP_FILES = ("ui.json",)
_APP_DIRS = ("photos", "drafts")


def wipe_device(store: Store, data_dir: Path) -> None:
    """Close ``store`` and delete everything this device held. The store is unusable afterwards."""
    device_id = DeviceMeta(store).enrolled_device_id
    db_path = Path(store.path)
    store.close()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    root = Path(data_dir)
    for name in _APP_DIRS:
        shutil.rmtree(root / name, ignore_errors=True)
    for name in _APP_FILES:
        (root / name).unlink(missing_ok=True)
    _remove_saved_files(root)
    if device_id:
        credentials.forget_secret(device_id)


def _remove_saved_files(root: Path) -> None:
    ledger = root / LEDGER
    if not ledger.exists():
        return
    base = root.resolve()
    for line in ledger.read_text(encoding="utf-8").splitlines():
        path = (base / line).resolve()
        if line and path.is_relative_to(base) and path != base:  # never outside the data dir
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            _prune_empty_parents(path.parent, base)
    ledger.unlink(missing_ok=True)


def _prune_empty_parents(folder: Path, base: Path) -> None:
    """Remove folders the saved files leave empty (an export folder), up to the data dir."""
    while folder != base and folder.is_relative_to(base):
        try:
            folder.rmdir()
        except OSError:
            return  # not empty: something else lives there
        folder = folder.parent
