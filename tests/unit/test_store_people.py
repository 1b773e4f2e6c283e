"""Residents: registering, moving out (never deleting), finding an ID number, audited reveal."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from gridpad.store import outbox, people, repo
from gridpad.store.db import Store
from gridpad.store.errors import ValidationFailed

ID_NUMBER = "441900199001011231"



def _unit(store: Store, address: str = "东城街道主山社区锦厦路12号", room: str = "301") -> tuple[str, str]:
    b = repo.insert(store, "building", {"grid_id": "g1", "address": address, "name": "锦厦花园3栋"})
    u = repo.insert(store, "unit", {"grid_id": "g1", "building_id": b, "room_no": room})
    return b, u


def test_register_tenant_writes_person_and_tenancy(store: Store) -> None:
    b, u = _unit(store)
    pid, tid = people.register_tenant(store, {"grid_id": "g1", "name": "陈静", "id_number": ID_NUMBER},
                                      {"unit_id": u, "role": "承租人", "move_in_at": "2024-03-01"})
    tenancy = repo.get(store, "tenancy", tid)
    assert tenancy is not None
    assert (tenancy["person_id"], tenancy["building_id"], tenancy["grid_id"]) == (pid, b, "g1")
    assert tenancy["move_in_at"] == "2024-03-01"
    assert {(c.table, c.op) for c in outbox.pending(store)} >= {("person", "insert"), ("tenancy", "insert")}


def test_register_tenant_is_all_or_nothing(store: Store) -> None:
    _, u = _unit(store)
    before = outbox.count(store)
    with pytest.raises(ValidationFailed) as info:
        people.register_tenant(store, {"grid_id": "g1", "name": "陈静"},
                               {"unit_id": u, "move_in_at": "2024-03-01", "move_out_at": "2024-01-01"})
    assert [e.field for e in info.value.errors] == ["move_out_at"]
    assert store.db.execute("SELECT count(*) FROM person").fetchone()[0] == 0
    assert outbox.count(store) == before


def test_register_existing_person_in_a_second_home(store: Store) -> None:
    _, u1 = _unit(store)
    _, u2 = _unit(store, "南城街道宏图路8号", "502")
    pid, _ = people.register_tenant(store, {"grid_id": "g1", "name": "陈静"}, {"unit_id": u1})
    again, _ = people.register_tenant(store, {"id": pid}, {"unit_id": u2})
    assert again == pid
    assert store.db.execute("SELECT count(*) FROM person").fetchone()[0] == 1


def test_move_out_dates_the_tenancy_and_keeps_everything(store: Store) -> None:
    _, u = _unit(store)
    pid, tid = people.register_tenant(store, {"grid_id": "g1", "name": "陈静"}, {"unit_id": u,
                                                                                "move_in_at": "2024-03-01"})
    people.move_out(store, tid, date(2024, 9, 30), "离莞")
    tenancy = repo.get(store, "tenancy", tid)
    assert tenancy is not None
    assert (tenancy["move_out_at"], tenancy["move_out_reason"], tenancy["_deleted"]) == (
        "2024-09-30", "LEFT_DONGGUAN", 0)
    person = repo.get(store, "person", pid)
    assert person is not None and person["_deleted"] == 0
    last = outbox.pending(store)[-1]
    assert (last.table, last.op, last.fields) == ("tenancy", "update", {"move_out_at": "2024-09-30",
                                                                      "move_out_reason": "LEFT_DONGGUAN"})
    with pytest.raises(ValidationFailed):
        people.move_out(store, tid, "2023-01-01", None)  # before the move-in


def test_find_by_id_number_lists_every_registration(store: Store) -> None:
    _, u1 = _unit(store)
    _, u2 = _unit(store, "南城街道宏图路8号", "502")
    _, t1 = people.register_tenant(store, {"grid_id": "g1", "name": "陈静", "id_number": ID_NUMBER},
                                   {"unit_id": u1, "move_in_at": "2023-01-01"})
    people.move_out(store, t1, "2023-12-31", "退租")
    people.register_tenant(store, {"grid_id": "g2", "name": "陈静", "id_number": ID_NUMBER},
                           {"unit_id": u2, "move_in_at": "2024-01-05", "grid_id": "g2"})
    repo.insert(store, "person", {"grid_id": "g1", "name": "别人", "id_number": "441900199001011258"},
                validate=False)
    found = people.find_by_id_number(store, ID_NUMBER.lower())
    assert [(f["room_no"], f["active"]) for f in found] == [("502", True), ("301", False)]
    assert found[0]["address"] == "锦厦花园3栋 南城街道宏图路8号"
    assert [f["room_no"] for f in people.find_by_id_number(store, ID_NUMBER, grid_id="g1")] == ["301"]
    assert people.find_by_id_number(store, "110101199003070000") == []


def test_reveal_returns_the_value_and_audits_without_it(store: Store) -> None:
    pid = repo.insert(store, "person", {"grid_id": "g1", "name": "陈静", "id_number": ID_NUMBER})
    before = datetime.now(UTC).replace(microsecond=0)
    assert people.reveal(store, "person", pid, "id_number", actor="grid-manager-7") == ID_NUMBER
    after = datetime.now(UTC)
    rows = store.db.execute("SELECT * FROM audit").fetchall()
    assert len(rows) == 1
    cols = [d[1] for d in store.db.execute("PRAGMA table_info(audit)")]
    audit = dict(zip(cols, rows[0], strict=True))
    assert (audit["actor"], audit["action"], audit["tbl"], audit["row_id"], audit["field"]) == (
        "grid-manager-7", "reveal", "person", pid, "id_number")
    assert before <= datetime.fromisoformat(audit["at"]) <= after  # when, in UTC
    assert all(ID_NUMBER not in str(v) for v in audit.values())
    with pytest.raises(KeyError):
        people.reveal(store, "person", pid, "password", actor="x")
