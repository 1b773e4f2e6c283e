"""The sync screen lists the changes the server refused, set aside, with Retry and Discard
(issue #9 item 1), against a REAL gridpad-server subprocess."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from support.devices import FAST_RETRY
from support.live_server import ServerProcess
from sync_ui_support import close_ctx, make_ctx

from gridpad.store import outbox, repo
from gridpad.store.db import open_store
from gridpad.sync_client import enroll as enroll_mod
from gridpad.ui.sync_screen import SyncScreen

pytestmark = [pytest.mark.slow, pytest.mark.qt_log_ignore("propagateSizeHints")]

BAD = "张\x00伟"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("held-ui-server")).start()
    yield proc
    proc.stop()


def _server_name(server: ServerProcess, row_id: str) -> str | None:
    with server.engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT name FROM person WHERE id = ?", (row_id,)).first()
    return None if row is None else str(row[0])


def test_the_sync_screen_lists_set_aside_changes_and_retries_or_discards_them(
        qtbot: QtBot, server: ServerProcess, tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "tablet")
    screen = SyncScreen(ctx)
    qtbot.addWidget(screen)
    try:
        scope = server.new_scope()
        store = open_store(ctx.data_dir / "gridpad.sqlite")
        enroll_mod.enroll(store, server.url, scope.codes[0], retry=FAST_RETRY)
        p1 = repo.insert(store, "person", {"grid_id": scope.grid, "name": "张伟"})
        p2 = repo.insert(store, "person", {"grid_id": scope.grid, "name": "李娜"})
        with qtbot.waitSignal(ctx.sync.sync_finished, timeout=60_000):
            ctx.sync.sync_now()
        repo.update(store, "person", p1, {"name": BAD}, validate=False)
        repo.update(store, "person", p1, {"employer": "虎门服装厂"})
        repo.update(store, "person", p2, {"name": BAD}, validate=False)

        with qtbot.waitSignal(ctx.sync.sync_finished, timeout=60_000):
            qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(screen._held_cards) == 2, timeout=10_000)
        assert screen.held_title.text() == "Set aside, refused by the server: 2"
        first, second = (screen._held_cards[k] for k in sorted(screen._held_cards))
        assert first.title.text() == "Persons · 张*伟"  # which record, masked (issue #10 item 6)
        assert first.reason.text().startswith("Name \u2014 contains a character the server does not accept")
        assert first.waiting.text() == "1 later edits of this record wait behind it."
        assert BAD not in first.reason.text()

        # Retry after the fix: the value the row holds now goes, once.
        repo.update(store, "person", p2, {"name": "李娜娜"})
        with qtbot.waitSignal(ctx.sync.held_done, timeout=10_000):
            qtbot.mouseClick(second.retry_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(screen._held_cards) == 1, timeout=10_000)
        # Discard: the row's later edit goes; the local value stays, said to be not on the server.
        with qtbot.waitSignal(ctx.sync.held_done, timeout=10_000):
            qtbot.mouseClick(screen._held_cards[first.change_id].discard_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not screen._held_cards, timeout=10_000)
        assert not screen.held_title.isVisibleTo(screen)
        assert screen.not_on_server.isVisibleTo(screen)
        assert f"Persons {p1[:8]}\u2026: Name is kept on this tablet but is not on the server" \
            in screen.not_on_server.text()

        with qtbot.waitSignal(ctx.sync.sync_finished, timeout=60_000) as done:
            qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)
        assert done.args[0].pushed == 3 and not done.args[0].held
        assert outbox.count(store) == 0
        assert _server_name(server, p2) == "李娜娜"
        assert _server_name(server, p1) == "张伟"
        row = repo.get(store, "person", p1)
        assert row is not None and row["name"] == BAD
        store.close()
    finally:
        close_ctx(ctx)
