"""Issue #9 items 1, 2, 7, 12, 13: a value the server would refuse is refused where it enters the
device (``gridpad apply``, ``gridpad import``), with one line naming the field and the rule; it never
reaches the outbox, so the next ``gridpad sync`` still goes through. Real CLI, real gridpad-server."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from support.cli import file_keyring_env
from support.cli import gridpad as run_gridpad
from support.live_server import ApiFactory, ServerProcess, uid

Gridpad = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def tablet(server: ServerProcess, tmp_path: Path) -> tuple[Path, str, Gridpad]:
    """An enrolled data dir, its grid and a runner of ``gridpad`` commands on it."""
    scope = server.new_scope(users=1)
    data = tmp_path / "tablet"

    def gridpad(*args: str) -> subprocess.CompletedProcess[str]:
        return run_gridpad(data, *args, env=file_keyring_env(tmp_path / "ring"))

    done = gridpad("enroll", "--server", server.url, "--code", scope.codes[0])
    assert done.returncode == 0, done.stderr
    assert gridpad("sync").returncode == 0
    return data, scope.grid, gridpad


def _outbox(data: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(data / "gridpad.sqlite") as db:
        return [(r[0], r[1]) for r in db.execute("SELECT tbl, fields FROM outbox")]


def _line(table: str, row_id: str, fields: dict[str, object], **extra: object) -> str:
    return json.dumps({"table": table, "id": row_id, "fields": fields, **extra}, ensure_ascii=False)


def _person(row_id: str, **fields: object) -> Callable[[str], str]:
    return lambda g: _line("person", row_id, {"grid_id": g, "name": "张三", **fields})


def _building(row_id: str, **fields: object) -> Callable[[str], str]:
    return lambda g: _line("building", row_id, {"grid_id": g, "address": "金龙路1号", **fields})


BAD_LINES: dict[str, tuple[Callable[[str], str], str]] = {
    # name: (line for grid g, what the one-line reason must say)
    "id with a space": (_person("a b"), "id: an id has only"),
    "Chinese id": (_person("张三的编号"), "id: an id has only"),
    "id over 64": (_person("x" * 65), "id: an id has at most 64"),
    "NUL in text": (_person("p-nul", name="张\x00三"), "name: contains a NUL character"),
    "control char": (_person("p-esc", name="张\x1b三"), "name: contains a control character"),
    "number 1e301": (_building("b-big", lat=1e301), "lat: is out of range"),
    "Infinity": (lambda g: _building("b-inf")(g).replace('"address"', '"lng": Infinity, "address"'),
                 "lng: is not a finite number"),
    "int over 2**63": (_building("b-int", floors_above=2**64), "floors_above: is out of range"),
    "NUL in JSON": (_building("b-json", fire_facilities={"a": "x\x00"}),
                    "fire_facilities: contains a NUL character"),
    "name over cap": (_person("p-long", name="王" * 101), "name: longer than 100 characters"),
    "_server_seq": (_person("p-seq", _server_seq=999999), "_server_seq: bookkeeping field"),
    "_deleted": (_person("p-del", _deleted=1), "_deleted: bookkeeping field"),
    "unknown grid": (lambda g: _person("p-grid")("44190099999999"),
                     "grid_id: this device does not hold grid 44190099999999"),
}


@pytest.mark.parametrize("case", list(BAD_LINES))
def test_apply_refuses_what_the_server_would_refuse(tablet: tuple[Path, str, Gridpad], case: str) -> None:
    data, grid, gridpad = tablet
    make, reason = BAD_LINES[case]
    good = _line("person", uid(), {"grid_id": grid, "name": "李四"})
    path = data.parent / "edits.jsonl"
    path.write_text(make(grid) + "\n" + good + "\n", encoding="utf-8")
    r = gridpad("apply", str(path))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    refused = [line for line in r.stdout.splitlines() if line.startswith("line 1:")]
    assert len(refused) == 1 and reason in refused[0], r.stdout
    assert "张" not in refused[0]  # the value itself is never echoed
    assert [t for t, _ in _outbox(data)] == ["person"]  # only the good line waits
    synced = gridpad("sync")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.startswith("pushed 1,"), synced.stdout
    assert _outbox(data) == []


def test_csv_import_refuses_nul_and_non_finite_numbers(tablet: tuple[Path, str, Gridpad]) -> None:
    data, grid, gridpad = tablet
    csv_file = data.parent / "登记表.csv"
    rows = ["姓名,联系电话,标准地址,房号,面积,月租金",
            "赵\x00一,13800138001,东莞市万江街道金龙路1号,101,20,800",
            "钱二,13800138002,东莞市万江街道金龙路1号,102,inf,800",
            "孙三,13800138003,东莞市万江街道金龙路1号,103,20,1e400",
            "李四,13800138004,东莞市万江街道金龙路1号,104,20,800"]
    csv_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = gridpad("import", str(csv_file), "--grid", grid)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "row 2: 姓名 name: contains a NUL character" in r.stdout
    assert "row 3: 面积 area_m2: is not a finite number" in r.stdout
    assert "row 4: 月租金 monthly_rent: is not a finite number" in r.stdout
    assert "imported 1," in r.stdout
    assert all("\\u0000" not in f and "Inf" not in f for _, f in _outbox(data))
    synced = gridpad("sync")
    assert synced.returncode == 0, synced.stderr


def test_import_into_a_grid_this_device_does_not_hold_is_refused(tablet: tuple[Path, str, Gridpad]) -> None:
    data, grid, gridpad = tablet
    csv_file = data.parent / "登记表.csv"
    csv_file.write_text("姓名,联系电话,标准地址\n李四,13800138004,东莞市万江街道金龙路1号\n",
                        encoding="utf-8")
    r = gridpad("import", str(csv_file), "--grid", "44190099999999")
    assert r.returncode != 0
    assert r.stderr.strip().splitlines() == [
        f"gridpad import: grid 44190099999999: this device does not hold it (it holds {grid}); "
        "check the grid code"]
    assert _outbox(data) == []
    with sqlite3.connect(data / "gridpad.sqlite") as db:
        assert [r[0] for r in db.execute("SELECT id FROM grid")] == [grid]


def test_an_unreadable_outbox_record_is_reported_in_one_line(tablet: tuple[Path, str, Gridpad]) -> None:
    data, _grid, gridpad = tablet
    # What SQLite's json_object wrote for an Inf stored before non-finite numbers were refused.
    with sqlite3.connect(data / "gridpad.sqlite") as db:
        db.execute("INSERT INTO outbox (tbl, row_id, op, fields, base_seq, hlc) "
                   "VALUES ('unit', 'u1', 'update', '{\"area_m2\":Inf}', 0, 1)")
    r = gridpad("sync")
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot be read" in lines[0] and "unit u1" in lines[0], r.stderr


def _xlsx_with_sheet_xml(path: Path, sheet_xml: Callable[[zipfile.ZipFile], None]) -> Path:
    """A real workbook (made by openpyxl) whose first sheet's XML is replaced by ``sheet_xml``."""
    template = path.with_suffix(".tmpl.xlsx")
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["姓名", "联系电话"])
    wb.save(template)
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                sheet_xml(dst)
            else:
                dst.writestr(info, src.read(info.filename))
    return path


_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet '
         'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
         '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
         '<c r="B1" t="inlineStr"><is><t>联系电话</t></is></c></row>')
_TAIL = "</sheetData></worksheet>"


def test_xlsx_imports_are_bounded_and_say_why(tablet: tuple[Path, str, Gridpad]) -> None:
    data, grid, gridpad = tablet

    def many_rows(z: zipfile.ZipFile) -> None:
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(_HEAD.encode())
            for n in range(2, 100_003):
                f.write(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>'.encode())
            f.write(_TAIL.encode())

    def bomb(z: zipfile.ZipFile) -> None:
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(_HEAD.encode())
            pad = b"<!--" + b" " * (1 << 20) + b"-->"
            for _ in range(210):  # 210 MB unpacked, ~200 KB packed
                f.write(pad)
            f.write(_TAIL.encode())

    rows = gridpad("import", str(_xlsx_with_sheet_xml(data.parent / "rows.xlsx", many_rows)), "--grid", grid)
    assert rows.returncode != 0 and "Traceback" not in rows.stderr
    assert rows.stderr.strip() == ("gridpad import: rows.xlsx: more than 100000 rows; "
                                   "split it into smaller files")
    big = _xlsx_with_sheet_xml(data.parent / "bomb.xlsx", bomb)
    assert big.stat().st_size < 5_000_000
    r = gridpad("import", str(big), "--grid", grid)
    assert r.stderr.strip() == ("gridpad import: bomb.xlsx: unpacks to more than 200 MB; "
                                "split it into smaller files")
    assert _outbox(data) == []


def test_server_refusals_carry_no_personal_values(server: ServerProcess, api_factory: ApiFactory) -> None:
    scope = server.new_scope()
    a = api_factory(scope)
    change = a.change("person", uid(), "insert", {
        "grid_id": scope.grid, "name": "张伟", "id_number": "11010519491231002X",
        "gender": "1", "birth_date": "1999-01-01"})
    r = a.push([change])
    assert r.status_code == 422, r.text
    rules = {p["rule"] for p in r.json()["problems"]}
    assert rules == {"person.gender_mismatch", "person.birth_date_mismatch"}
    for value in ("1999-01-01", "1949-12-31", "19491231", "110105", "002X"):
        assert value not in r.text
    bad_check = a.change("person", uid(), "insert", {
        "grid_id": scope.grid, "name": "张伟", "id_number": "110105194912310021"})
    r = a.push([bad_check])
    assert r.status_code == 422 and "expected" not in r.text and "110105" not in r.text, r.text


def test_odd_files_get_one_line_not_a_traceback(tmp_path: Path) -> None:
    """Not enrolled: a data dir may still make its own grid, but odd input is one line, exit non-zero."""
    def gridpad(*args: str) -> subprocess.CompletedProcess[str]:
        return run_gridpad(tmp_path / "d", *args)

    folder = tmp_path / "edits"
    folder.mkdir()
    r = gridpad("apply", str(folder))
    assert r.returncode != 0 and r.stderr.strip() == f"gridpad apply: {folder}: is a folder, not a jsonl file"
    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 100_000 + "\n" + _line("person", "p1", {"grid_id": "G1", "name": "李四"}) + "\n")
    r = gridpad("apply", str(deep))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "line 1: not JSON this app reads (nested too deep)" in r.stdout
    assert "inserted person 1" in r.stdout  # an unenrolled data dir may still make its grid's rows
    wide = tmp_path / "wide.csv"
    wide.write_text("姓名,备注\n李四,\"" + "长" * 200_000 + "\"\n", encoding="utf-8")
    r = gridpad("import", str(wide), "--grid", "G1")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert r.stderr.strip() == ("gridpad import: wide.csv: line 2: a cell is longer than 128 KB "
                                "(no registry cell is) or its quotes are not closed")
