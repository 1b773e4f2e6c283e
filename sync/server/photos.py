"""Content-addressed photo files with resumable upload (``Content-Range``), verified on completion.

Bytes go to ``<data_dir>/photos/<sha256>.part``; when the last byte arrives the file's SHA-256
must equal its name, else it is discarded. Verified files are renamed to ``<sha256>``.
"""

from __future__ import annotations

import hashlib
import re
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


def _status(conn: Connection, sha: str) -> PhotoStatus:
    p = db.photo_file
    row = conn.execute(sa.select(p).where(p.c.sha256 == sha)).mappings().first()
    if row is None:
        return PhotoStatus(sha256=sha, received=0, size=None, complete=False)
    return PhotoStatus(sha256=sha, received=row["received"], size=row["size"], complete=bool(row["complete"]))


def status(engine: Engine, sha: str) -> PhotoStatus:
    with db.read_tx(engine) as conn:
        return _status(conn, sha)


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


def _insert_ignore(conn: Connection, sha: str, total: int, device_id: str) -> None:
    values = {"sha256": sha, "size": total, "received": 0, "complete": 0, "uploaded_by": device_id}
    if conn.dialect.name == "postgresql":
        conn.execute(postgresql.insert(db.photo_file).values(**values).on_conflict_do_nothing())
    else:
        conn.execute(sqlite.insert(db.photo_file).values(**values).on_conflict_do_nothing())


def receive(engine: Engine, data_dir: Path, sha: str, body: bytes, content_range: str | None,
            device_id: str) -> PhotoStatus:
    start, total = parse_range(content_range, len(body))
    if total > MAX_PHOTO:
        raise Refused(413, "too_large", f"a photo may be at most {MAX_PHOTO} bytes")
    if total == 0:
        raise Refused(400, "empty", "a photo cannot be empty")
    p = db.photo_file
    folder = photo_dir(data_dir)
    with db.write_tx(engine) as conn:
        _insert_ignore(conn, sha, total, device_id)
        row = conn.execute(sa.select(p).where(p.c.sha256 == sha).with_for_update()).mappings().one()
        if row["complete"]:
            return _status(conn, sha)  # already here: nothing to do, the device may forget it
        if row["size"] != total:
            if row["received"]:
                raise Refused(409, "size_mismatch", f"upload of {sha} began with size {row['size']}")
            conn.execute(p.update().where(p.c.sha256 == sha).values(size=total))
        if start != row["received"]:
            raise Refused(409, "wrong_offset", f"the server has {row['received']} bytes; resume from there")
        part = folder / f"{sha}.part"
        with open(part, "r+b" if part.exists() else "wb") as f:
            f.seek(start)
            f.write(body)
            f.truncate()
        received = start + len(body)
        if received < total:
            conn.execute(p.update().where(p.c.sha256 == sha).values(received=received))
            return _status(conn, sha)
        h = hashlib.sha256()
        with open(part, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        if h.hexdigest() == sha:
            part.replace(folder / sha)
            conn.execute(p.update().where(p.c.sha256 == sha).values(received=received, complete=1))
            return _status(conn, sha)
        part.unlink()
        conn.execute(p.delete().where(p.c.sha256 == sha))
    # Refused after the transaction committed, so the discarded upload is forgotten for good.
    raise Refused(422, "hash_mismatch", "the uploaded bytes do not hash to the photo's SHA-256; "
                  "the upload was discarded, send it again")


def file_path(engine: Engine, data_dir: Path, sha: str) -> Path | None:
    st = status(engine, sha)
    return photo_dir(data_dir) / sha if st.complete else None
