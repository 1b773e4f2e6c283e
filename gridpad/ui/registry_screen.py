"""Registry (登记): the one search box, the building list, and the pages under it (building card,
room, resident, forms). Back returns to where the user came from."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gridpad.ui.building_list import BuildingTable, setup_table
from gridpad.ui.building_page import BuildingPage
from gridpad.ui.context import AppContext
from gridpad.ui.form_base import FormPage
from gridpad.ui.person_page import PersonPage
from gridpad.ui.place_forms import BuildingForm, MoveOutForm, UnitForm
from gridpad.ui.search_model import SearchModel
from gridpad.ui.tenant_form import TenantForm
from gridpad.ui.unit_page import UnitPage
from gridpad.ui.widgets import Card, clear_layout, label, primary_button

SEARCH_DEBOUNCE_MS = 150
#: Finger-sized (ui.md: targets ≥ 44 px).
CLEAR_BUTTON_PX = 44
#: A result cell's padding left and right (gridpad.qss: 8 px each), plus room for the bold header.
RESULT_CELL_PADDING_PX = 28


class RegistryScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("screen")
        self._history: list[tuple[str, tuple[Any, ...]]] = []
        self._current: tuple[str, tuple[Any, ...]] = ("list", ())
        self._loaded = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        outer.setSpacing(12)

        header = QHBoxLayout()
        self.grid_title = label("", "title", self)
        header.addWidget(self.grid_title)
        self.search = QLineEdit(self)
        self.search.setObjectName("searchBox")
        # Qt's own clear button is a 16 px icon: ours is a finger-sized ✕ inside the box's end.
        self.clear_search = QToolButton(self.search)
        self.clear_search.setObjectName("clearSearch")
        self.clear_search.setText("✕")
        self.clear_search.setCursor(Qt.CursorShape.ArrowCursor)
        self.clear_search.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_search.setFixedSize(CLEAR_BUTTON_PX, CLEAR_BUTTON_PX)
        self.clear_search.hide()
        self.clear_search.clicked.connect(self._clear_search)
        inside = QHBoxLayout(self.search)
        inside.setContentsMargins(0, 0, 2, 0)
        inside.addStretch(1)
        inside.addWidget(self.clear_search, 0, Qt.AlignmentFlag.AlignVCenter)
        self.search.setTextMargins(0, 0, CLEAR_BUTTON_PX, 0)
        self.search.textChanged.connect(lambda text: self.clear_search.setVisible(bool(text)))
        header.addWidget(self.search, 1)
        outer.addLayout(header)

        self.pages = QStackedWidget(self)
        outer.addWidget(self.pages, 1)

        # List page: drafts banner, buildings or search results, primary "new building".
        self.list_page = QWidget()
        lay = QVBoxLayout(self.list_page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(12)
        self.drafts_card = Card(self.list_page, name="warningCard")
        self.drafts_card.hide()
        lay.addWidget(self.drafts_card)
        self.buildings = BuildingTable(ctx, self.list_page)
        self.buildings.open_building.connect(lambda b: self.go("building", b))
        lay.addWidget(self.buildings, 1)
        self.results = QTableView(self.list_page)
        self.search_model = SearchModel(ctx.db, self)
        self.results.setModel(self.search_model)
        setup_table(self.results)
        # Kind and Name are sized from every loaded result (not only the rows in view, as
        # ResizeToContents does), so none is cut to "…"; Where takes the rest and wraps.
        self.results.setWordWrap(True)
        results_header = self.results.horizontalHeader()
        results_header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        results_header.setStretchLastSection(True)
        self.results.clicked.connect(self._open_hit)
        self.results.hide()
        lay.addWidget(self.results, 1)
        self.no_results = label("", "muted", self.list_page)
        self.no_results.hide()
        lay.addWidget(self.no_results)
        bottom = QHBoxLayout()
        self.count = label("", "caption", self.list_page)
        bottom.addWidget(self.count, 1)
        self.new_building = primary_button(self.list_page)
        self.new_building.clicked.connect(lambda: self.go("building_form", None))
        bottom.addWidget(self.new_building)
        lay.addLayout(bottom)
        self.pages.addWidget(self.list_page)

        # Sub-pages are built on first use: a cold start shows only the list.
        self._built: dict[str, QWidget] = {}

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_model.results_changed.connect(self._results_changed)
        ctx.db.data_changed.connect(self._data_changed)
        self.buildings.model_.modelReset.connect(self._update_count)
        self.retranslate()

    # -- sub-pages, built on first use -----------------------------------------------------------
    def _page(self, name: str) -> Any:
        page = self._built.get(name)
        if page is None:
            page = self._build_page(name)
            self._built[name] = page
            self.pages.addWidget(page)
            page.back.connect(self.go_back)
        return page

    def _build_page(self, name: str) -> Any:
        ctx = self.ctx
        if name == "building":
            bp = BuildingPage(ctx)
            bp.open_unit.connect(lambda u: self.go("unit", u))
            bp.open_person.connect(lambda p: self.go("person", p))
            bp.choose_room.connect(lambda p: self.go("tenant_edit", p))
            bp.register.connect(lambda b, u: self.go("tenant_new", b, u or None))
            bp.edit_building.connect(lambda b: self.go("building_form", b))
            bp.add_unit.connect(lambda b: self.go("unit_form_new", b))
            return bp
        if name == "unit":
            up = UnitPage(ctx)
            up.open_person.connect(lambda p: self.go("person", p))
            up.register.connect(lambda b, u: self.go("tenant_new", b, u))
            up.edit_unit.connect(lambda u: self.go("unit_form", u))
            return up
        if name == "person":
            pp = PersonPage(ctx)
            pp.edit_person.connect(lambda p: self.go("tenant_edit", p))
            pp.move_out.connect(lambda t: self.go("move_out", t, pp.person_id))
            pp.open_building.connect(lambda b: self.go("building", b))
            return pp
        if name == "tenant_form":
            tf = TenantForm(ctx)
            tf.open_person.connect(lambda p: self.go("person", p))
            tf.saved.connect(lambda p: self._after_save("person", p))
            return tf
        if name == "building_form":
            bf = BuildingForm(ctx)
            bf.saved.connect(lambda b: self._after_save("building", b))
            return bf
        if name == "unit_form":
            uf = UnitForm(ctx)
            uf.saved.connect(lambda u: self._after_save("unit", u))
            return uf
        if name == "move_out_form":
            mf = MoveOutForm(ctx)
            mf.saved.connect(lambda p: self._after_save("person", p))
            return mf
        raise KeyError(name)

    @property
    def building_page(self) -> BuildingPage:
        page: BuildingPage = self._page("building")
        return page

    @property
    def unit_page(self) -> UnitPage:
        page: UnitPage = self._page("unit")
        return page

    @property
    def person_page(self) -> PersonPage:
        page: PersonPage = self._page("person")
        return page

    @property
    def tenant_form(self) -> TenantForm:
        page: TenantForm = self._page("tenant_form")
        return page

    @property
    def building_form(self) -> BuildingForm:
        page: BuildingForm = self._page("building_form")
        return page

    @property
    def unit_form(self) -> UnitForm:
        page: UnitForm = self._page("unit_form")
        return page

    @property
    def move_out_form(self) -> MoveOutForm:
        page: MoveOutForm = self._page("move_out_form")
        return page

    # -- entry points ---------------------------------------------------------------------------
    def activated(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.buildings.reload()
            from gridpad.app.search import grid_heading  # with the search: not needed at start-up

            self.ctx.db.call(grid_heading, owner=self, on_done=self.grid_title.setText)
        self._show_drafts()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.activated()

    def hideEvent(self, event: Any) -> None:  # leaving for another screen: write the draft now
        self.flush_drafts()
        super().hideEvent(event)

    def open(self, building_id: str | None = None, person_id: str | None = None) -> None:
        """From other screens (Today, Scan): open a building card or a resident."""
        self.activated()
        if building_id:
            self.go("building", building_id)
        elif person_id:
            self.go("person", person_id)

    # -- navigation -----------------------------------------------------------------------------
    def go(self, page: str, *args: Any, remember: bool = True) -> None:
        if remember and self._current != (page, args):
            self._history.append(self._current)
        self._current = (page, args)
        self._show(page, args)

    def go_back(self) -> None:
        target = self._history.pop() if self._history else ("list", ())
        self._current = target
        self._show(*target)

    def _show(self, page: str, args: tuple[Any, ...]) -> None:
        widget: QWidget
        if page == "list":
            widget = self.list_page
            self._show_drafts()
        elif page == "building":
            self.building_page.load(args[0])
            widget = self.building_page
        elif page == "unit":
            self.unit_page.load(args[0])
            widget = self.unit_page
        elif page == "person":
            self.person_page.load(args[0])
            widget = self.person_page
        elif page == "tenant_new":
            self.tenant_form.open_new(args[0], args[1] if len(args) > 1 else None)
            widget = self.tenant_form
        elif page == "tenant_edit":
            self.tenant_form.open_edit(args[0])
            widget = self.tenant_form
        elif page == "building_form":
            if args and args[0]:
                self.building_form.open_edit(args[0])
            else:
                self.building_form.open_new()
            widget = self.building_form
        elif page == "unit_form":
            self.unit_form.open_edit(args[0])
            widget = self.unit_form
        elif page == "unit_form_new":
            self.unit_form.open_new(args[0])
            widget = self.unit_form
        elif page == "move_out":
            self.move_out_form.open(args[0], args[1])
            widget = self.move_out_form
        else:
            raise KeyError(page)
        current = self.pages.currentWidget()
        if isinstance(current, FormPage) and current is not widget:
            current.flush_drafts()
        self.pages.setCurrentWidget(widget)

    def _after_save(self, kind: str, row_id: str) -> None:
        # Leave the form: drop it from history so Back does not return to a saved form.
        page = {"person": "person", "building": "building", "unit": "unit"}[kind]
        while self._history and self._history[-1][0] == page and self._history[-1][1][:1] == (row_id,):
            self._history.pop()
        self._current = (page, (row_id,))
        self._show(page, (row_id,))

    def flush_drafts(self) -> None:
        current = self.pages.currentWidget()
        if isinstance(current, FormPage):
            current.flush_drafts()

    # -- search ---------------------------------------------------------------------------------
    def _run_search(self) -> None:
        text = self.search.text().strip()
        if self.pages.currentWidget() is not self.list_page and text:
            self.go("list")
        self.search_model.set_query(text)
        searching = bool(text)
        self.results.setVisible(searching)
        self.buildings.setVisible(not searching)
        if not searching:
            self.no_results.hide()
            self._update_count()

    def _results_changed(self, query: str, n: int) -> None:
        if not query:
            return
        self.no_results.setVisible(n == 0)
        self.no_results.setText(self.tr("Nothing found for “%1”.").replace("%1", query))
        if self.search_model.more:  # only a page is loaded: say there are more, not a wrong count
            self.count.setText(self.tr("%1+ results").replace("%1", str(n)))
        else:
            self.count.setText(self.tr("%n result(s)", "", n))
        self._fit_result_columns()

    def _fit_result_columns(self) -> None:
        """Kind and Name as wide as their longest loaded text (Name at most 40 % of the table)."""
        view, model = self.results, self.search_model
        metrics = view.fontMetrics()
        pad = RESULT_CELL_PADDING_PX
        header = view.horizontalHeader()
        for column, cap in ((0, view.viewport().width()), (1, view.viewport().width() * 2 // 5)):
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            texts = [str(model.index(r, column).data() or "") for r in range(model.rowCount())]
            widest = max((metrics.horizontalAdvance(t) for t in [title, *texts]), default=0)
            header.resizeSection(column, min(widest + pad, max(cap, 80)))

    def _clear_search(self) -> None:
        self.search.clear()
        self.search.setFocus()

    def _open_hit(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        hit = self.search_model.hit(index.row())
        page = {"building": "building", "unit": "unit", "person": "person"}.get(hit.kind)
        if page:
            self.go(page, hit.id)

    # -- drafts banner --------------------------------------------------------------------------
    def _show_drafts(self) -> None:
        self.ctx.drafts.all(owner=self, on_done=self._fill_drafts)

    def _fill_drafts(self, drafts: list[tuple[str, dict[str, Any]]]) -> None:
        clear_layout(self.drafts_card.body)
        pending = [(k, d) for k, d in drafts if isinstance(d.get("_meta"), dict)]
        if not pending:
            self.drafts_card.hide()
            return
        for _key, draft in pending[:3]:
            meta = draft["_meta"]
            row = QHBoxLayout()
            what = {"tenant": self.tr("Unfinished registration"),
                    "person": self.tr("Unfinished edit of a resident"),
                    "building": self.tr("Unfinished building form"), "unit": self.tr("Unfinished room form"),
                    "moveout": self.tr("Unfinished move-out")}.get(meta.get("form", ""),
                                                                   self.tr("Unfinished form"))
            who = f": {draft['name']}" if draft.get("name") else ""
            row.addWidget(label(what + who, None, wrap=True), 1)
            resume = QPushButton(self.tr("Continue"))
            resume.clicked.connect(lambda _=False, m=meta: self.resume(m))
            row.addWidget(resume)
            self.drafts_card.body.addLayout(row)
        self.drafts_card.show()

    def resume(self, meta: dict[str, Any]) -> None:
        form = meta.get("form")
        if form == "tenant":
            self.go("tenant_new", meta["building_id"], None)
        elif form == "person":
            self.go("tenant_edit", meta["person_id"])
        elif form == "building":
            self.go("building_form", meta.get("building_id"))
        elif form == "unit":
            if meta.get("unit_id"):
                self.go("unit_form", meta["unit_id"])
            else:
                self.go("unit_form_new", meta["building_id"])
        elif form == "moveout":
            self.go("move_out", meta["tenancy_id"], meta["person_id"])

    # -- refresh --------------------------------------------------------------------------------
    def _data_changed(self, _table: str) -> None:
        self.buildings.model_.invalidate()
        if _table == "building":
            self.buildings.reload()

    def _update_count(self) -> None:
        n = self.buildings.model_.rowCount()
        self.count.setText(self.tr("%n building(s)", "", n))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_result_columns()

    def retranslate(self) -> None:
        self.clear_search.setToolTip(self.tr("Clear the search"))
        self.clear_search.setAccessibleName(self.tr("Clear the search"))
        self._fit_result_columns()
        self.search.setPlaceholderText(self.tr("Search: name / pinyin initials / last 4 of ID / room"))
        self.new_building.setText(self.tr("+ New building"))
        self._update_count()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            if self.pages.currentWidget() is self.list_page:
                self._show_drafts()
        super().changeEvent(event)
