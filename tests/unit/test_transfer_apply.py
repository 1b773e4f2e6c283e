"""`gridpad apply` (validated, captured, idempotent) and `gridpad export` formats, run in-process."""

from __future__ import annotations

import csv
import json
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest

from gridpad.cli import main
from gridpad.config import db_path
from gridpad.store import repo
from gridpad.store.db import open_store

ZHANG = "441900199003071238"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def outbox(data: Path) -> list[tuple[str, str, str, dict[str, object]]]:
    c = sqlite3.connect(db_path(data))
    try:
        rows = c.execute("SELECT tbl, row_id, op, fields FROM outbox ORDER BY change_id").fetchall()
    finally:
        c.close()
    return [(t, i, op, json.loads(f)) for t, i, op, f in rows]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A grid with one building, unit, person and tenancy; the outbox emptied as if synced."""
    home = tmp_path / "data"
    store = open_store(db_path(home))
    repo.insert(store, "grid", {"grid_id": "G1", "code": "G1", "name": "第一网格"}, id="G1")
    repo.insert(
        store,
        "building",
        {
            "grid_id": "G1",
            "address": "东莞市万江街道金龙路1号",
            "fire_facilities": {"extinguishers": 4},
            "security_pledge_signed": 1,
        },
        id="b1",
    )
    repo.insert(
        store, "unit", {"grid_id": "G1", "building_id": "b1", "room_no": "302", "area_m2": 20.5}, id="u1"
    )
    repo.insert(
        store,
        "person",
        {"grid_id": "G1", "name": "张伟", "id_number": ZHANG, "phone": "13800138000"},
        id="p1",
    )
    repo.insert(
        store,
        "tenancy",
        {
            "grid_id": "G1",
            "person_id": "p1",
            "building_id": "b1",
            "unit_id": "u1",
            "move_in_at": "2023-05-01",
        },
        id="t1",
    )
    store.db.execute("DELETE FROM outbox")
    store.close()
    return home


def test_apply_reports_bad_lines_applies_good_ones_and_is_idempotent(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"table": "person", "id": "p1", "op": "upsert", "fields": {"phone": "139 0013 9000"}},  # 1 ok
        "{not json",  # 2
        {"table": "meeting", "id": "m1", "op": "upsert", "fields": {}},  # 3
        {
            "table": "person",
            "id": "p2",
            "op": "upsert",
            "fields": {"grid_id": "G1", "name": "坏号", "id_number": ZHANG[:17] + "9"},
        },  # 4
        {
            "table": "person",
            "id": "p3",
            "op": "upsert",
            "fields": {"grid_id": "G1", "phone": "13800138001"},
        },  # 5
        {"table": "person", "id": "p4", "op": "replace", "fields": {}},  # 6
        {"table": "person", "id": "p5", "fields": {"grid_id": "G1", "name": "李娜", "gender": "女"}},  # 7 ok
        {"table": "tenancy", "id": "t1", "op": "delete"},  # 8 ok
        {"table": "unit", "id": "u1", "fields": {"area_m2": 20.5, "room_no": "302"}},  # 9: already so
    ]
    path = tmp_path / "edits.jsonl"
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
        encoding="utf-8",
    )

    code, out, err = run(capsys, "--data-dir", str(data), "apply", str(path))
    assert code == 1 and "5 lines rejected" in err
    bad = [line for line in out.splitlines() if line.startswith("line ")]
    assert [b.split(":")[0] for b in bad] == ["line 2", "line 3", "line 4", "line 5", "line 6"]
    assert "compare the whole number with the card" in bad[2] and "id_number" in bad[2]
    assert "name: is required" in bad[3]
    assert "op:" in bad[4]
    assert ZHANG[:17] not in out

    changes = outbox(data)
    by_row = {(t, i): (op, fields) for t, i, op, fields in changes}
    assert len(changes) == 3 and set(by_row) == {("person", "p1"), ("person", "p5"), ("tenancy", "t1")}
    assert by_row["person", "p1"] == ("update", {"phone": "13900139000"})  # only the changed field travels
    assert (
        by_row["person", "p5"][0] == "insert" and by_row["person", "p5"][1]["gender"] == "2"
    )  # label → code
    assert by_row["tenancy", "t1"] == ("delete", {"_deleted": 1})

    code, out, _ = run(capsys, "--data-dir", str(data), "apply", str(path))
    assert code == 1 and "unchanged 4" in out
    assert outbox(data) == changes  # the second run wrote nothing

    code, out, _ = run(capsys, "--data-dir", str(data), "export")
    ids = [(r["table"], r["id"]) for r in map(json.loads, out.splitlines())]
    assert ("tenancy", "t1") not in ids  # tombstoned rows are not exported
    assert ids == sorted(ids) and ("person", "p5") in ids


def test_export_jsonl_shape(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--data-dir", str(data), "export", "--format", "jsonl")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [list(r) for r in records] == [["table", "id", "fields"]] * 5
    building = next(r for r in records if r["table"] == "building")
    assert building["fields"]["fire_facilities"] == {"extinguishers": 4}
    assert building["fields"]["security_pledge_signed"] is True
    assert "_server_seq" not in building["fields"] and "_deleted" not in building["fields"]
    assert list(building["fields"]) == sorted(building["fields"])
    person = next(r for r in records if r["table"] == "person")
    assert "张伟" in out and person["fields"]["id_number"] == ZHANG  # an export carries values in clear


def test_export_csv_folder_zip_and_xlsx(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "csv"
    assert run(capsys, "--data-dir", str(data), "export", "--format", "csv", "--out", str(folder))[0] == 0
    with (folder / "person.csv").open(encoding="utf-8-sig", newline="") as f:
        got = list(csv.reader(f))
    assert got[0][:3] == ["编号 id", "所属网格 grid_id", "演示数据 is_demo"]
    assert got[1][0] == "p1" and ZHANG in got[1]

    archive = tmp_path / "registry.zip"
    assert run(capsys, "--data-dir", str(data), "export", "--format", "csv", "--out", str(archive))[0] == 0
    with zipfile.ZipFile(archive) as zf:
        assert "unit.csv" in zf.namelist()
        assert "302" in zf.read("unit.csv").decode("utf-8-sig")

    book = tmp_path / "registry.xlsx"
    assert run(capsys, "--data-dir", str(data), "export", "--format", "xlsx", "--out", str(book))[0] == 0
    wb = openpyxl.load_workbook(book, read_only=True)
    assert {"人员", "楼栋", "房间", "居住关系", "网格"} <= set(wb.sheetnames)
    people = list(wb["人员"].iter_rows(values_only=True))
    id_col = people[0].index("证件号码 id_number")
    assert people[1][id_col] == ZHANG  # a text cell: all 18 digits kept
    wb.close()

    code, _, err = run(capsys, "--data-dir", str(data), "export", "--format", "xlsx")
    assert code == 2 and "--out" in err


def test_one_row_edited_several_times_in_one_file(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edits = [
        {"table": "person", "id": "p9", "fields": {"grid_id": "G1", "name": "赵六"}},
        {"table": "person", "id": "p9", "fields": {"phone": "13700137000"}},
        {"table": "person", "id": "p9", "op": "delete"},
        {"table": "person", "id": "p9", "fields": {"name": "赵六"}},  # an upsert brings a tombstone back
    ]
    path = tmp_path / "e.jsonl"
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in edits), encoding="utf-8")
    code, out, _ = run(capsys, "--data-dir", str(data), "apply", str(path))
    assert code == 0, out
    assert [(op, f) for _, _, op, f in outbox(data)][1:] == [
        ("update", {"phone": "13700137000"}),
        ("delete", {"_deleted": 1}),
        ("update", {"_deleted": 0}),
    ]
    assert outbox(data)[0][2] == "insert"
    code, out, _ = run(capsys, "--data-dir", str(data), "export")
    person = next(json.loads(x) for x in out.splitlines() if '"p9"' in x)
    assert person["fields"]["phone"] == "13700137000" and person["fields"]["name"] == "赵六"
