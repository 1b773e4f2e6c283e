"""`gridpad import` and `gridpad apply` as real processes keep a resident whose sheet or line gives no
room (community sheets without room numbers are real), but say so, one warning line per row, and a
re-import after the room was chosen on the tablet finds that home instead of adding a second one."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

from support.cli import GRID, gridpad, jsonl

from gridpad.app.tenants import register_tenant
from gridpad.config import db_path
from gridpad.store.db import open_store
from sync.rules.idnumber import make_resident_id

NUMBERS = [make_resident_id("441900", dt.date(1988, 5, 1 + i), 10 + i) for i in range(3)]


def _sheet(path: Path, rooms: tuple[str, ...]) -> Path:
    """Three residents of one building; the 房号 column as given ('' for none)."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["姓名", "身份证号", "标准地址", "房号", "入住日期"])
        for i, (number, room) in enumerate(zip(NUMBERS, rooms, strict=True)):
            w.writerow([f"住户{i}", number, "东莞市万江街道测试路1号", room, "2025-03-01"])
    return path


def _query(data: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db_path(data))) as db:
        return db.execute(sql).fetchall()


def test_import_without_rooms_warns_per_row_and_a_reimport_keeps_the_chosen_room(tmp_path: Path) -> None:
    data = tmp_path / "data"
    r = gridpad(data, "import", str(_sheet(tmp_path / "a.csv", ("101", "", ""))), "--grid", GRID)
    assert r.returncode == 0, r.stdout + r.stderr
    warnings = [line for line in r.stdout.splitlines() if line.startswith("warning:")]
    # Rows 3 and 4 (the sheet's row numbers, header = 1) have no room: one line each, nothing else.
    assert warnings == [
        f"warning: row {n}: 房号 room_no: empty, so the resident is counted in the building but in none "
        "of its rooms; choose their room on the building card" for n in (3, 4)]
    assert "2 residents without a room" in r.stdout.splitlines()[-1]
    assert _query(data, "SELECT count(*) FROM tenancy WHERE unit_id IS NULL") == [(2,)]
    assert not any(n in r.stdout for n in NUMBERS)  # no personal value in the report

    # The room of one of them is chosen on the tablet (the edit form's path).
    (unit,) = _query(data, "SELECT id FROM unit")[0]
    person, tenancy = _query(data, "SELECT t.person_id, t.id FROM tenancy t"
                                   " JOIN person p ON p.id = t.person_id WHERE p.name = '住户1'")[0]
    with closing(open_store(db_path(data))) as store:
        register_tenant(store, str(person), {}, {}, room=(str(tenancy), str(unit)))

    again = gridpad(data, "import", str(_sheet(tmp_path / "a.csv", ("101", "", ""))), "--grid", GRID)
    assert again.returncode == 0, again.stdout + again.stderr
    # 住户1 lives in 101 now: the sheet without a room matches that home (no second tenancy, no warning).
    assert [line for line in again.stdout.splitlines() if line.startswith("warning:")] == [
        "warning: row 4: 房号 room_no: empty, so the resident is counted in the building but in none "
        "of its rooms; choose their room on the building card"]
    assert _query(data, "SELECT count(*), count(unit_id) FROM tenancy WHERE move_out_at IS NULL") == [(3, 2)]


def test_apply_of_a_tenancy_without_a_unit_warns_for_that_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    grid = {"table": "grid", "id": GRID, "fields": {"grid_id": GRID, "code": GRID, "name": "第一网格"}}
    building = {"table": "building", "id": "b-1", "fields": {"grid_id": GRID, "address": "测试路1号"}}
    unit = {"table": "unit", "id": "u-1", "fields": {"grid_id": GRID, "building_id": "b-1", "room_no": "101"}}
    people = [{"table": "person", "id": f"p-{i}", "fields": {"grid_id": GRID, "name": f"住户{i}"}}
              for i in (1, 2, 3)]

    def tenancy(i: int, **fields: object) -> dict[str, object]:
        return {"table": "tenancy", "id": f"t-{i}", "fields": {
            "grid_id": GRID, "person_id": f"p-{i}", "building_id": "b-1", "move_in_at": "2025-01-01",
            **fields}}

    lines = [grid, building, unit, *people, tenancy(1, unit_id="u-1"), tenancy(2),
             tenancy(3, move_out_at="2025-06-01")]  # line 8: no room; line 9 has ended: no one lives there
    r = gridpad(data, "apply", str(jsonl(tmp_path / "e.jsonl", *lines)))
    assert r.returncode == 0, r.stdout + r.stderr
    assert [line for line in r.stdout.splitlines() if line.startswith("warning:")] == [
        "warning: line 8: unit_id: empty, so the resident is counted in the building but in none of its "
        "rooms; choose their room on the building card"]
    assert r.stdout.splitlines()[-1].endswith("rejected 0 lines; 1 tenancies without a room")
    assert _query(data, "SELECT id FROM tenancy WHERE unit_id IS NULL AND move_out_at IS NULL") == [("t-2",)]
