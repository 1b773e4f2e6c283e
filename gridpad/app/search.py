"""The search box: people, rooms and buildings by name, number, pinyin or address (masked).

``search`` is the hit list the ``gridpad search`` command prints; ``search_results`` adds what the
app's result list shows around each hit so two alike can be told apart: the grid (when this device
holds several), where it is, and for a resident who moved out, that they did.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridpad.core import masking
from gridpad.store import repo, search_context
from gridpad.store.db import Store
from gridpad.store.search import SearchHit
from gridpad.store.search import search as store_search
from gridpad.store.search_context import grid_labels


def search(store: Store, query: str, limit: int = 20, offset: int = 0) -> list[SearchHit]:
    return list(store_search(store, query, limit=limit, offset=offset))


@dataclass(frozen=True)
class SearchResult:
    kind: str  # person / unit / building
    id: str
    title: str  # masked name, "building room", or the building's label
    #: A resident's masked ID number and phone ('' for rooms and buildings).
    detail: str
    #: Where it is; for a resident who moved out, where they lived.
    place: str
    #: The grid's name when this device holds more than one grid, else ''.
    grid: str
    moved_out: bool = False


def grid_heading(store: Store) -> str:
    """What the registry's header names: every grid held here ('' when none), e.g.
    "乌沙社区第一网格 + 第二网格"."""
    grids = search_context.grid_names(store)
    if not grids:
        return ""
    first = grids[0]
    title = first.name
    if first.village and first.village not in first.name:
        title = f"{first.village} · {first.name}"
    if len(grids) == 1:
        return title
    short = grid_labels(store)
    return " + ".join([title, *(short[g.id] for g in grids[1:])])


def search_results(store: Store, query: str, limit: int = 20, offset: int = 0) -> list[SearchResult]:
    hits = search(store, query, limit, offset)
    contexts = search_context.hit_contexts(store, [(h.kind, h.id) for h in hits])
    labels = grid_labels(store)
    several = len(labels) > 1
    out = []
    for h in hits:
        ctx = contexts.get((h.kind, h.id))
        grid = labels.get(ctx.grid_id or "", ctx.grid_id or "") if ctx and several else ""
        detail = ""
        if h.kind == "person":
            detail = _person_detail(store, h.id)
        place = ctx.place if ctx else h.subtitle
        if h.kind == "building" and place == h.title:
            place = ""
        out.append(SearchResult(h.kind, h.id, h.title, detail, place, grid,
                                bool(ctx and ctx.moved_out)))
    return out


def _person_detail(store: Store, person_id: str) -> str:
    row = repo.get(store, "person", person_id) or {}
    parts = [masking.mask_id_number(row.get("id_number")), masking.mask_phone(row.get("phone"))]
    return " · ".join(p for p in parts if p)
