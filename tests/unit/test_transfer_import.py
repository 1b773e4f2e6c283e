"""`gridpad import` of a messy community-office registry (built here with openpyxl) and a GBK CSV."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from gridpad.cli import main
from gridpad.config import db_path

GRID = "44190000500101"
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def rid(area: str, born: str, seq: int) -> str:
    """A resident ID with a correct MOD 11-2 check character (written out here, not taken from the app)."""
    first = f"{area}{born}{seq:03d}"
    return first + "10X98765432"[sum(int(d) * w for d, w in zip(first, _W, strict=True)) % 11]


def full_width(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in s)


HEADER = [
    "序号",
    "姓名",
    "性别",
    "公民身份号码",
    "民族",
    "出生日期",
    "户籍地址",
    "手机号码",
    "服务处所",
    "房屋地址",
    "房间号",
    "楼层",
    "面积",
    "出租人",
    "房东电话",
    "房东身份证",
    "入住时间",
    "签约日期",
    "搬离日期",
    "与承租人关系",
    "备注",
]
ZHANG = rid("441900", "19900307", 123)  # male
LI = rid("441322", "19850615", 2)  # female
LANDLORD = rid("441900", "19650101", 15)
BAD_CHECK = ZHANG[:17] + ("1" if ZHANG[17] != "1" else "2")


def _row(**kw: object) -> list[object]:
    names = {
        "name": "姓名",
        "gender": "性别",
        "id": "公民身份号码",
        "eth": "民族",
        "birth": "出生日期",
        "hukou": "户籍地址",
        "phone": "手机号码",
        "job": "服务处所",
        "addr": "房屋地址",
        "room": "房间号",
        "floor": "楼层",
        "area": "面积",
        "ll": "出租人",
        "ll_phone": "房东电话",
        "ll_id": "房东身份证",
        "move_in": "入住时间",
        "signed": "签约日期",
        "move_out": "搬离日期",
        "rel": "与承租人关系",
        "note": "备注",
    }
    cells: list[object] = [None] * len(HEADER)
    for k, v in kw.items():
        cells[HEADER.index(names[k])] = v
    return cells


VALID = {
    3: _row(
        name="张伟",
        gender="男",
        id=full_width(ZHANG),
        eth="汉",
        birth=dt.datetime(1990, 3, 7),
        hukou="广东省东莞市",
        phone="138 0013 8000",
        job="某电子厂",
        addr="东莞市万江街道金龙路1号",
        room="302",
        floor=3,
        area="20㎡",
        ll="李房东",
        ll_phone="139-0013-9000",
        ll_id=LANDLORD,
        move_in="2023.5.1",
        signed="2023年4月28日",
        rel="本人",
        note="老住户",
    ),
    4: _row(
        name="李娜",
        gender="女",
        id=f"{LI[:6]} {LI[6:14]} {LI[14:]}",
        eth="汉族",
        birth="1985/06/15",
        phone="+86 139 0000 0001",
        addr="广东省东莞市万江街道 金龙路1号",
        room="302室",
        move_in="20230501",
        rel="妻子",
        ll="李房东",
        ll_phone="13900139000",
        ll_id=LANDLORD,
    ),
    5: _row(
        name="王芳",
        id="11010519491231002x",
        phone="13700137000",
        addr="东莞市万江街道新村路8号",
        room=101,
        move_in=45047,
        ll="陈房东",
        ll_phone="13600136000",
    ),
    6: _row(
        name="刘强",
        id="430524960411351",
        phone="138-0013-8001",
        addr="东莞市万江街道新村路8号",
        room="102",
        move_in=dt.datetime(2023, 5, 1),
        move_out="2024年1月31日",
    ),
}
INVALID = {
    7: (
        _row(name="坏校验", id=BAD_CHECK, addr="东莞市万江街道金龙路1号", room="303"),
        "公民身份号码 id_number: the check digit does not fit the other digits: compare the whole number "
        "with the card",
    ),
    8: (
        _row(name="错日期", id=rid("441900", "19900230", 123), addr="东莞市万江街道金龙路1号"),
        "公民身份号码 id_number: the birth date in the ID number is not a real date",
    ),
    9: (
        _row(name="无地区", id=rid("990000", "19900307", 123), addr="东莞市万江街道金龙路1号"),
        "公民身份号码 id_number: the area code (first 6 digits) never existed",
    ),
    10: (_row(name="坏电话", phone="12345", addr="东莞市万江街道金龙路1号", room="303"), "手机号码 phone:"),
    11: (_row(id=rid("430524", "19960411", 353), addr="东莞市万江街道金龙路1号"), "姓名 name: is required"),
    12: (_row(name="无地址", phone="13800138002"), "房屋地址 address: is required"),
    13: (
        _row(name="错入住", addr="东莞市万江街道金龙路1号", move_in="2023.2.30"),
        "入住时间 move_in_at: not a real calendar date",
    ),
}


def registry_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["万江街道金龙社区出租屋人员登记表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    for number in range(3, 14):
        cells = VALID[number] if number in VALID else INVALID[number][0]
        ws.append([number - 2, *cells[1:]])
    for _ in range(4):  # trailing rows that look empty but exist
        ws.append(["", None, " "])
    wb.save(path)
    return path


def counts(data: Path) -> dict[str, int]:
    with sqlite3.connect(db_path(data)) as c:
        out = {
            t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("building", "unit", "person", "tenancy", "outbox")
        }
    c.close()
    return out


def rows(data: Path, sql: str) -> list[sqlite3.Row]:
    c = sqlite3.connect(db_path(data))
    c.row_factory = sqlite3.Row
    try:
        return c.execute(sql).fetchall()
    finally:
        c.close()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_messy_registry_imports_valid_rows_reports_the_rest_and_reimports_as_a_no_op(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, xlsx = tmp_path / "data", registry_xlsx(tmp_path / "登记表.xlsx")

    code, out, err = run(capsys, "--data-dir", str(data), "import", str(xlsx))
    assert code == 2 and "--grid" in err  # no grid here yet: the user must name it

    code, out, err = run(capsys, "--data-dir", str(data), "import", str(xlsx), "--grid", GRID)
    assert code == 1 and "7 rows rejected" in err
    for number, (_, reason) in INVALID.items():
        assert f"row {number}: {reason}" in out, out
    reported = {int(line.split(":")[0].split()[1]) for line in out.splitlines() if line.startswith("row ")}
    assert reported == set(INVALID)
    assert "imported 4, updated 0, unchanged 0, rejected 7 rows" in out
    assert ZHANG not in out and LANDLORD not in out  # reasons never carry a number in clear

    first = counts(data)
    # 4 residents + 2 landlords; 2 buildings (two spellings of 金龙路1号); 302, 101, 102; 4 tenancies
    assert {k: first[k] for k in ("person", "building", "unit", "tenancy")} == {
        "person": 6,
        "building": 2,
        "unit": 3,
        "tenancy": 4,
    }
    assert first["outbox"] == 6 + 2 + 3 + 4
    assert rows(data, "SELECT count(*) n FROM grid")[0]["n"] == 1
    assert rows(data, "SELECT count(*) n FROM outbox WHERE tbl = 'grid'")[0]["n"] == 0

    people = {r["name"]: r for r in rows(data, "SELECT * FROM person")}
    assert people["张伟"]["id_number"] == ZHANG and people["张伟"]["phone"] == "13800138000"
    assert people["张伟"]["ethnicity"] == "01" and people["张伟"]["birth_date"] == "1990-03-07"
    assert people["李娜"]["id_number"] == LI and people["李娜"]["phone"] == "13900000001"
    assert people["王芳"]["id_number"] == "11010519491231002X"
    assert (people["王芳"]["gender"], people["王芳"]["birth_date"]) == ("2", "1949-12-31")  # from the number
    assert people["刘强"]["id_number"] == "430524199604113516"  # 15 digits converted
    assert people["陈房东"]["id_number"] is None and people["陈房东"]["phone"] == "13600136000"

    jinlong = rows(data, "SELECT * FROM building WHERE address LIKE '%金龙路%'")
    assert len(jinlong) == 1 and jinlong[0]["landlord_id"] == people["李房东"]["id"]
    assert people["李房东"]["id_number"] == LANDLORD and people["李房东"]["phone"] == "13900139000"
    unit = rows(data, f"SELECT * FROM unit WHERE building_id = '{jinlong[0]['id']}'")
    assert len(unit) == 1 and unit[0]["floor"] == 3 and unit[0]["area_m2"] == 20.0

    ten = {
        r["name"]: r
        for r in rows(data, "SELECT p.name, t.* FROM tenancy t JOIN person p ON p.id = t.person_id")
    }
    assert {n: t["move_in_at"] for n, t in ten.items()} == dict.fromkeys(
        ["张伟", "李娜", "王芳", "刘强"], "2023-05-01"
    )
    assert ten["张伟"]["lease_signed_at"] == "2023-04-28" and ten["张伟"]["note"] == "老住户"
    assert (ten["张伟"]["relation_to_head"], ten["张伟"]["role"]) == ("01", "HEAD_TENANT")
    assert (ten["李娜"]["relation_to_head"], ten["李娜"]["role"]) == ("12", "CO_RESIDENT")
    assert ten["李娜"]["unit_id"] == ten["张伟"]["unit_id"]
    assert ten["刘强"]["move_out_at"] == "2024-01-31" and ten["王芳"]["move_out_at"] is None

    errors = tmp_path / "登记表.errors.csv"
    with errors.open(encoding="utf-8-sig", newline="") as f:
        got = list(csv.reader(f))
    assert got[0] == [*HEADER, "错误原因"]
    assert [r[1] for r in got[1:]] == [INVALID[n][0][1] or "" for n in sorted(INVALID)]
    assert all(r[-1] for r in got[1:]) and "第7行" in got[1][-1]
    # A wrong check digit asks for the card to be re-read; the character that would fit is never
    # given (people would change the last digit to it instead of finding the misread one).
    right = ZHANG[17]
    assert "compare the whole number with the card" in got[1][-1]
    assert "expected" not in got[1][-1] and f" {right}" not in got[1][-1].replace("第7行 ", "")

    # the same file again: nothing new, nothing changed, not one outbox row
    code, out, _ = run(capsys, "--data-dir", str(data), "import", str(xlsx))  # the only grid now
    assert code == 1
    assert "imported 0, updated 0, unchanged 4, rejected 7 rows" in out
    assert counts(data) == first

    # fix one rejected row in the error file and import that file: only that row comes in
    got[4][HEADER.index("手机号码")] = "13800138003"
    with errors.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([got[0], got[4]])
    code, out, _ = run(capsys, "--data-dir", str(data), "import", str(errors))
    assert code == 0 and "imported 1, updated 0, unchanged 0, rejected 0 rows" in out
    assert rows(data, "SELECT phone FROM person WHERE name = '坏电话'")[0]["phone"] == "13800138003"


def test_a_changed_cell_updates_only_that_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    path = tmp_path / "r.csv"
    lines = ["姓名,身份证号,联系电话,地址,房号", f"张伟,{ZHANG},13800138000,东莞市万江街道金龙路1号,302"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run(capsys, "--data-dir", str(data), "import", str(path), "--grid", GRID)[0] == 0
    before = counts(data)
    path.write_text(
        "\n".join([*lines[:1], lines[1].replace("13800138000", "13900139001")]) + "\n", encoding="utf-8"
    )
    code, out, _ = run(capsys, "--data-dir", str(data), "import", str(path))
    assert code == 0 and "imported 0, updated 1, unchanged 0" in out
    after = counts(data)
    assert after["outbox"] == before["outbox"] + 1 and after["person"] == before["person"]
    change = rows(data, "SELECT * FROM outbox ORDER BY change_id DESC LIMIT 1")[0]
    assert (change["tbl"], change["op"], change["fields"]) == ("person", "update", '{"phone":"13900139001"}')


def test_gbk_csv_from_excel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, path = tmp_path / "data", tmp_path / "gbk.csv"
    text = (
        "东莞市某社区出租屋登记\r\n"
        "姓名,性别,证件号码,手机号码,标准地址,房号,入住日期,房东姓名,房东电话\r\n"
        f"黄晓明,男,{ZHANG},13800138000,东莞市万江街道金龙路1号,302,2023/05/01,钟房东,13900139000\r\n"
        f"邓丽,女,{LI},13900000001,东莞市万江街道金龙路1号,303,2023年5月1日,钟房东,13900139000\r\n"
        ",,,,,,,,\r\n"
    )
    path.write_bytes(text.encode("gbk"))
    code, out, _ = run(capsys, "--data-dir", str(data), "import", str(path), "--grid", GRID)
    assert code == 0 and "imported 2, updated 0, unchanged 0, rejected 0 rows" in out
    names = sorted(r["name"] for r in rows(data, "SELECT name FROM person"))
    assert names == sorted(["黄晓明", "邓丽", "钟房东"])
    assert rows(data, "SELECT address FROM building")[0]["address"] == "东莞市万江街道金龙路1号"
    assert run(capsys, "--data-dir", str(data), "import", str(path))[1].count("unchanged 2") == 1


def test_unreadable_files_fail_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    no_header = tmp_path / "x.csv"
    no_header.write_text("a,b\n1,2\n", encoding="utf-8")
    code, _, err = run(capsys, "--data-dir", str(data), "import", str(no_header), "--grid", GRID)
    assert code == 2 and "姓名" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "--data-dir", str(data), "import", str(tmp_path / "none.xlsx"), "--grid", GRID)
    assert code == 2 and "no such file" in err


def test_error_file_as_xlsx_can_be_fixed_and_reimported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, source, errors = tmp_path / "data", tmp_path / "in.xlsx", tmp_path / "错误行.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "身份证号", "地址", "房号"])
    ws.append(["张伟", float(ZHANG), "东莞市万江街道金龙路1号", "302"])  # Excel kept 15 digits of it
    ws.append(["李娜", LI, "东莞市万江街道金龙路1号", "303"])
    wb.save(source)

    code, out, _ = run(
        capsys, "--data-dir", str(data), "import", str(source), "--grid", GRID, "--errors", str(errors)
    )
    assert code == 1 and "row 2: 身份证号 id_number: the cell is a number" in out
    assert "imported 1, updated 0, unchanged 0, rejected 1 rows" in out

    book = openpyxl.load_workbook(errors)
    sheet = book.worksheets[0]
    got = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert got[0] == ["姓名", "身份证号", "地址", "房号", "错误原因"]
    assert got[1][0] == "张伟" and isinstance(got[1][4], str) and "第2行" in got[1][4]
    sheet.cell(row=2, column=2).value = ZHANG  # retyped as text
    book.save(errors)

    code, out, _ = run(capsys, "--data-dir", str(data), "import", str(errors))
    assert code == 0 and "imported 1, updated 0, unchanged 0, rejected 0 rows" in out
    people = {r["name"]: r["id_number"] for r in rows(data, "SELECT name, id_number FROM person")}
    assert people == {"张伟": ZHANG, "李娜": LI}


def test_people_without_numbers_are_told_apart_by_building(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, path = tmp_path / "data", tmp_path / "r.csv"
    path.write_text(
        "姓名,地址,房号,房东\n"
        "阿明,东莞市万江街道金龙路1号,101,王伯\n"
        "阿明,东莞市万江街道金龙路1号,101,王伯\n"  # the same line twice: one person, one tenancy
        "阿明,东莞市万江街道新村路8号,201,王伯\n"  # another 阿明 and another 王伯
        "阿芳,东莞市万江街道新村路8号,202,王伯\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--data-dir", str(data), "import", str(path), "--grid", GRID)
    assert code == 0, out
    first = counts(data)
    assert {k: first[k] for k in ("person", "building", "unit", "tenancy")} == {
        "person": 5,
        "building": 2,
        "unit": 3,
        "tenancy": 3,
    }
    landlords = rows(data, "SELECT b.address, p.name FROM building b JOIN person p ON p.id = b.landlord_id")
    assert len(landlords) == 2 and {r["name"] for r in landlords} == {"王伯"}
    code, out, _ = run(capsys, "--data-dir", str(data), "import", str(path))
    assert code == 0 and "imported 0, updated 0, unchanged 4" in out
    assert counts(data) == first
