"""Reading a device store back the way another process would."""

from __future__ import annotations

import sqlite3
from typing import Any

from gridpad.store.db import Store


def read_back(store: Store, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read back through a connection of its own: what is committed, not what the store holds."""
    conn = sqlite3.connect(store.path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
