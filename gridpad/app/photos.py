"""Taking a photo into the tablet: the file under its content hash, and a ``photo`` row that syncs.

The file goes to ``<data_dir>/photos/<sha256>`` (the upload queue of
:mod:`gridpad.sync_client.photos` sends it, resumably, once the row is pushed); the row names the
record it belongs to (``owner_table``, ``owner_id``) so the server scopes it to that record's grid.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import shutil
from pathlib import Path

from gridpad.store import repo
from gridpad.store.db import Store
from gridpad.sync_client import status

_CHUNK = 1 << 20


class PhotoFileError(ValueError):
    """A file that cannot be taken as a photo; the message names the file and why."""


def data_dir_of(store: Store) -> Path:
    """The data dir a store lives in (``<data_dir>/gridpad.sqlite``)."""
    return Path(store.path).parent


def _sha256(path: Path) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def photo_mime(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0]
    if mime is None or not mime.startswith("image/"):
        raise PhotoFileError(f"{path}: not a photo (use a .jpg, .png or .webp file)")
    return mime


def add_photo(store: Store, source: Path, *, grid_id: str, owner_table: str, owner_id: str) -> str:
    """Copy ``source`` into the photo folder and record it for ``owner_table``/``owner_id``;
    returns its SHA-256 (the id answers and fixes name it by). The same file twice for the same
    record is one photo."""
    source = Path(source)
    if not source.is_file():
        raise PhotoFileError(f"{source}: no such file")
    mime = photo_mime(source)
    sha, size = _sha256(source)
    if size == 0:
        raise PhotoFileError(f"{source}: the file is empty")
    folder = status.photo_dir(data_dir_of(store))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / sha
    if not target.is_file():
        partial = folder / f".{sha}.part"
        shutil.copyfile(source, partial)
        os.replace(partial, target)  # never a half-copied file under the photo's hash
    if not repo.exists(store, "photo", {"sha256": sha, "owner_table": owner_table, "owner_id": owner_id}):
        repo.insert(store, "photo", {"grid_id": grid_id, "sha256": sha, "owner_table": owner_table,
                                     "owner_id": owner_id, "mime": mime, "size_bytes": size,
                                     "taken_at": status.now_iso()})
    return sha
