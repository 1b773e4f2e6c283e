"""Form drafts in the local (never synced) ``draft`` table. Drafts hold what the user typed, ID
numbers included: they are never logged."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gridpad.store import drafts
from gridpad.store.db import Store

Draft = dict[str, Any]


def save_draft(store: Store, key: str, values: Mapping[str, Any]) -> None:
    drafts.save(store, key, values)


def load_draft(store: Store, key: str) -> Draft | None:
    return drafts.load(store, key)


def discard_draft(store: Store, key: str) -> None:
    drafts.discard(store, key)


def all_drafts(store: Store) -> list[tuple[str, Draft]]:
    """Every draft as (key, values), most recent first."""
    return drafts.all_drafts(store)


def adopt_draft_files(store: Store, directory: Path) -> int:
    """Move drafts an older version kept as ``directory/*.json`` into the store; returns how many."""
    return drafts.adopt_files(store, directory)


def discard_all_drafts(store: Store) -> int:
    """Remove every draft (the screenshot script starts each picture from an empty form)."""
    keys = drafts.keys(store)
    for key in keys:
        drafts.discard(store, key)
    return len(keys)
