"""Door plates on this tablet: what scanned texts mean here, and registering an unknown building."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gridpad.qr.scan import ScanResult, best, store_context, store_grids
from gridpad.store import repo
from gridpad.store.db import Store


@dataclass(frozen=True)
class GridChoice:
    grid_id: str
    name: str  # the grid's name, or its code when this tablet has none


def check_texts(store: Store, texts: Sequence[str]) -> ScanResult:
    """The most useful meaning of the decoded texts (NO_CODE when there are none)."""
    context = store_context(store)
    return best(context.check(t) for t in texts)


def my_grids(store: Store) -> list[GridChoice]:
    """The grids this tablet holds, by code."""
    names = {str(r["id"]): str(r.get("name") or r["id"]) for r in repo.rows(store, "grid")}
    return [GridChoice(g, names.get(g, g)) for g in sorted(store_grids(store))]


def register_building(store: Store, building_id: str, grid_id: str, address: str) -> str:
    """A new building carrying the plate's id (an ordinary captured edit, synced like any)."""
    return repo.insert(store, "building", {"grid_id": grid_id, "address": address}, id=building_id)
