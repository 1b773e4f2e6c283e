"""Conflicts a grid manager can act on (issue #10 item 6), against a REAL gridpad-server process:
each card says which person (masked name, address, room), names the colleague who wrote the other
value and when, the headline counts what waits, and 用对方的 changes the record on the tablet at once
(store, search), the resolution reaching the server and the colleague at the next sync."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from support.devices import FAST_RETRY
from support.live_server import Scope, ServerProcess
from sync_ui_support import close_ctx, make_ctx

from gridpad.app import syncing
from gridpad.app.sync_review import NotAllowedError, Resolver
from gridpad.store import outbox, repo
from gridpad.store.db import Store, open_store
from gridpad.store.search import search
from gridpad.sync_client import enroll as enroll_mod
from gridpad.sync_client.engine import sync_once
from gridpad.ui.conflicts_view import view_of
from gridpad.ui.context import AppContext
from gridpad.ui.status_strip import StatusStrip
from gridpad.ui.sync_screen import SyncScreen
from sync.protocol import Conflict

pytestmark = [pytest.mark.slow, pytest.mark.qt_log_ignore("propagateSizeHints")]

MINE, THEIRS = "13800138001", "13900139002"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("conflict-ui-server")).start()
    yield proc
    proc.stop()


def _resident(store: Store, grid: str) -> str:
    b = repo.insert(store, "building", {"grid_id": grid, "address": "兴业路18号"})
    u = repo.insert(store, "unit", {"grid_id": grid, "building_id": b, "room_no": "301"})
    p = repo.insert(store, "person", {"grid_id": grid, "name": "陈思雯", "phone": "13700137000"})
    repo.insert(store, "tenancy", {"grid_id": grid, "person_id": p, "building_id": b, "unit_id": u,
                                   "move_in_at": "2025-03-01"})
    return p


def _hits(store: Store, query: str) -> list[str]:
    return [h.id for h in search(store, query)]


@contextmanager
def _two_tablets(server: ServerProcess, ctx: AppContext,
                 tmp_path: Path) -> Iterator[tuple[Scope, Store, Store, str]]:
    """This tablet (``ctx``'s) and a colleague's, enrolled in one grid; the colleague has synced a
    resident. Yields the scope, both stores and the resident's id."""
    scope = server.new_scope(users=2)
    mine = open_store(ctx.data_dir / "gridpad.sqlite")
    other = open_store(tmp_path / "other" / "gridpad.sqlite")
    try:
        enroll_mod.enroll(mine, server.url, scope.codes[0], retry=FAST_RETRY)
        enroll_mod.enroll(other, server.url, scope.codes[1], retry=FAST_RETRY)
        pid = _resident(other, scope.grid)
        sync_once(other, data_dir=tmp_path / "other", retry=FAST_RETRY)
        yield scope, mine, other, pid
    finally:
        mine.close()
        other.close()


def test_a_conflict_says_who_and_resolving_applies_on_the_tablet_at_once(
        qtbot: QtBot, server: ServerProcess, tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "tablet")
    screen, strip = SyncScreen(ctx), StatusStrip(ctx)
    qtbot.addWidget(screen)
    qtbot.addWidget(strip)
    with _two_tablets(server, ctx, tmp_path) as (scope, mine, other, pid):
        with qtbot.waitSignal(ctx.sync.sync_finished, timeout=60_000):
            ctx.sync.sync_now()
        # Both change the phone while apart; the colleague syncs first, so this tablet's value is kept.
        repo.update(other, "person", pid, {"phone": THEIRS})
        sync_once(other, data_dir=tmp_path / "other", retry=FAST_RETRY)
        repo.update(mine, "person", pid, {"phone": MINE})
        with qtbot.waitSignal(ctx.sync.sync_finished, timeout=60_000):
            qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)

        qtbot.waitUntil(lambda: len(screen._cards) == 1, timeout=10_000)
        card = next(iter(screen._cards.values()))
        # Which person: masked name, address, room; never the clear name or a row id.
        assert card.title.text() == "Persons · 陈*雯 · 兴业路18号 · 301 — field “Phone”"
        assert (card.mine_value.text(), card.theirs_value.text()) == ("138****8001", "139****9002")
        assert card.mine_meta.text().startswith("this tablet · ")
        assert card.theirs_meta.text().startswith(f"{scope.users[1]} · ")  # the colleague to ask
        # The headline counts what waits instead of "Up to date".
        assert screen.big_status.text() == "Waiting for you: conflicts 1"
        assert screen.state_line.text() == "Online"
        assert strip.conflict_label.text() == "Conflicts: 1"
        assert _hits(mine, "8001") == [pid]

        # 用对方的: applied here now, no sync needed; search and the record show the colleague's value.
        with qtbot.waitSignal(ctx.sync.conflict_resolved, timeout=10_000):
            qtbot.mouseClick(card.use_theirs, Qt.MouseButton.LeftButton)
        row = repo.get(mine, "person", pid)
        assert row is not None and row["phone"] == THEIRS
        assert _hits(mine, "9002") == [pid]
        assert _hits(mine, "8001") == []
        qtbot.waitUntil(lambda: not screen._cards, timeout=10_000)
        qtbot.waitUntil(lambda: screen.big_status.text() == "Online", timeout=10_000)  # one edit waits
        assert not strip.conflict_label.isVisibleTo(strip)
        assert outbox.count(mine) == 1  # the resolution, queued as an ordinary edit

        # The next sync closes it on the server; the colleague's tablet keeps its value.
        with qtbot.waitSignal(ctx.sync.sync_finished, timeout=60_000):
            qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)
        with server.engine.connect() as conn:
            phone = conn.exec_driver_sql("SELECT phone FROM person WHERE id = ?", (pid,)).scalar_one()
            open_ = conn.exec_driver_sql("SELECT count(*) FROM conflict WHERE row_id = ? "
                                         "AND resolved_at_ms IS NULL", (pid,)).scalar_one()
        assert (phone, open_) == (THEIRS, 0)
        qtbot.waitUntil(lambda: screen.big_status.text() == "Up to date", timeout=10_000)
        sync_once(other, data_dir=tmp_path / "other", retry=FAST_RETRY)
        again = repo.get(other, "person", pid)
        assert again is not None and again["phone"] == THEIRS
        close_ctx(ctx)


def _deny_managers(resolver: Resolver, _conflict: Conflict) -> bool:
    return resolver.role != "manager"


def test_who_may_resolve_is_one_policy_the_card_and_the_app_both_follow(
        qtbot: QtBot, server: ServerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Role rules (the review issue) replace the policy; today's policy lets everyone resolve.
    monkeypatch.setattr(syncing, "RESOLVE_POLICY", _deny_managers)
    ctx = make_ctx(tmp_path / "tablet")
    screen = SyncScreen(ctx)
    qtbot.addWidget(screen)
    with _two_tablets(server, ctx, tmp_path) as (_scope, mine, other, pid):
        sync_once(mine, data_dir=ctx.data_dir, retry=FAST_RETRY)
        repo.update(other, "person", pid, {"phone": THEIRS})
        sync_once(other, data_dir=tmp_path / "other", retry=FAST_RETRY)
        repo.update(mine, "person", pid, {"phone": MINE})
        sync_once(mine, data_dir=ctx.data_dir, retry=FAST_RETRY)
        ctx.sync.refresh()
        qtbot.waitUntil(lambda: len(screen._cards) == 1, timeout=10_000)
        card = next(iter(screen._cards.values()))
        assert not card.use_mine.isEnabled() and not card.use_theirs.isEnabled()
        assert card.not_allowed.text() == "Your role cannot resolve this conflict; ask your supervisor."
        with pytest.raises(NotAllowedError):
            syncing.resolve_conflict(mine, card.conflict.id, "theirs")
        row = repo.get(mine, "person", pid)
        assert row is not None and row["phone"] == MINE
        close_ctx(ctx)


def test_a_conflict_from_an_older_server_names_no_device_id(qapp: QApplication) -> None:
    # An older server sends no user: the card says "another tablet", never a device id.
    conflict = Conflict.model_validate({
        "id": 7, "table": "person", "row_id": "p1", "grid_id": "G", "kind": "field", "field": "phone",
        "kept_value": THEIRS, "lost_value": MINE, "kept": {"device_id": "b79c0648aa", "hlc": 1 << 16},
        "lost": {"device_id": "mine", "hlc": 1 << 16}, "server_seq": 3, "resolved": False})
    view = view_of(conflict, "mine")
    assert (view.mine_by, view.theirs_by) == ("this tablet", "another tablet")
