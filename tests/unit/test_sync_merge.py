"""The field-level merge rule: fast-forward, last-writer-wins for concurrent edits, deletes."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sync.merge import (
    Author,
    FieldVersion,
    Incoming,
    MergeResult,
    MetaView,
    StoredRow,
    merge_change,
    stamp,
    stamp_raw,
)

A, B, C = "dev-a", "dev-b", "dev-c"


def row(fields: dict[str, Any], meta: dict[str, tuple[int, int, str]], deleted: bool = False) -> StoredRow:
    return StoredRow({**fields, "_deleted": int(deleted)},
                     {k: FieldVersion(*v) for k, v in meta.items()}, deleted)


def test_new_row_applies_everything() -> None:
    got = merge_change(None, Incoming({"grid_id": "G", "name": "x"}, 0, Author(5, A)))
    assert got == MergeResult({"grid_id": "G", "name": "x"}, [])


def test_fast_forward_when_the_device_saw_the_last_write() -> None:
    stored = row({"name": "old"}, {"name": (7, 100, B)})
    for base in (7, 8):
        got = merge_change(stored, Incoming({"name": "new"}, base, Author(50, A)))
        assert got.apply == {"name": "new"} and got.conflicts == []  # even with an older HLC


def test_concurrent_later_hlc_wins_and_loser_is_kept() -> None:
    stored = row({"name": "theirs"}, {"name": (7, 100, B)})
    win = merge_change(stored, Incoming({"name": "mine"}, 6, Author(200, A)))
    assert win.apply == {"name": "mine"}
    [c] = win.conflicts
    assert (c.kind, c.field, c.kept_value, c.lost_value) == ("field", "name", "mine", "theirs")
    assert (c.kept, c.lost) == (Author(200, A), Author(100, B))

    lose = merge_change(stored, Incoming({"name": "mine"}, 6, Author(50, A)))
    assert lose.apply == {}
    [c] = lose.conflicts
    assert (c.kept_value, c.lost_value, c.kept, c.lost) == ("theirs", "mine", Author(100, B), Author(50, A))


def test_equal_hlc_is_broken_by_device_id() -> None:
    stored = row({"name": "b"}, {"name": (7, 100, B)})
    assert merge_change(stored, Incoming({"name": "a"}, 0, Author(100, A))).apply == {}
    stored = row({"name": "a"}, {"name": (7, 100, A)})
    assert merge_change(stored, Incoming({"name": "b"}, 0, Author(100, B))).apply == {"name": "b"}


def test_a_device_never_conflicts_with_its_own_earlier_write() -> None:
    """Second edit before the device pulled its first one's server_seq: still sequential."""
    stored = row({"name": "first"}, {"name": (9, 100, A)})
    got = merge_change(stored, Incoming({"name": "second"}, 3, Author(150, A)))
    assert got == MergeResult({"name": "second"}, [])


def test_same_value_written_concurrently_is_not_a_conflict() -> None:
    stored = row({"name": "same"}, {"name": (7, 100, B)})
    assert merge_change(stored, Incoming({"name": "same"}, 0, Author(50, A))).conflicts == []


def test_different_fields_merge_without_conflict() -> None:
    stored = row({"name": "n", "floors_above": 3}, {"name": (7, 100, B), "floors_above": (2, 10, C)})
    got = merge_change(stored, Incoming({"floors_above": 4}, 2, Author(50, A)))
    assert got == MergeResult({"floors_above": 4}, [])


def test_edit_racing_a_delete_is_parked_for_review() -> None:
    stored = row({"name": "n"}, {"name": (2, 10, A), "_deleted": (8, 300, B)}, deleted=True)
    got = merge_change(stored, Incoming({"name": "edited", "phone": "13800138000"}, 2, Author(400, A)))
    assert got.apply == {}
    [c] = got.conflicts
    assert c.kind == "delete" and c.kept == Author(300, B) and c.lost == Author(400, A)
    assert c.lost_value == {"name": "edited", "phone": "13800138000"}


def test_edit_after_seeing_the_delete_is_applied_to_the_tombstone() -> None:
    stored = row({"name": "n"}, {"_deleted": (8, 300, B)}, deleted=True)
    got = merge_change(stored, Incoming({"name": "edited"}, 8, Author(400, A)))
    assert got == MergeResult({"name": "edited"}, [])


def test_undelete_after_seeing_the_delete() -> None:
    stored = row({"name": "n"}, {"_deleted": (8, 300, B)}, deleted=True)
    assert merge_change(stored, Incoming({"_deleted": 0}, 8, Author(400, A))).apply == {"_deleted": 0}


def test_delete_racing_an_edit_deletes_and_lists_the_edit() -> None:
    stored = row({"name": "edited", "phone": "x"}, {"name": (9, 500, B), "phone": (1, 1, A)})
    got = merge_change(stored, Incoming({"_deleted": 1}, 5, Author(400, A)))
    assert got.apply == {"_deleted": 1}
    [c] = got.conflicts
    assert c.kind == "delete" and c.lost_value == {"name": "edited"} and c.lost == Author(500, B)


def test_stamp_marks_applied_fields_only() -> None:
    meta = {"name": FieldVersion(1, 1, B), "phone": FieldVersion(2, 2, B)}
    got = stamp(meta, {"name": "x"}, 10, Author(99, A))
    assert got == {"name": FieldVersion(10, 99, A), "phone": FieldVersion(2, 2, B)}


def test_stored_json_metadata_merges_and_stamps_like_field_versions() -> None:
    """The server merges on field_meta as decoded from JSON (MetaView, stamp_raw)."""
    raw: dict[str, list[Any]] = {"name": [7, 100, B], "phone": [3, 90, C], "_deleted": [2, 80, B]}
    fields = {"name": "old", "phone": "138", "_deleted": 0}
    typed = StoredRow(fields, {k: FieldVersion(*v) for k, v in raw.items()})
    viewed = StoredRow(fields, MetaView(raw))
    for incoming in (Incoming({"name": "new", "phone": "139"}, 5, Author(50, A)),
                     Incoming({"name": "new"}, 7, Author(500, A)),
                     Incoming({"_deleted": 1}, 1, Author(400, A))):
        got = merge_change(viewed, incoming)
        assert got == merge_change(typed, incoming)
        stamped = stamp(typed.meta, got.apply, 11, incoming.author)
        assert stamp_raw(raw, got.apply, 11, incoming.author) == {k: v.to_json() for k, v in stamped.items()}


# --- properties -------------------------------------------------------------------------------

@dataclass
class Server:
    """The server's merge loop in miniature: one row, a seq counter, the conflict log."""
    fields: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, FieldVersion] = field(default_factory=dict)
    seq: int = 0
    conflicts: list[Any] = field(default_factory=list)

    def push(self, inc: Incoming) -> None:
        stored = StoredRow(self.fields, self.meta, bool(self.fields.get("_deleted")))
        got = merge_change(stored if self.seq else None, inc)
        self.seq += 1
        self.fields.update(got.apply)
        self.meta = stamp(self.meta, got.apply, self.seq, inc.author)
        self.conflicts += got.conflicts


COLS = ["name", "phone", "floors_above", "status"]
edits = st.dictionaries(st.sampled_from(COLS), st.integers(0, 10**6), min_size=1, max_size=4)


def _base_server() -> Server:
    s = Server()
    s.push(Incoming({c: "orig" for c in COLS}, 0, Author(1, "creator")))
    return s


@given(edits, edits, st.integers(2, 10**6), st.integers(2, 10**6))
def test_two_concurrent_edits_commute(ea: dict[str, int], eb: dict[str, int], ha: int, hb: int) -> None:
    eb = {k: -v - 1 for k, v in eb.items()}  # distinct values on the two devices
    results = []
    for order in ((A, B), (B, A)):
        s = _base_server()
        inc = {A: Incoming(ea, 1, Author(ha, A)), B: Incoming(eb, 1, Author(hb, B))}
        for dev in order:
            s.push(inc[dev])
        results.append(s)
    first, second = results
    assert first.fields == second.fields
    shared = set(ea) & set(eb)
    for r in results:
        assert sorted(c.field for c in r.conflicts) == sorted(shared)  # one per concurrent pair
    winner = ea if Author(ha, A) > Author(hb, B) else eb
    loser = eb if winner is ea else ea
    for f in shared:
        assert first.fields[f] == winner[f]
        [c] = [c for c in first.conflicts if c.field == f]
        assert (c.kept_value, c.lost_value) == (winner[f], loser[f])
    for f in set(ea) ^ set(eb):
        assert first.fields[f] == (ea.get(f) if f in ea else eb[f])


@given(st.lists(st.tuples(st.integers(2, 1000), st.integers(0, 10**6)), min_size=2, max_size=4,
                unique_by=lambda t: t[0]))
def test_many_concurrent_writers_converge_on_the_largest_author(writes: list[tuple[int, int]]) -> None:
    devs = [f"d{i}" for i in range(len(writes))]
    finals = set()
    for perm in itertools.permutations(range(len(writes))):
        s = _base_server()
        for i in perm:
            s.push(Incoming({"name": writes[i][1] * 10 + i}, 1, Author(writes[i][0], devs[i])))
        finals.add(s.fields["name"])
        assert len(s.conflicts) == len(writes) - 1
    best = max(range(len(writes)), key=lambda i: Author(writes[i][0], devs[i]))
    assert finals == {writes[best][1] * 10 + best}
