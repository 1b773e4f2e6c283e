"""A server that takes connections and never answers (issue #10 item 7): the sync screen shows the
step it waits on, reaches "The server could not be reached." within about 30 s, and 取消 stops it at
once, with the outbox intact. The server is a REAL gridpad-server process, stopped with SIGSTOP
(the kernel still accepts connections for it; nothing answers), driven through real widgets."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from signal_checks import quiet
from support.devices import FAST_RETRY
from support.live_server import ServerProcess
from sync_ui_support import TestContext, close_ctx, make_ctx

from gridpad.store import outbox, repo
from gridpad.store.db import open_store
from gridpad.sync_client import enroll as enroll_mod
from gridpad.ui.status_strip import StatusStrip
from gridpad.ui.sync_screen import SyncScreen

pytestmark = [pytest.mark.slow, pytest.mark.qt_log_ignore("propagateSizeHints")]


class HungServer:
    """An enrolled tablet's server, then frozen: connects succeed, no byte ever comes back."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        assert server.proc is not None
        self.pid = server.proc.pid

    def freeze(self) -> None:
        os.kill(self.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.pid, signal.SIGCONT)


Rig = tuple[TestContext, SyncScreen, StatusStrip, HungServer]


@pytest.fixture
def rig(qtbot: QtBot, tmp_path: Path) -> Iterator[Rig]:
    server = ServerProcess(tmp_path / "server").start()
    ctx = make_ctx(tmp_path / "tablet")
    screen, strip = SyncScreen(ctx), StatusStrip(ctx)
    qtbot.addWidget(screen)
    qtbot.addWidget(strip)
    hung = HungServer(server)
    try:
        scope = server.new_scope()
        store = open_store(ctx.data_dir / "gridpad.sqlite")
        enroll_mod.enroll(store, server.url, scope.code, retry=FAST_RETRY)
        repo.insert_many(store, "building",
                         ({"grid_id": scope.grid, "address": f"兴业路{i}号"} for i in range(2)))
        store.close()
        ctx.sync.refresh()
        qtbot.waitUntil(lambda: strip.outbox_label.text() == "Waiting to sync: 2", timeout=10_000)
        hung.freeze()
        yield ctx, screen, strip, hung
    finally:
        hung.thaw()
        close_ctx(ctx)
        server.stop()


def _outbox(ctx: TestContext) -> int:
    store = open_store(ctx.data_dir / "gridpad.sqlite")
    try:
        return outbox.count(store)
    finally:
        store.close()


def test_a_hung_server_is_given_up_within_30_seconds_with_the_step_shown(qtbot: QtBot, rig: Rig) -> None:
    ctx, screen, strip, _hung = rig
    started = time.monotonic()
    with quiet(qtbot, ctx.sync.sync_finished), qtbot.waitSignal(ctx.sync.sync_failed, timeout=40_000):
        qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)
        # While it waits, the screen says on what, and offers a way out.
        qtbot.waitUntil(lambda: screen.stage_label.text() == "Sending edits: 0 of 2", timeout=5_000)
        assert screen.cancel_button.isVisibleTo(screen) and screen.cancel_button.isEnabled()
        assert strip.cancel_button.isVisibleTo(strip)
        assert strip.state_label.text() == "● Syncing…"
        assert strip.step_label.full_text() == "Sending edits: 0 of 2" and strip.step_label.isVisibleTo(strip)
    assert time.monotonic() - started < 32
    qtbot.waitUntil(lambda: screen.error_what.text() == "The server could not be reached.", timeout=5_000)
    assert not screen.cancel_button.isVisibleTo(screen)
    assert not strip.step_label.isVisibleTo(strip)
    assert screen.sync_button.isEnabled()
    assert _outbox(ctx) == 2


def test_cancel_stops_a_sync_waiting_on_a_hung_server_and_keeps_the_outbox(qtbot: QtBot, rig: Rig) -> None:
    ctx, screen, strip, _hung = rig
    qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.stage_label.text() == "Sending edits: 0 of 2", timeout=5_000)
    time.sleep(0.5)  # the request is on the wire, waiting for an answer that never comes
    started = time.monotonic()
    with quiet(qtbot, ctx.sync.sync_finished, ctx.sync.sync_failed), \
            qtbot.waitSignal(ctx.sync.sync_cancelled, timeout=5_000):
        qtbot.mouseClick(screen.cancel_button, Qt.MouseButton.LeftButton)
        assert not screen.cancel_button.isEnabled()  # pressed once; the stop is under way
    assert time.monotonic() - started < 3  # the request in flight was aborted, not waited out
    assert screen.result_label.text() == "Sync cancelled. Nothing is lost: edits wait on the tablet."
    assert not screen.error_card.isVisibleTo(screen)  # a cancel is not a failure
    assert screen.sync_button.isEnabled() and not screen.cancel_button.isVisibleTo(screen)
    assert not strip.cancel_button.isVisibleTo(strip)
    assert _outbox(ctx) == 2

    # The strip's 取消 works the same.
    qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: strip.cancel_button.isVisibleTo(strip), timeout=5_000)
    with qtbot.waitSignal(ctx.sync.sync_cancelled, timeout=5_000):
        qtbot.mouseClick(strip.cancel_button, Qt.MouseButton.LeftButton)
    assert _outbox(ctx) == 2
