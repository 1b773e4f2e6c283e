"""Read-only queries behind the registry screens: counts, paging by id, masking, due dates."""

from __future__ import annotations

import datetime as dt

import pytest

from gridpad.store import people, repo, views
from gridpad.store.db import Store
from sync.rules.idnumber import make_resident_id

GRID = "44190011900103"



def _grid(store: Store) -> dict[str, str]:
    repo.insert(store, "grid", {"grid_id": GRID, "code": GRID, "name": "乌沙社区第3网格",
                                "village_name": "乌沙社区"}, id=GRID)
    b = repo.insert(store, "building", {"grid_id": GRID, "address": "兴业路18号",
                                        "inspection_cycle_days": 30, "last_inspected_at": "2026-10-20",
                                        "max_occupants": 3})
    b2 = repo.insert(store, "building", {"grid_id": GRID, "address": "兴业路2号"})
    u = repo.insert(store, "unit", {"grid_id": GRID, "building_id": b, "room_no": "201", "max_occupants": 1})
    number = make_resident_id("430524", dt.date(1990, 3, 7), 123)
    p, t = people.register_tenant(store, {"grid_id": GRID, "name": "张伟明", "id_type": "RESIDENT_ID",
                                          "id_number": number, "phone": "13812345678"},
                                  {"unit_id": u, "move_in_at": "2025-05-01"})
    people.register_tenant(store, {"grid_id": GRID, "name": "李娜"},
                           {"unit_id": u, "move_in_at": "2025-06-01"})
    moved, moved_t = people.register_tenant(store, {"grid_id": GRID, "name": "王芳"},
                                            {"unit_id": u, "move_in_at": "2025-01-01"})
    people.move_out(store, moved_t, "2025-12-01", "LEASE_ENDED")
    return {"b": b, "b2": b2, "u": u, "p": p, "t": t, "moved": moved, "number": number}


def test_building_list_is_ids_then_pages(store: Store) -> None:
    ids = _grid(store)
    assert views.building_ids(store) == [ids["b2"], ids["b"]]  # 兴业路2号 before 兴业路18号
    rows = views.building_rows(store, [ids["b"]])
    assert set(rows) == {ids["b"]}  # only the page asked for
    row = rows[ids["b"]]
    assert (row.residents, row.max_occupants, row.next_due) == (2, 3, "2026-11-19")
    assert views.building_rows(store, []) == {}


def test_detail_masks_personal_data_and_counts_current_residents(store: Store) -> None:
    ids = _grid(store)
    detail = views.building_detail(store, ids["b"])
    assert detail is not None and detail.resident_count == 2
    (unit,) = detail.units
    assert (unit.residents, unit.max_occupants, unit.over_limit) == (2, 1, True)
    residents = views.residents_of_building(store, ids["b"])
    assert sorted(r.name for r in residents) == ["张*明", "李*"]
    zw = next(r for r in residents if r.person_id == ids["p"])
    assert zw.id_number == ids["number"][:6] + "********" + ids["number"][-4:]
    person = views.person_detail(store, ids["p"])
    assert person is not None and person.phone == "138****5678" and person.name == "张*明"
    history = views.person_detail(store, ids["moved"])
    assert history is not None and history.tenancies[0].move_out_at == "2025-12-01"


def test_today_summary(store: Store) -> None:
    _grid(store)
    summary = views.today_summary(store, dt.date(2026, 11, 26))
    assert (summary.buildings, summary.units, summary.residents, summary.over_limit_units) == (2, 1, 2, 1)
    assert [(d.address, d.due, d.days_left) for d in summary.due] == [("兴业路18号", "2026-11-19", -7)]
    assert summary.never_inspected == 1
    early = views.today_summary(store, dt.date(2026, 11, 1))
    assert early.due == []  # due in 18 days: beyond the 7-day horizon


def test_grid_title_and_default_grid(store: Store) -> None:
    assert views.default_grid_id(store) is None and views.grid_title(store) == ""
    _grid(store)
    assert views.default_grid_id(store) == GRID
    assert views.grid_title(store) == "乌沙社区第3网格"


def test_short_address_drops_what_the_grid_shares() -> None:
    assert views.short_address("东莞市长安镇乌沙社区兴业路18号", "乌沙社区") == "兴业路18号"
    assert views.short_address("兴业路18号", "乌沙社区") == "兴业路18号"
    assert views.short_address("乌沙社区", "乌沙社区") == "乌沙社区"
    assert views.short_address("兴业路18号", None) == "兴业路18号"


def test_row_for_edit_refuses_tables_with_personal_data(store: Store) -> None:
    ids = _grid(store)
    unit = views.row_for_edit(store, "unit", ids["u"])
    assert unit is not None and unit["room_no"] == "201"
    with pytest.raises(ValueError, match="not a building or unit"):
        views.row_for_edit(store, "person", ids["p"])


def test_person_detail_with_a_masked_id_shows_the_birth_year_only(store: Store) -> None:
    # 110105********002X hides 19491231: the detail must not give the date back beside it.
    p = repo.insert(store, "person", {"grid_id": GRID, "name": "陈雯", "id_type": "RESIDENT_ID",
                                      "id_number": "11010519491231002X", "gender": "2",
                                      "birth_date": "1949-12-31"})
    detail = views.person_detail(store, p)
    assert detail is not None
    assert (detail.id_number, detail.birth_date) == ("110105********002X", "1949-**-**")
