"""取消 between requests (issue #10 item 7), against a REAL gridpad-server: a sync cancelled after
its first push batch stops before the next request, is not recorded as a failure, keeps every
unsent edit in the outbox, and the next sync sends exactly the rest."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from support.devices import MakeDevice
from support.live_server import ServerProcess

from gridpad.store import repo
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client.cancel import Cancel
from gridpad.sync_client.errors import SyncCancelledError


def test_cancel_between_push_batches_keeps_the_rest_for_the_next_sync(server: ServerProcess,
                                                                       make_device: MakeDevice) -> None:
    scope = server.new_scope()
    tablet = make_device("tablet")
    tablet.enroll(server.url, scope.code)
    repo.insert_many(tablet.store, "building",
                     ({"grid_id": scope.grid, "address": f"兴业路{i}号"} for i in range(1200)))
    cancel = Cancel()
    steps: list[tuple[str, int, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        steps.append((stage, done, total))
        if stage == "push" and done == 500:  # the first batch is receipted; 取消 before the second
            cancel.cancel()

    with pytest.raises(SyncCancelledError):
        tablet.sync(progress=progress, cancel=cancel)
    assert ("push", 0, 1200) in steps and ("push", 500, 1200) in steps
    assert not any(stage == "pull" for stage, _d, _t in steps)  # stopped: nothing after the cancel
    assert tablet.outbox_count() == 700
    assert DeviceMeta(tablet.store).last_error is None  # a cancel is not a failure

    result = tablet.sync()
    assert result.pushed == 700 and tablet.outbox_count() == 0
    with server.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT count(*) FROM building WHERE grid_id = :grid"),
                              {"grid": scope.grid}).scalar_one()
    assert stored == 1200
