"""Opening the device's SQLite file: one connection per :class:`Store`, used by one thread at a time."""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from gridpad.store import migrations
from sync import private_files

#: How long a writer waits for another connection's lock before giving up (ms).
BUSY_TIMEOUT_MS = 10_000
#: Page cache per connection (KiB).
CACHE_KIB = 64_000
#: Meta key of the database's own id (every other key: gridpad.store.device_meta).
DEVICE_ID_KEY = "device_id"


class Store:
    """The local database. ``db`` is the sqlite-utils view of the same connection as ``_conn``.

    ``_conn`` is private to ``gridpad.store``: code above the store goes through its modules (and
    ``gridpad.app``), never the connection (tests/unit/test_layering.py enforces it)."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn
        self.db = sqlite_utils.Database(conn)
        self._depth = 0
        self._savepoints = 0

    @property
    def device_id(self) -> str:
        value = self.get_meta(DEVICE_ID_KEY)
        if value is None:  # pragma: no cover - made by the first migration
            raise RuntimeError("store has no device_id")
        return value

    # The meta table's primitives: read and write keys through gridpad.store.device_meta.DeviceMeta.
    def get_meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str | None) -> None:
        with self.transaction():
            if value is None:
                self._conn.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                self._conn.execute(
                    "INSERT INTO meta(key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        """Raw SQL over many rows on this store's connection (one statement, a driver loop):
        for bulk loads in benchmarks and tests. Capture triggers see it like any write; single
        statements go through ``store.db.execute``. Returns the rows changed."""
        return int(self._conn.executemany(sql, rows).rowcount)

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on error). Nested blocks — also inside a
        transaction opened another way, e.g. sqlite-utils' ``db.atomic()`` — are savepoints, so an
        inner failure undoes only the inner block (and still propagates)."""
        if self._depth == 0 and not self._conn.in_transaction:
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth = 0
            try:
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            return
        self._savepoints += 1
        name = f"gp_sp_{self._savepoints}"
        self._conn.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            if self._conn.in_transaction:
                self._conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self._conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        self._depth -= 1
        self._conn.execute(f"RELEASE SAVEPOINT {name}")

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(path: Path) -> sqlite3.Connection:
    """A connection set up the way every GridPad connection is: WAL, NORMAL sync, busy timeout.

    ``isolation_level=None``: the driver opens no implicit transactions; :meth:`Store.transaction`
    (and sqlite-utils' ``atomic``) say exactly where each one starts and ends.
    """
    # The busy timeout is set as the connection opens, before anything touches the file.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    try:
        _use_wal(conn)
    except BaseException:
        conn.close()
        raise
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = OFF")
    # Bulk imports touch the row, its indexes, the outbox and search marks: a 2 MB cache spills.
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL (a no-op once it is), retrying while another connection holds it.

    On a new file several first openers race here: switching needs the exclusive lock, and SQLite
    answers SQLITE_BUSY at once, without the busy handler, where waiting could deadlock (each
    holding a shared lock the other must see released). Retrying with our locks released resolves
    it; the busy timeout bounds the wait as it bounds every other lock.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.001
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            return
        except sqlite3.OperationalError as e:
            busy = e.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
            if not busy or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def open_store(path: Path) -> Store:
    """Open (creating and migrating as needed) the database at ``path``.

    Raises :class:`gridpad.store.errors.StoreVersionError` when the file belongs to a newer major
    version of the app; the file is left untouched.
    """
    path = Path(path)
    if not path.parent.exists():
        private_files.private_dir(path.parent)
    if not path.exists():  # made 0600 before SQLite makes it 0644 (its -wal/-shm copy its mode)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, private_files.FILE_MODE))
    conn = connect(path)
    store = Store(path, conn)
    try:
        migrations.check_version(store.db)
        # Under the write lock (BEGIN IMMEDIATE) so racing first openers migrate one at a time;
        # apply() reads the version and the applied migrations again inside it.
        with store.transaction():
            migrations.apply(store.db)
            if store.get_meta(DEVICE_ID_KEY) is None:
                store.set_meta(DEVICE_ID_KEY, str(uuid.uuid4()))
    except BaseException:
        conn.close()
        raise
    for suffix in ("", "-wal", "-shm", "-journal"):  # repairs a file an older version left 0644
        private_files.private_file(f"{path}{suffix}")
    return store
