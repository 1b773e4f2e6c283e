"""Rows the server holds that break the shared rules are shown for correction (issue #9 item 5,
last sentence), against a REAL gridpad-server process: the sync screen lists which record and the
rule each field breaks as the forms word it, 打开更正 opens the person's page, which flags the
same, and a fix made on the tablet takes the record off the list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from support.devices import FAST_RETRY
from support.live_server import ServerProcess
from sync_ui_support import close_ctx, make_ctx

from gridpad.store import repo
from gridpad.store.db import open_store
from gridpad.sync_client import enroll as enroll_mod
from gridpad.ui.building_page import BuildingPage
from gridpad.ui.person_page import PersonPage
from gridpad.ui.resources import register_icon_path
from gridpad.ui.sync_screen import SyncScreen
from sync import hlc, merge
from sync.rules.idnumber import make_resident_id
from sync.server import db
from sync.server.central import write_row

pytestmark = [pytest.mark.slow, pytest.mark.qt_log_ignore("propagateSizeHints")]

MALE_1980 = make_resident_id("441900", date(1980, 5, 6), 11)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("breach-ui-server")).start()
    yield proc
    proc.stop()


def _write_legacy(engine: sa.engine.Engine, table: str, row_id: str, fields: dict[str, Any]) -> None:
    """As an older server stored it: no rule applied."""
    with db.write_tx(engine) as conn:
        seqs = db.SeqAllocator(conn)
        write_row(conn, seqs, table, row_id, fields, merge.Author(hlc.send(0, hlc.now_ms()), "old-server"))
        seqs.save()


def test_records_to_correct_are_listed_opened_flagged_and_leave_once_fixed(
        qtbot: QtBot, server: ServerProcess, tmp_path: Path) -> None:
    register_icon_path()  # the building page's call buttons, as the app registers them
    ctx = make_ctx(tmp_path / "tablet")
    screen = SyncScreen(ctx)
    qtbot.addWidget(screen)
    scope = server.new_scope()
    store = open_store(ctx.data_dir / "gridpad.sqlite")
    try:
        enroll_mod.enroll(store, server.url, scope.code, retry=FAST_RETRY)
        b = repo.insert(store, "building", {"grid_id": scope.grid, "address": "兴业路18号"})
        u = repo.insert(store, "unit", {"grid_id": scope.grid, "building_id": b, "room_no": "301"})
        p = repo.insert(store, "person", {"grid_id": scope.grid, "name": "李四", "id_type": "RESIDENT_ID",
                                          "id_number": MALE_1980})
        repo.insert(store, "tenancy", {"grid_id": scope.grid, "person_id": p, "building_id": b,
                                       "unit_id": u, "move_in_at": "2025-03-01"})
        with qtbot.waitSignal(ctx.sync.sync_finished, timeout=60_000):
            ctx.sync.sync_now()
        # Stored by an older server: a woman born 2001 with a man's 1980 ID number; a room of -3 floors.
        _write_legacy(server.engine, "person", p, {"gender": "2", "birth_date": "2001-01-01"})
        _write_legacy(server.engine, "building", b, {"floors_above": -3})
        assert server.admin_cli("check", check=False).returncode == 1

        with qtbot.waitSignal(ctx.sync.sync_finished, timeout=60_000):
            qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(screen._correct_cards) == 2, timeout=10_000)
        assert screen.correct_title.isVisibleTo(screen)
        assert screen.big_status.text() == "Waiting for you: to correct 2"
        cards = {c.item.table: c for c in screen._correct_cards}
        person = cards["person"]
        assert person.title.text() == "Persons · 李* · 兴业路18号 · 301"
        assert person.problems.text().splitlines() == [
            "Date of birth — Does not match the birth date in the ID number",
            "Gender — Does not match the ID number"]
        assert cards["building"].problems.text() == "Floors above ground — Must be 0 or more"
        for personal in (MALE_1980, "2001-01-01", "李四"):
            assert personal not in person.title.text() + person.problems.text()

        # 打开更正 goes to the person's page, which flags the record with the same words.
        qtbot.mouseClick(person.open_button, Qt.MouseButton.LeftButton)
        assert ctx.visits[-1] == ("registry", {"person_id": p})
        page = PersonPage(ctx)
        qtbot.addWidget(page)
        page.load(p)
        qtbot.waitUntil(lambda: page.breach_flag.isVisibleTo(page), timeout=10_000)
        assert "Gender — Does not match the ID number" in page.breach_flag.lines.text()
        building_page = BuildingPage(ctx)
        qtbot.addWidget(building_page)
        building_page.load(b)
        qtbot.waitUntil(lambda: building_page.breach_flag.isVisibleTo(building_page), timeout=10_000)
        assert building_page.breach_flag.lines.text() == "Floors above ground — Must be 0 or more"

        # Fixed on the tablet: off the list and the page at once, before the server judges it again.
        repo.update(store, "person", p, {"gender": "1", "birth_date": "1980-05-06"})
        ctx.sync.refresh()
        qtbot.waitUntil(lambda: len(screen._correct_cards) == 1, timeout=10_000)
        page.load(p)
        qtbot.waitUntil(lambda: ctx.db.pending == 0, timeout=10_000)
        assert not page.breach_flag.isVisibleTo(page)
    finally:
        store.close()
        close_ctx(ctx)
