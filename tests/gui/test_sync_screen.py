"""Sync UI against a REAL gridpad-server subprocess: enroll from Settings, edits counted in the
status strip, Sync now empties the outbox while the strip follows, conflicts show both values."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from signal_checks import quiet
from support.devices import FAST_RETRY
from support.live_server import ServerProcess
from sync_ui_support import TestContext, close_ctx, make_ctx

from gridpad.store import repo
from gridpad.store.db import Store, open_store
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client import enroll as enroll_mod
from gridpad.sync_client.engine import sync_once
from gridpad.ui.context import AppContext
from gridpad.ui.settings_screen import SettingsScreen
from gridpad.ui.status_strip import StatusStrip
from gridpad.ui.sync_screen import SyncScreen

#: The Settings and Sync screens and the status strip on one real app context.
AppUi = tuple[TestContext, SettingsScreen, SyncScreen, StatusStrip]

pytestmark = [pytest.mark.slow, pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("sync-ui-server")).start()
    yield proc
    proc.stop()


@pytest.fixture
def app_ui(tmp_path: Path, qtbot: QtBot) -> Iterator[AppUi]:
    ctx = make_ctx(tmp_path / "tablet")
    settings, screen, strip = SettingsScreen(ctx), SyncScreen(ctx), StatusStrip(ctx)
    for w in (settings, screen, strip):
        qtbot.addWidget(w)
    yield ctx, settings, screen, strip
    close_ctx(ctx)


def _enroll_through_settings(qtbot: QtBot, ctx: AppContext, settings: SettingsScreen, url: str,
                             code: str) -> None:
    settings.server_edit.setText(url)
    settings.code_edit.setText(code)
    with qtbot.waitSignal(ctx.sync.sync_finished, timeout=30_000):  # enrolling starts the first sync
        qtbot.mouseClick(settings.enroll_button, Qt.MouseButton.LeftButton)
    assert "Enrolled" in settings.enroll_message.text()


def _buildings(store: Store, grid: str, n: int) -> None:
    repo.insert_many(store, "building", ({"grid_id": grid, "address": f"东莞市长安镇乌沙社区兴业路{i}号"}
                                         for i in range(n)))


def test_sync_now_empties_the_outbox_and_the_strip_follows(qtbot: QtBot, server: ServerProcess,
                                                           app_ui: AppUi) -> None:
    ctx, settings, screen, strip = app_ui
    scope = server.new_scope()
    _enroll_through_settings(qtbot, ctx, settings, server.url, scope.codes[0])
    assert strip.last_sync_label.text().startswith("Last sync ")
    qtbot.waitUntil(lambda: "Grids: " + scope.grid in settings.about.text(), timeout=10_000)

    # An edit made elsewhere in the app (another connection, as the DB worker is) is counted.
    store = open_store(ctx.data_dir / "gridpad.sqlite")
    _buildings(store, scope.grid, 1200)  # three push batches of 500
    store.close()
    ctx.sync.refresh()
    qtbot.waitUntil(lambda: strip.outbox_label.text() == "Waiting to sync: 1200", timeout=10_000)
    assert "Buildings 1200" in screen.outbox_kinds.text()

    seen: list[str] = []
    ctx.sync.snapshot.connect(lambda _s: seen.append(strip.outbox_label.text()))
    with qtbot.waitSignal(ctx.sync.sync_finished, timeout=60_000) as done:
        qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)
        assert not screen.sync_button.isEnabled()  # no double start
    assert done.args[0].pushed == 1200
    qtbot.waitUntil(lambda: strip.outbox_label.text() == "Waiting to sync: 0", timeout=10_000)
    # The strip moved while the sync ran: a count between 1200 and 0 was on screen.
    assert any(t not in ("Waiting to sync: 1200", "Waiting to sync: 0") for t in seen), seen
    assert strip.last_sync_label.text().startswith("Last sync ")
    assert screen.last_success.text().startswith("Last successful sync: ")
    assert "never" not in screen.last_success.text()
    assert screen.sync_button.isEnabled()
    assert "Sent 1200" in screen.result_label.text()
    assert not screen.error_card.isVisible()


def test_unreachable_server_is_offline_calmly_and_edits_wait(qtbot: QtBot, app_ui: AppUi,
                                                             tmp_path: Path) -> None:
    ctx, settings, screen, strip = app_ui
    dead = ServerProcess(tmp_path / "dead-server").start()  # enroll, then the network goes away
    try:
        scope = dead.new_scope()
        _enroll_through_settings(qtbot, ctx, settings, dead.url, scope.codes[0])
    finally:
        dead.stop()
    store = open_store(ctx.data_dir / "gridpad.sqlite")
    _buildings(store, scope.grid, 2)
    store.close()
    with quiet(qtbot, ctx.sync.sync_finished), qtbot.waitSignal(ctx.sync.sync_failed, timeout=60_000):
        ctx.sync.sync_now()
    qtbot.waitUntil(lambda: strip.state_label.text() == "● Offline", timeout=10_000)
    assert strip.outbox_label.text() == "Waiting to sync: 2"
    assert strip.error_label.text() == ""  # offline is normal: no alarm in the strip
    # The sync screen explains in plain words and says what to do.
    assert screen.error_card.isVisibleTo(screen)
    assert screen.error_what.text() == "The server could not be reached."
    assert screen.error_todo.text() == (
        "Nothing is lost: edits wait on the tablet and sync when the network returns.")


def test_conflict_list_shows_both_values_and_resolving_closes_it(qtbot: QtBot, server: ServerProcess,
                                                                 app_ui: AppUi, tmp_path: Path) -> None:
    ctx, settings, screen, strip = app_ui
    scope = server.new_scope(users=2)
    _enroll_through_settings(qtbot, ctx, settings, server.url, scope.codes[0])

    # A second tablet creates a building; both have it; then both change two fields while apart.
    other = open_store(tmp_path / "other" / "gridpad.sqlite")
    enroll_mod.enroll(other, server.url, scope.codes[1], retry=FAST_RETRY)
    bid = repo.insert(other, "building",
                      {"grid_id": scope.grid, "address": "兴业路18号", "name": "锦厦花园3栋"})
    sync_once(other, data_dir=tmp_path / "other", retry=FAST_RETRY)
    with qtbot.waitSignal(ctx.sync.sync_finished, timeout=30_000):
        ctx.sync.sync_now()
    mine = open_store(ctx.data_dir / "gridpad.sqlite")
    repo.update(mine, "building", bid, {"name": "锦厦花园三栋", "door_no": "18"})
    mine.close()
    repo.update(other, "building", bid, {"name": "锦厦花园3号楼", "door_no": "18号"})
    sync_once(other, data_dir=tmp_path / "other", retry=FAST_RETRY)
    with qtbot.waitSignal(ctx.sync.sync_finished, timeout=30_000):
        ctx.sync.sync_now()  # my push is concurrent with theirs: the server records two conflicts

    qtbot.waitUntil(lambda: len(screen._cards) == 2, timeout=10_000)
    cards = {c.view.field: c for c in screen._cards.values()}
    name_card, door_card = cards["name"], cards["door_no"]
    assert {name_card.mine_value.text(), name_card.theirs_value.text()} == {"锦厦花园三栋", "锦厦花园3号楼"}
    assert name_card.mine_value.text() == "锦厦花园三栋"
    assert "Buildings" in name_card.title.text() and "Name" in name_card.title.text()
    assert name_card.mine_meta.text().startswith("this tablet")
    assert name_card.theirs_meta.text().startswith(scope.users[1])  # the colleague, not a device id
    assert strip.conflict_label.text() == "Conflicts: 2"

    with qtbot.waitSignal(ctx.sync.conflict_resolved, timeout=30_000):
        qtbot.mouseClick(name_card.use_mine, Qt.MouseButton.LeftButton)
    # 编辑: type a third value; it becomes an ordinary edit that the next sync pushes.
    qtbot.mouseClick(door_card.edit_button, Qt.MouseButton.LeftButton)
    door_card.edit_field.setText("18-1")
    with qtbot.waitSignal(ctx.sync.conflict_resolved, timeout=30_000):
        qtbot.mouseClick(door_card.save_edit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen._cards, timeout=10_000)
    qtbot.waitUntil(lambda: not strip.conflict_label.isVisibleTo(strip), timeout=10_000)
    # Both resolutions are applied here at once and wait as edits: my name (the server kept theirs)
    # and the typed door number.
    qtbot.waitUntil(lambda: strip.outbox_label.text() == "Waiting to sync: 2", timeout=10_000)
    with qtbot.waitSignal(ctx.sync.sync_finished, timeout=30_000):
        qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)
    # The other tablet gets my name (use mine) and the typed door number (edit).
    sync_once(other, data_dir=tmp_path / "other", retry=FAST_RETRY)
    row = repo.get(other, "building", bid)
    assert row is not None
    assert (row["name"], row["door_no"]) == ("锦厦花园三栋", "18-1")
    other.close()


def test_sync_starts_by_itself_when_the_network_returns(qtbot: QtBot, tmp_path: Path) -> None:
    # A fast reachability probe instead of the app's 30 s; the rest is the app's controller.
    ctx = make_ctx(tmp_path / "tablet", probe_ms=300)
    strip, settings = StatusStrip(ctx), SettingsScreen(ctx)
    qtbot.addWidget(strip)
    qtbot.addWidget(settings)
    server = ServerProcess(tmp_path / "server").start()
    try:
        scope = server.new_scope()
        _enroll_through_settings(qtbot, ctx, settings, server.url, scope.codes[0])
        server.stop()  # the tablet walks out of coverage
        qtbot.waitUntil(lambda: strip.state_label.text() == "● Offline", timeout=15_000)
        store = open_store(ctx.data_dir / "gridpad.sqlite")
        _buildings(store, scope.grid, 3)
        store.close()
        ctx.sync.refresh()
        qtbot.waitUntil(lambda: strip.outbox_label.text() == "Waiting to sync: 3", timeout=10_000)

        with qtbot.waitSignal(ctx.sync.sync_finished, timeout=30_000) as done:
            server.start()  # same address: coverage is back; nobody presses anything
        assert done.args[0].pushed == 3
        qtbot.waitUntil(lambda: strip.outbox_label.text() == "Waiting to sync: 0", timeout=10_000)
        assert strip.state_label.text() == "● Online"
    finally:
        server.stop()
        close_ctx(ctx)


def test_a_revoked_tablet_is_told_so_in_plain_words(qtbot: QtBot, server: ServerProcess,
                                                    app_ui: AppUi) -> None:
    ctx, settings, screen, strip = app_ui
    scope = server.new_scope()
    _enroll_through_settings(qtbot, ctx, settings, server.url, scope.codes[0])
    store = open_store(ctx.data_dir / "gridpad.sqlite")
    device = DeviceMeta(store).enrolled_device_id
    store.close()
    assert device is not None
    server.revoke(device)
    with quiet(qtbot, ctx.sync.sync_finished), qtbot.waitSignal(ctx.sync.sync_failed, timeout=30_000):
        qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.error_what.text() == "This tablet has been revoked by IT.", timeout=10_000)
    assert screen.error_todo.text() == "Ask IT before using it again; local data must be wiped."
    qtbot.waitUntil(lambda: strip.state_label.text() == "● Not enrolled", timeout=10_000)  # wiped
