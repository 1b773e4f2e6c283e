"""The search box: people, rooms and buildings by name, number, pinyin or address (masked)."""

from __future__ import annotations

from gridpad.store.db import Store
from gridpad.store.search import SearchHit
from gridpad.store.search import search as store_search


def search(store: Store, query: str, limit: int = 20, offset: int = 0) -> list[SearchHit]:
    return list(store_search(store, query, limit=limit, offset=offset))
