"""Content-addressed photo files with resumable upload (``Content-Range``), verified on completion.

A photo is visible (status, ``HEAD``, content) only to a device whose grids hold a live ``photo``
record naming its SHA-256; any other photo, unknown or not, answers the same 404, so the API is no
existence oracle. An unfinished upload belongs to the device that started it (``photo_upload``,
bytes in ``<data_dir>/photos/<sha256>.<device tag>.part``): another device's upload of the same
photo, with a false size or offset, cannot block it. When the last byte arrives the file's SHA-256
must equal its name, else it is discarded; verified files are renamed to ``<sha256>`` and shared.
A device outside the photo's grids that uploads it must send every byte (proof that it holds it)
before it is told the photo is complete.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Set
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from sync.private_files import private_dir
from sync.protocol import PhotoStatus
from sync.server import db
from sync.server.refusal import Refused

MAX_PHOTO = 50 * 1024 * 1024
SHA_RE = r"^[0-9a-f]{64}$"
_RANGE = re.compile(r"^bytes (\d{1,12})-(\d{1,12})/(\d{1,12})$")


def photo_dir(data_dir: Path) -> Path:
    return private_dir(data_dir / "photos")


def _not_found() -> Refused:
    return Refused(404, "not_found", "no such photo in this device's grids")


def in_scope(conn: Connection, sha: str, grids: Set[str]) -> bool:
    """A live photo record in one of ``grids`` names this photo."""
    if not grids:
        return False
    t = db.synced["photo"]
    return conn.execute(sa.select(t.c.id).where(t.c.sha256 == sha, t.c.grid_id.in_(sorted(grids)),
                                                t.c.deleted == 0).limit(1)).first() is not None


def _complete(conn: Connection, sha: str) -> int | None:
    """Size of the verified photo, None while it is not complete."""
    p = db.photo_file
    row = conn.execute(sa.select(p.c.size).where(p.c.sha256 == sha, p.c.complete == 1)).first()
    return None if row is None else int(row[0])


def _own(conn: Connection, sha: str, device_id: str, *, lock: bool = False) -> tuple[int, int] | None:
    """``(size, received)`` of this device's unfinished upload of the photo."""
    u = db.photo_upload
    q = sa.select(u.c.size, u.c.received).where(u.c.sha256 == sha, u.c.device_id == device_id)
    row = conn.execute(q.with_for_update() if lock else q).first()
    return None if row is None else (int(row[0]), int(row[1]))


def status(engine: Engine, sha: str, device_id: str, grids: Set[str]) -> PhotoStatus:
    """What the server holds of the photo for this device; 404 when neither its grids use the photo
    nor it has begun an upload of it."""
    with db.read_tx(engine) as conn:
        scoped = in_scope(conn, sha, grids)
        size = _complete(conn, sha) if scoped else None
        if size is not None:
            return PhotoStatus(sha256=sha, received=size, size=size, complete=True)
        own = _own(conn, sha, device_id)
    if own is not None:
        return PhotoStatus(sha256=sha, received=own[1], size=own[0], complete=False)
    if scoped:
        return PhotoStatus(sha256=sha, received=0, size=None, complete=False)
    raise _not_found()


def parse_range(header: str | None, body_len: int) -> tuple[int, int]:
    """``(start, total)`` from ``Content-Range: bytes START-END/TOTAL`` (absent: the whole file)."""
    if header is None:
        return 0, body_len
    m = _RANGE.match(header.strip())
    if m is None:
        raise Refused(400, "bad_range", "Content-Range must be 'bytes START-END/TOTAL'")
    start, end, total = (int(x) for x in m.groups())
    if end < start or end >= total or end - start + 1 != body_len:
        raise Refused(400, "bad_range", "Content-Range does not match the body length")
    return start, total


def _mark_complete(conn: Connection, sha: str, size: int, device_id: str) -> None:
    values = {"sha256": sha, "size": size, "received": size, "complete": 1, "uploaded_by": device_id}
    insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(db.photo_file)
    conn.execute(insert.values(**values).on_conflict_do_nothing())
    # A row left by an older server's shared partial upload becomes the verified photo.
    conn.execute(db.photo_file.update().where(db.photo_file.c.sha256 == sha, db.photo_file.c.complete == 0)
                 .values(size=size, received=size, complete=1))


def _part(folder: Path, sha: str, device_id: str) -> Path:
    tag = hashlib.sha256(device_id.encode()).hexdigest()[:16]
    return folder / f"{sha}.{tag}.part"


def receive(engine: Engine, data_dir: Path, sha: str, body: bytes, content_range: str | None,
            device_id: str, grids: Set[str]) -> PhotoStatus:
    start, total = parse_range(content_range, len(body))
    if total > MAX_PHOTO:
        raise Refused(413, "too_large", f"a photo may be at most {MAX_PHOTO} bytes")
    if total == 0:
        raise Refused(400, "empty", "a photo cannot be empty")
    u = db.photo_upload
    folder = photo_dir(data_dir)
    part = _part(folder, sha, device_id)
    with db.write_tx(engine) as conn:
        size = _complete(conn, sha)
        if size is not None and in_scope(conn, sha, grids):
            # Already here: nothing to do, the device may forget it.
            return PhotoStatus(sha256=sha, received=size, size=size, complete=True)
        own = _own(conn, sha, device_id, lock=True)
        if own is None or (own[0] != total and start == 0):
            # A new upload, or this device starting over with another size: its own partial only.
            if start != 0:
                raise Refused(409, "wrong_offset", "the server has 0 bytes of this upload; resume from there")
            conn.execute(u.delete().where(u.c.sha256 == sha, u.c.device_id == device_id))
            conn.execute(u.insert().values(sha256=sha, device_id=device_id, size=total, received=0))
            own = (total, 0)
        elif own[0] != total:
            raise Refused(409, "size_mismatch", f"this device's upload of the photo began with size "
                          f"{own[0]}: send it again from byte 0")
        if start != own[1]:
            raise Refused(409, "wrong_offset", f"the server has {own[1]} bytes; resume from there")
        with open(part, "r+b" if part.exists() and start else "wb") as f:
            f.seek(start)
            f.write(body)
            f.truncate()
        received = start + len(body)
        if received < total:
            conn.execute(u.update().where(u.c.sha256 == sha, u.c.device_id == device_id)
                         .values(received=received))
            return PhotoStatus(sha256=sha, received=received, size=total, complete=False)
        conn.execute(u.delete().where(u.c.sha256 == sha, u.c.device_id == device_id))
        h = hashlib.sha256()
        with open(part, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        if h.hexdigest() == sha:
            if (folder / sha).exists():
                part.unlink()  # same bytes as the photo already verified
            else:
                part.replace(folder / sha)
            _mark_complete(conn, sha, received, device_id)
            return PhotoStatus(sha256=sha, received=received, size=received, complete=True)
        part.unlink()
    # Refused after the transaction committed, so the discarded upload is forgotten for good.
    raise Refused(422, "hash_mismatch", "the uploaded bytes do not hash to the photo's SHA-256; "
                  "the upload was discarded, send it again")


def file_path(engine: Engine, data_dir: Path, sha: str, grids: Set[str]) -> Path:
    """The verified file of a photo in the device's grids; 404 otherwise (unknown or not)."""
    with db.read_tx(engine) as conn:
        ok = in_scope(conn, sha, grids) and _complete(conn, sha) is not None
    if not ok:
        raise _not_found()
    return photo_dir(data_dir) / sha
