"""Repositories and the outbox API: validated writes, bulk inserts, acknowledgements."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gridpad.store import outbox, remote, repo
from gridpad.store.db import Store, open_store
from gridpad.store.errors import NotFoundError, ValidationFailed

ID_NUMBER = "441900199001011231"  # valid check digit, Dongguan, born 1990-01-01, male


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "g.sqlite")
    yield s
    s.close()


def test_new_ids_are_uuid7_and_increase() -> None:
    ids = [repo.new_id() for _ in range(50)]
    assert all(i[14] == "7" for i in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == 50


def test_insert_normalises_and_get_reads_back(store: Store) -> None:
    pid = repo.insert(store, "person", {"grid_id": "g1", "name": " 陈静 ", "id_number": ID_NUMBER.lower(),
                                        "birth_date": "1990/01/01", "gender": "男"})
    row = repo.get(store, "person", pid)
    assert row is not None
    assert (row["name"], row["birth_date"], row["gender"], row["_deleted"]) == ("陈静", "1990-01-01", "1", 0)


def test_invalid_record_raises_and_writes_nothing(store: Store) -> None:
    bad_check = ID_NUMBER[:-1] + "5"
    with pytest.raises(ValidationFailed) as info:
        repo.insert(store, "person", {"grid_id": "g1", "id_number": bad_check, "nickname": "x"})
    fields = {e.field for e in info.value.errors}
    assert "nickname" in fields  # unknown column named
    with pytest.raises(ValidationFailed) as info:
        repo.insert(store, "person", {"grid_id": "g1", "id_number": bad_check})
    by_field = {e.field: e for e in info.value.errors}
    assert {"name", "id_number"} <= set(by_field)
    assert by_field["name"].rule == "required"
    assert "id_number" in str(info.value)
    assert store.db.execute("SELECT count(*) FROM person").fetchone()[0] == 0
    assert outbox.count(store) == 0


def test_invalid_update_keeps_the_row_as_it_was(store: Store) -> None:
    pid = repo.insert(store, "person", {"grid_id": "g1", "name": "陈静", "phone": "13800138000"})
    with pytest.raises(ValidationFailed) as info:
        repo.update(store, "person", pid, {"phone": "12345", "name": "陈晶"})
    assert [e.field for e in info.value.errors] == ["phone"]
    row = repo.get(store, "person", pid)
    assert row is not None and (row["name"], row["phone"]) == ("陈静", "13800138000")
    assert outbox.count(store) == 1


def test_update_of_missing_row_is_an_error(store: Store) -> None:
    with pytest.raises(NotFoundError):
        repo.update(store, "person", "nope", {"name": "陈静"})
    with pytest.raises(NotFoundError):
        repo.mark_deleted(store, "person", "nope")


def test_insert_many_is_captured_row_by_row(store: Store) -> None:
    records = [{"grid_id": "g1", "name": f"人{i}", "phone": None} for i in range(1200)]
    records[5]["id"] = "fixed-id"
    ids = repo.insert_many(store, "person", records, batch_size=500)
    assert len(ids) == 1200 and ids[5] == "fixed-id"
    single = repo.insert(store, "person", {"grid_id": "g1", "name": "人5", "phone": None})
    changes = outbox.pending(store, limit=5000)
    assert [c.row_id for c in changes] == [*ids, single]
    assert all(c.op == "insert" and c.base_seq == 0 for c in changes)
    # the bulk path writes what a single insert writes
    assert changes[5].fields == changes[-1].fields == {**changes[-1].fields, "name": "人5", "grid_id": "g1"}
    assert [c.change_id for c in changes] == list(range(changes[0].change_id, changes[0].change_id + 1201))
    hlcs = [c.hlc for c in changes]
    assert hlcs == sorted(set(hlcs))


def test_insert_many_while_applying_remote_is_not_captured(store: Store) -> None:
    from gridpad.store import capture

    with store.transaction(), capture.applying_remote(store):
        repo.insert_many(store, "person", [{"grid_id": "g1", "name": "甲", "_server_seq": 4}])
    assert outbox.count(store) == 0
    assert store.db.execute("SELECT suppressed FROM capture_state").fetchone()[0] == 0


def test_insert_many_with_validation_is_all_or_nothing(store: Store) -> None:
    records = [{"grid_id": "g1", "name": "甲"}, {"grid_id": "g1"}]
    with pytest.raises(ValidationFailed):
        repo.insert_many(store, "person", records, validate=True)
    assert store.db.execute("SELECT count(*) FROM person").fetchone()[0] == 0


def test_outbox_pending_ack_and_pending_fields(store: Store) -> None:
    def pending_fields(row_id: str) -> set[str]:
        return remote.pending_fields_by_row(store, [("person", row_id)]).get(("person", row_id), set())

    pid = repo.insert(store, "person", {"grid_id": "g1", "name": "陈静"})
    repo.update(store, "person", pid, {"occupation": "教师"})
    other = repo.insert(store, "person", {"grid_id": "g1", "name": "周杰"})
    first_two = outbox.pending(store, limit=2)
    assert [(c.table, c.row_id, c.op) for c in first_two] == [("person", pid, "insert"),
                                                              ("person", pid, "update")]
    assert first_two[0].change_id < first_two[1].change_id
    assert outbox.ack(store, [c.change_id for c in first_two]) == 2
    assert outbox.count(store) == 1
    assert pending_fields(pid) == set()
    repo.update(store, "person", pid, {"occupation": "工程师"})
    assert pending_fields(pid) == {"occupation"}
    assert "name" in pending_fields(other)
    # change ids keep increasing after acks (AUTOINCREMENT: the server's ledger key is never reused)
    assert outbox.pending(store)[-1].change_id > first_two[-1].change_id + 1


def test_unknown_table_is_refused(store: Store) -> None:
    with pytest.raises(KeyError, match="synced tables are"):
        repo.insert(store, "people", {"name": "x"})


def test_edit_is_judged_on_the_whole_row_but_old_faults_are_not_blamed_on_it(store: Store) -> None:
    # imported legacy row with a bad phone: fixing the name must still work
    pid = repo.insert(store, "person", {"grid_id": "g1", "name": "陈静", "phone": "12345"}, validate=False)
    repo.update(store, "person", pid, {"name": "陈晶"})
    # a new ID number that contradicts the stored gender is refused, naming gender
    repo.update(store, "person", pid, {"gender": "2"})
    with pytest.raises(ValidationFailed) as info:
        repo.update(store, "person", pid, {"id_number": ID_NUMBER})  # a male number
    assert [e.rule for e in info.value.errors] == ["person.gender_mismatch"]


def test_change_ids_are_never_reused_even_after_the_outbox_empties(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    store = open_store(path)
    repo.insert_many(store, "person", [{"grid_id": "g1", "name": f"人{i}"} for i in range(3)])
    last = outbox.pending(store)[-1].change_id
    outbox.ack(store, [c.change_id for c in outbox.pending(store)])
    assert outbox.count(store) == 0
    store.close()
    store = open_store(path)
    repo.insert(store, "person", {"grid_id": "g1", "name": "新人"})
    assert outbox.pending(store)[0].change_id == last + 1
    store.close()


def test_reads_by_grid_by_ids_and_exists(store: Store) -> None:
    ids = repo.insert_many(store, "person", [{"grid_id": f"g{i % 2}", "name": f"人{i}", "is_demo": i % 2}
                                             for i in range(1203)])
    gone = ids[4]  # in grid g0
    repo.mark_deleted(store, "person", gone)
    in_g0 = [r["id"] for r in repo.rows(store, "person", grid_id="g0")]
    assert in_g0 == sorted(i for n, i in enumerate(ids) if n % 2 == 0 and i != gone)
    assert [r["id"] for r in repo.rows(store, "person", grid_id="g0", include_deleted=True)] == \
        sorted(ids[0::2])
    # Across SQLite's variable limit, tombstones included, unknown ids left out.
    got = repo.get_many(store, "person", [*ids, "no-such-id"])
    assert set(got) == set(ids) and got[gone]["_deleted"] == 1 and got[ids[7]]["name"] == "人7"
    assert repo.exists(store, "person", {"is_demo": 1, "grid_id": "g1"})
    assert not repo.exists(store, "person", {"is_demo": 1, "grid_id": "g0"})
    with pytest.raises(KeyError, match="no column 'demo'"):
        repo.exists(store, "person", {"demo": 1})
