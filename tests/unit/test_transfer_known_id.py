"""`gridpad import` and `gridpad apply` with an ID number the device already holds (issue 10.2):
the person it belongs to is updated or linked, never doubled."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from gridpad.app import buildings, tenants, units
from gridpad.cli import main
from gridpad.config import db_path
from gridpad.store import repo
from gridpad.store.db import open_store
from sync.rules.idnumber import make_resident_id

GRID = "44190011900103"
CHEN_ID = "11010519491231002X"
LI_ID = make_resident_id("441900", dt.date(1995, 6, 1), 22)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def query(data: Path, sql: str) -> list[tuple[object, ...]]:
    c = sqlite3.connect(db_path(data))
    try:
        return c.execute(sql).fetchall()
    finally:
        c.close()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """陈晓雯 registered through the app in 兴业路21号 302."""
    home = tmp_path / "data"
    store = open_store(db_path(home))
    try:
        repo.insert(store, "grid", {"grid_id": GRID, "code": GRID, "name": "第3网格"}, id=GRID)
        b = buildings.save_building(store, None, {"grid_id": GRID, "address": "东莞市万江街道兴业路21号"}, {})
        u = units.save_unit(store, None, {"grid_id": GRID, "building_id": b, "room_no": "302"})
        chen = {"grid_id": GRID, "name": "陈晓雯", "id_type": "RESIDENT_ID", "id_number": CHEN_ID}
        tenants.register_tenant(store, None, chen, {"unit_id": u, "move_in_at": "2025-05-01"})
    finally:
        store.close()
    return home


def test_an_import_row_with_a_known_id_number_updates_that_person(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "r.csv"
    sheet.write_text("姓名,公民身份号码,手机号码,地址,房号\n"
                     f"陈晓雯,{CHEN_ID.lower()},13812345678,东莞市万江街道兴业路21号,302\n", encoding="utf-8")
    code, out, _ = run(capsys, "--data-dir", str(data), "import", str(sheet), "--grid", GRID)
    assert code == 0, out
    assert query(data, "SELECT name, phone FROM person") == [("陈晓雯", "13812345678")]
    assert query(data, "SELECT count(*) FROM tenancy") == [(1,)]


def test_apply_refuses_a_second_person_with_a_known_id_number_and_their_tenancy(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (person_id, unit_id, building_id), = query(
        data, "SELECT p.id, t.unit_id, t.building_id FROM person p JOIN tenancy t ON t.person_id = p.id")
    lines = [
        {"table": "person", "id": "p-new",
         "fields": {"grid_id": GRID, "name": "陈晓雯", "id_number": CHEN_ID}},
        {"table": "tenancy", "id": "t-new", "fields": {"grid_id": GRID, "person_id": "p-new",
                                                        "building_id": building_id, "unit_id": unit_id}},
        {"table": "person", "id": "p-a", "fields": {"grid_id": GRID, "name": "李娜",
                                                     "id_number": LI_ID}},
        {"table": "person", "id": "p-b", "fields": {"grid_id": GRID, "name": "李娜",
                                                     "id_number": LI_ID}},
        {"table": "person", "id": person_id, "fields": {"phone": "13812345678", "id_number": CHEN_ID}},
    ]
    path = tmp_path / "edits.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "--data-dir", str(data), "apply", str(path))
    assert code == 1
    bad = [line for line in out.splitlines() if line.startswith("line ")]
    assert [b.split(":")[0] for b in bad] == ["line 1", "line 2", "line 4"]
    assert f"already registered to person {person_id}" in bad[0]
    assert "already registered to person p-a" in bad[2]
    assert CHEN_ID not in out
    people = sorted(query(data, "SELECT id, phone FROM person"))
    assert people == sorted([(person_id, "13812345678"), ("p-a", None)])
    assert query(data, "SELECT count(*) FROM tenancy") == [(1,)]
