"""The device's own answers to two push refusals (docs/clocks.md), on a real store: unsent changes
stamped in the future take the server's time once the device's clock is right again, and unsent
changes whose ids a restored database handed out again move above the server's ids."""

from __future__ import annotations

from pathlib import Path

from gridpad.store import capture, held_changes, outbox, repo
from gridpad.store.db import Store, open_store
from gridpad.sync_client.errors import RejectedError
from gridpad.sync_client.push import repair_outbox
from sync.hlc import MAX_AHEAD_MS, now_ms
from sync.protocol import ErrorBody, Problem

DAY_MS = 24 * 3600 * 1000


def _store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "gridpad.sqlite")


def _refusal(**kw: object) -> RejectedError:
    body = ErrorBody.model_validate({"reason": "refused", **kw})
    return RejectedError(body.reason, 422, body)


def test_future_stamps_take_the_server_time_in_order_and_the_clock_comes_back(tmp_path: Path) -> None:
    store = _store(tmp_path)
    early = repo.insert(store, "person", {"grid_id": "G", "name": "早"})
    capture.observe_remote_hlc(store, (now_ms() + DAY_MS) << 16)
    late = [repo.insert(store, "person", {"grid_id": "G", "name": f"晚{i}"}) for i in range(3)]
    before = {c.row_id: c.hlc for c in outbox.pending(store)}
    server = now_ms()
    assert repair_outbox(store, _refusal(error="clock_ahead", server_time_ms=server))
    after = outbox.pending(store)
    assert [c.row_id for c in after] == [early, *late]  # same changes, same order
    assert after[0].hlc == before[early]  # a change the server would take keeps its stamp
    stamps = [c.hlc for c in after]
    assert stamps == sorted(stamps) and len(set(stamps)) == 4
    assert all(server << 16 < h <= (server << 16) + 3 for h in stamps[1:])
    assert capture.current_hlc(store) == stamps[-1]
    # The next edit follows the right time again, not the day ahead.
    repo.insert(store, "person", {"grid_id": "G", "name": "之后"})
    assert outbox.pending(store)[-1].hlc >> 16 < now_ms() + 1000
    store.close()


def test_a_device_still_ahead_is_left_to_the_user(tmp_path: Path) -> None:
    store = _store(tmp_path)
    capture.observe_remote_hlc(store, (now_ms() + DAY_MS) << 16)
    repo.insert(store, "person", {"grid_id": "G", "name": "钟"})
    before = outbox.pending(store)
    # The server's clock is a day behind this device's wall clock: the device is still wrong.
    behind = now_ms() - DAY_MS
    assert not repair_outbox(store, _refusal(error="clock_ahead", server_time_ms=behind))
    assert outbox.pending(store) == before
    # Within the tolerance is not "still wrong".
    assert repair_outbox(store, _refusal(error="clock_ahead", server_time_ms=now_ms() - MAX_AHEAD_MS // 2))
    store.close()


def test_reused_ids_move_above_the_servers_from_the_first_reused_on(tmp_path: Path) -> None:
    store = _store(tmp_path)
    ids = [repo.insert(store, "person", {"grid_id": "G", "name": f"人{i}"}) for i in range(4)]
    pending = outbox.pending(store)
    assert [c.change_id for c in pending] == [1, 2, 3, 4]
    problems = [Problem(change_id=3, rule="change_id_reused", message="x")]
    assert repair_outbox(store, _refusal(error="change_id_reused", problems=problems, next_change_id=20))
    after = outbox.pending(store)
    assert [c.change_id for c in after] == [1, 2, 20, 21]  # before the first reused id: untouched
    assert [c.row_id for c in after] == ids and [c.fields for c in after] == [c.fields for c in pending]
    outbox.ack(store, [1, 2, 20, 21])
    repo.insert(store, "person", {"grid_id": "G", "name": "新"})
    assert outbox.pending(store)[0].change_id == 22  # never below the server's ids again
    store.close()


def test_other_refusals_are_not_repaired(tmp_path: Path) -> None:
    store = _store(tmp_path)
    repo.insert(store, "person", {"grid_id": "G", "name": "甲"})
    assert not repair_outbox(store, _refusal(error="invalid_change"))
    assert not repair_outbox(store, RejectedError("no body", 422))
    store.close()


def test_a_change_set_aside_keeps_its_reason_when_a_restore_re_keys_the_outbox(tmp_path: Path) -> None:
    store = _store(tmp_path)
    bad, good = (repo.insert(store, "person", {"grid_id": "G", "name": n}) for n in ("甲", "乙"))
    first = outbox.pending(store)[0]
    assert first.row_id == bad
    refusal = held_changes.Refusal(first.change_id, "invalid_change", "text.control", "name")
    held_changes.hold(store, [refusal])
    assert repair_outbox(store, _refusal(error="change_id_reused", next_change_id=first.change_id + 100,
                                         problems=[{"change_id": first.change_id, "rule": "change_id_reused",
                                                    "message": "reused"}]))
    held = held_changes.list_held(store)
    assert [(h.change_id, h.row_id, h.rule) for h in held] == [(first.change_id + 100, bad, "text.control")]
    assert held_changes.not_sendable(store) == {first.change_id + 100}  # the other change still goes
    assert [c.row_id for c in outbox.pending(store)] == [bad, good]
    store.close()
