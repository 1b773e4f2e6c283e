"""Search-as-you-type results: pages of ``gridpad.app.search.search`` fetched on the DB worker.

A newer query makes older answers stale (a generation counter drops them), and more results are
fetched with Qt's ``canFetchMore``/``fetchMore`` when the user scrolls to the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Signal

from gridpad.ui.db_worker import DbClient
from gridpad.ui.models import Column, ListTableModel

if TYPE_CHECKING:  # the search itself is imported on first use: a cold start does not need it
    from gridpad.app.search import SearchResult

Index = QModelIndex | QPersistentModelIndex


def kind_label(kind: str) -> str:
    labels = {
        "building": QCoreApplication.translate("Search", "Building"),
        "unit": QCoreApplication.translate("Search", "Room"),
        "person": QCoreApplication.translate("Search", "Resident"),
    }
    return labels.get(kind, kind)


def where_text(hit: SearchResult) -> str:
    """Masked ID and phone, the place (a moved-out resident: said so, and where they lived), the grid."""
    place = hit.place
    if hit.moved_out:
        place = (QCoreApplication.translate("Search", "Moved out (lived at {0})").format(place) if place
                 else QCoreApplication.translate("Search", "Moved out"))
    return " · ".join(p for p in (hit.detail, place, hit.grid) if p)


COLUMNS: Sequence[Column] = (
    Column(lambda: QCoreApplication.translate("Search", "Kind"), lambda h: kind_label(h.kind)),
    Column(lambda: QCoreApplication.translate("Search", "Name"), lambda h: h.title),
    Column(lambda: QCoreApplication.translate("Search", "Where"), where_text),
)


class SearchModel(ListTableModel):
    """Signals:
        results_changed(str, int): the query answered and how many hits are loaded
            (``more`` tells whether the store holds more than that).
    """

    PAGE = 30
    results_changed = Signal(str, int)

    def __init__(self, db: DbClient, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, key=lambda h: h.id, parent=parent)
        self._db = db
        self.query = ""
        self._generation = 0
        self._loading = False
        self._exhausted = True

    def set_query(self, query: str) -> None:
        self._generation += 1
        self.query = query.strip()
        self.set_rows([])
        self._exhausted = not self.query
        self._loading = False
        if self.query:
            self._load(0)
        else:
            self.results_changed.emit("", 0)

    @property
    def more(self) -> bool:
        """More matches than are loaded (the next page is fetched on scrolling to the end)."""
        return not self._exhausted

    def hit(self, row: int) -> Any:
        return self.rows[row]

    def _load(self, offset: int) -> None:
        from gridpad.app.search import search_results

        self._loading = True
        generation = self._generation
        # One more than a page: whether more exist is known without a count query.
        self._db.call(search_results, self.query, self.PAGE + 1, offset, owner=self,
                      on_done=lambda hits: self._loaded(generation, hits),
                      on_error=lambda _exc: self._failed(generation))

    def _failed(self, generation: int) -> None:
        if generation == self._generation:
            self._loading = False
            self._exhausted = True
            self.results_changed.emit(self.query, len(self.rows))

    def _loaded(self, generation: int, hits: list[Any]) -> None:
        if generation != self._generation:
            return
        # Still "loading" while rows go in: views (and the model tester) call fetchMore from inside
        # beginInsertRows, which must not ask for the same offset again.
        self._exhausted = len(hits) <= self.PAGE
        hits = hits[:self.PAGE]
        if hits:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(hits) - 1)
            self.rows.extend(hits)
            self.endInsertRows()
        self._loading = False
        self.results_changed.emit(self.query, len(self.rows))

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._loading and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._load(len(self.rows))
