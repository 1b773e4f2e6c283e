"""Form drafts: what the user typed into an unsaved form, kept so nothing is lost on an error, on
switching screens or on a crash.

Drafts hold personal data (ID numbers, phones), so they live in the local database with the rest
of it — one place to protect and to wipe — in the ``draft`` table, which is local only: no capture
triggers, never in the outbox, never synced. A draft is deleted when its form is saved.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gridpad.store.db import Store

log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def save(store: Store, key: str, values: Mapping[str, Any]) -> None:
    """Write (or replace) the draft under ``key``."""
    body = json.dumps(dict(values), ensure_ascii=False, sort_keys=True)
    with store.transaction():
        store._conn.execute(
            "INSERT INTO draft(key, body, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
            (key, body, _now()),
        )


def load(store: Store, key: str) -> dict[str, Any] | None:
    """The draft under ``key``, or None (also for a body that is not a JSON object)."""
    row = store._conn.execute("SELECT body FROM draft WHERE key = ?", (key,)).fetchone()
    return None if row is None else _body(row[0])


def discard(store: Store, key: str) -> None:
    with store.transaction():
        store._conn.execute("DELETE FROM draft WHERE key = ?", (key,))


def keys(store: Store) -> list[str]:
    return [r[0] for r in store._conn.execute("SELECT key FROM draft ORDER BY key")]


def all_drafts(store: Store) -> list[tuple[str, dict[str, Any]]]:
    """Every readable draft as (key, values), most recently changed first."""
    rows = store._conn.execute("SELECT key, body FROM draft ORDER BY updated_at DESC, key").fetchall()
    return [(key, body) for key, text in rows if (body := _body(text)) is not None]


def adopt_files(store: Store, directory: Path) -> int:
    """Move drafts an older GridPad wrote as ``<data dir>/drafts/*.json`` into the store, then
    delete the files (and the folder once empty), so typed ID numbers are kept in one place only.
    A draft already in the store wins. Returns how many files were moved."""
    if not directory.is_dir():
        return 0
    moved = 0
    for path in sorted(directory.glob("*.json")):
        try:
            values = _body(path.read_text(encoding="utf-8"))
        except OSError:
            continue
        if values is not None:
            with store.transaction():
                store._conn.execute(
                    "INSERT INTO draft(key, body, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO NOTHING",
                    (path.stem, json.dumps(values, ensure_ascii=False, sort_keys=True), _now()),
                )
            moved += 1
        path.unlink(missing_ok=True)
    for leftover in directory.glob("*.tmp"):  # a write cut short by a crash: the .json was kept
        leftover.unlink(missing_ok=True)
    try:
        directory.rmdir()
    except OSError:
        log.debug("drafts folder not empty; left in place")
    return moved


def _body(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
