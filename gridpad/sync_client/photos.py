"""Photo upload queue: content-addressed files, resumable, confirmed by hash before anything is dropped.

A photo row syncs as metadata through the outbox; its file ``<data_dir>/photos/<sha256>`` travels
here. ``GET /v1/photos/{sha}`` says how many bytes the server already holds; ``PUT`` sends the
rest in chunks (``Content-Range``); the server checks the SHA-256 of the whole file and says
``complete``. Only then is the photo marked confirmed locally. A photo the server keeps refusing
is reported (:class:`PhotosRefusedError` at the end of the sync), never left "waiting" in silence.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from gridpad.store import remote
from gridpad.store.db import Store
from gridpad.sync_client import status
from gridpad.sync_client.errors import RejectedError
from gridpad.sync_client.transport import ServerClient
from sync.protocol import PhotoStatus

log = logging.getLogger(__name__)

CHUNK = 1 << 20  # 1 MiB: a cut connection loses at most this much work

Progress = Callable[[str, int, int], None]


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _server_offset(client: ServerClient, sha: str, size: int) -> tuple[int, bool]:
    """(bytes of this device's upload the server holds, complete?) — 0 when it holds none, or holds
    an upload of another size (which the next PUT from byte 0 replaces)."""
    try:
        held = client.call("GET", f"/v1/photos/{sha}", PhotoStatus)
    except RejectedError as exc:
        if exc.status == 404:  # not yet in this device's scope on the server: start from 0
            return 0, False
        raise
    if held.complete:
        return held.received, True
    if (held.size is not None and held.size != size) or held.received > size:
        return 0, False
    return held.received, False


def upload_one(client: ServerClient, path: Path, sha: str) -> bool:
    """Send what the server lacks of one file; True once the server confirms the hash."""
    size = path.stat().st_size
    if size == 0:
        raise RejectedError("a photo cannot be empty")
    offset, complete = _server_offset(client, sha, size)
    if complete:
        return True
    try:
        return _send_from(client, path, sha, size, offset)
    except RejectedError as exc:
        if exc.status != 409 or offset == 0:
            raise
        # Our partial upload on the server is not what we thought (an offset or size that no
        # longer matches): start it over from byte 0, once.
        return _send_from(client, path, sha, size, 0)


def _send_from(client: ServerClient, path: Path, sha: str, size: int, offset: int) -> bool:
    with path.open("rb") as f:
        f.seek(offset)
        answer: PhotoStatus | None = None
        while offset < size:
            chunk = f.read(CHUNK)
            end = offset + len(chunk) - 1
            answer = client.call("PUT", f"/v1/photos/{sha}", PhotoStatus, data=chunk, headers={
                "Content-Type": "application/octet-stream",
                "Content-Range": f"bytes {offset}-{end}/{size}",
            })
            offset += len(chunk)
    return answer is not None and answer.complete and answer.sha256 == sha


def upload_backlog(store: Store, client: ServerClient, data_dir: Path, *,
                   progress: Progress | None = None, refused: dict[str, str] | None = None) -> int:
    """Upload every waiting photo whose file is here; returns how many the server confirmed.
    A photo the server refused goes into ``refused`` (sha256 -> the server's reason)."""
    folder = status.photo_dir(data_dir)
    waiting = status.photo_backlog(store, data_dir)
    done = 0
    for i, sha in enumerate(waiting):
        path = folder / sha
        if _sha256_file(path) != sha:  # never send a damaged file as if it were the photo
            log.warning("photo %s: file content does not match its hash; not uploaded", sha[:12])
            if refused is not None:
                refused[sha] = "the file on this tablet is damaged (its content does not match its hash)"
            continue
        if progress:  # photo i+1 of n is on its way
            progress("photos", i, len(waiting))
        try:
            confirmed = upload_one(client, path, sha)
        except RejectedError as exc:  # one refused photo must not hold back the others or the data
            log.warning("photo %s not uploaded: %s", sha[:12], exc)
            if refused is not None:
                refused[sha] = exc.reason
            continue
        if confirmed:
            remote.confirm_photo(store, sha, status.now_iso())
            done += 1
        if progress:
            progress("photos", i + 1, len(waiting))
    return done
