"""Item models over store queries.

:class:`LazyIdTableModel` follows Anki's browser table: it holds only row ids and fetches the rows
on screen, a page at a time, on the database worker; until a page arrives its cells show a
placeholder, and a page cache keeps memory flat however long the list is.
:class:`ListTableModel` is for short lists that arrive whole (a building's units or residents).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from gridpad.ui.db_worker import DbClient

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


@dataclass(frozen=True)
class Column:
    """One column: its header (called at paint time, so it follows the language) and cell text."""

    header: Callable[[], str]
    text: Callable[[Any], str]
    #: Optional style token name for the text colour (e.g. "danger"), never the only signal.
    tone: Callable[[Any], str | None] | None = None
    align_right: bool = False


class _ColumnsMixin:
    columns: Sequence[Column]
    tone_color: Callable[[str], Any] | None

    def _cell(self, row: Any, column: int, role: int) -> Any:
        col = self.columns[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row)
        if role == Qt.ItemDataRole.ForegroundRole and col.tone is not None and self.tone_color is not None:
            tone = col.tone(row)
            return self.tone_color(tone) if tone else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def flags(self, index: Index) -> Qt.ItemFlag:  # never fetches (Anki: no DB work in flags())
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self._header(section, orientation, role)

    def _header(self, section: int, orientation: Qt.Orientation, role: int) -> Any:
        """Column captions, aligned like the column's cells (a centred caption over left-aligned
        text reads as belonging to the next column)."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        col = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.header()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignRight if col.align_right else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        return None


class LazyIdTableModel(_ColumnsMixin, QAbstractTableModel):
    """Rows are ids; row data comes from ``fetch(store, ids) -> {id: row}`` on the DB worker."""

    PAGE = 100
    MAX_PAGES = 20
    PLACEHOLDER = "…"

    def __init__(self, db: DbClient, fetch: Callable[..., dict[str, Any]], columns: Sequence[Column],
                 tone_color: Callable[[str], Any] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._fetch = fetch
        self.columns = columns
        self.tone_color = tone_color
        self._ids: list[str] = []
        self._pages: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._requested: set[int] = set()
        self._generation = 0

    # -- ids ------------------------------------------------------------------------------------
    def set_ids(self, ids: Sequence[str]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._drop_cache()
        self.endResetModel()

    def invalidate(self) -> None:
        """Forget cached rows (after an edit); visible rows reload as they are painted."""
        self._drop_cache()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self.columns) - 1))

    def _drop_cache(self) -> None:
        self._generation += 1
        self._pages.clear()
        self._requested.clear()

    def row_id(self, row: int) -> str:
        return self._ids[row]

    def row_of(self, row_id: str) -> int:
        return self._ids.index(row_id)

    def cached_row(self, row: int) -> Any | None:
        page = self._pages.get(row // self.PAGE)
        return None if page is None else page.get(self._ids[row])

    @property
    def loaded_rows(self) -> int:
        return sum(len(p) for p in self._pages.values())

    # -- Qt model -------------------------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        row = self.cached_row(index.row())
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole:
                self._request(index.row() // self.PAGE)
                return self.PLACEHOLDER
            return None
        self._pages.move_to_end(index.row() // self.PAGE)
        return self._cell(row, index.column(), role)

    # -- paging ---------------------------------------------------------------------------------
    def _request(self, page: int) -> None:
        if page in self._requested:
            return
        self._requested.add(page)
        ids = self._ids[page * self.PAGE:(page + 1) * self.PAGE]
        generation = self._generation
        self._db.call(self._fetch, ids, owner=self,
                      on_done=lambda rows: self._page_loaded(generation, page, rows),
                      on_error=lambda _exc: self._requested.discard(page))

    def _page_loaded(self, generation: int, page: int, rows: dict[str, Any]) -> None:
        if generation != self._generation:
            return  # the list changed while this page was loading
        self._pages[page] = rows
        while len(self._pages) > self.MAX_PAGES:
            old, _ = self._pages.popitem(last=False)
            self._requested.discard(old)
        first = page * self.PAGE
        last = min(first + self.PAGE, len(self._ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))


class ListTableModel(_ColumnsMixin, QAbstractTableModel):
    """A short list of row objects shown whole; ``key(row)`` is its id (UserRole)."""

    def __init__(self, columns: Sequence[Column], key: Callable[[Any], str],
                 tone_color: Callable[[str], Any] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.tone_color = tone_color
        self._key = key
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_id(self, row: int) -> str:
        return self._key(self.rows[row])

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self._key(self.rows[index.row()])
        return self._cell(self.rows[index.row()], index.column(), role)
