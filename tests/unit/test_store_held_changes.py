"""Changes set aside (gridpad.store.held_changes) on a real SQLite file: what waits behind a held
change, and what retry and discard do to the outbox."""

from __future__ import annotations

from pathlib import Path

from gridpad.store import held_changes, outbox, remote, repo
from gridpad.store.db import Store, open_store
from gridpad.store.held_changes import Refusal


def _ids(store) -> list[int]:  # type: ignore[no-untyped-def]
    return [c.change_id for c in outbox.pending(store, limit=100)]


def test_later_changes_of_the_row_and_rows_referring_to_it_wait_the_rest_goes(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.sqlite") as store:
        p = repo.insert(store, "person", {"grid_id": "G1", "name": "张伟"})
        t = repo.insert(store, "tenancy", {"grid_id": "G1", "person_id": p, "building_id": "b1"})
        repo.update(store, "tenancy", t, {"note": "二楼"})           # waits: its row waits
        q = repo.insert(store, "person", {"grid_id": "G1", "name": "李娜"})  # goes
        repo.update(store, "person", p, {"employer": "虎门服装厂"})  # waits: the held row
        first, tenancy, note, other, employer = _ids(store)
        assert held_changes.hold(store, [Refusal(first, "invalid_change", "text", "name")]) == 1
        assert held_changes.not_sendable(store) == {first, tenancy, note, employer}
        [held] = held_changes.list_held(store)
        assert (held.row_id, held.rule, held.field, held.waiting) == (p, "text", "name", 3)
        assert outbox.pending(store)[3].row_id == q and other not in held_changes.not_sendable(store)


def _a_refused_rename(store: Store) -> tuple[str, int]:
    """A synced person whose rename the server refused: (person id, the held change's id)."""
    p = repo.insert(store, "person", {"grid_id": "G1", "name": "张伟"})
    outbox.ack(store, _ids(store))
    repo.update(store, "person", p, {"name": "张\x00伟"}, validate=False)
    [bad] = _ids(store)
    held_changes.hold(store, [Refusal(bad, "invalid_change", "text", "name")])
    return p, bad


def test_retry_takes_the_rows_values_now_and_keeps_the_place(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.sqlite") as store:
        p, bad = _a_refused_rename(store)
        repo.update(store, "person", p, {"name": "张卫"})
        held_changes.retry(store, bad)
        changes = outbox.pending(store)
        assert (changes[0].change_id, changes[0].fields) == (bad, {"name": "张卫"})
        assert held_changes.not_sendable(store) == set() and held_changes.list_held(store) == []


def test_discard_keeps_the_local_value_out_of_reach_of_a_pull_until_sent_again(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.sqlite") as store:
        p, bad = _a_refused_rename(store)
        held_changes.discard(store, bad)
        assert outbox.count(store) == 0
        [mark] = held_changes.list_not_on_server(store)
        assert (mark.table, mark.row_id, mark.fields) == ("person", p, ("name",))
        assert remote.pending_fields_by_row(store) == {("person", p): {"name"}}  # a pull keeps it
        repo.update(store, "person", p, {"employer": "厂"})
        outbox.ack(store, _ids(store))
        assert held_changes.list_not_on_server(store) != []  # that change did not carry the name
        repo.update(store, "person", p, {"name": "张卫"})
        outbox.ack(store, _ids(store))
        assert held_changes.list_not_on_server(store) == []
