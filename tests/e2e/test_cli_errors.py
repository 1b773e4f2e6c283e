"""`gridpad` as a real process on bad input: one line on stderr naming the problem, a non-zero
exit status, never a Python traceback or warning (issue #9, item 11)."""

from __future__ import annotations

import json
import os
import sqlite3
import struct
import subprocess
import sys
import zlib
from contextlib import closing
from pathlib import Path

import openpyxl
import pytest
import qrcode
from PIL import Image
from support.cli import GRID, REPO, grid_line, gridpad, jsonl, one_line_error


def org(i: int | str, **fields: object) -> dict[str, object]:
    return {"table": "organisation", "id": f"org-{i}",
            "fields": {"grid_id": GRID, "name": f"单位{i}", **fields}}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data dir holding one grid."""
    d = tmp_path / "data"
    r = gridpad(d, "apply", str(jsonl(tmp_path / "grid.jsonl", grid_line())))
    assert r.returncode == 0, r.stdout + r.stderr
    return d


def org_ids(data: Path) -> set[str]:
    r = gridpad(data, "export")
    assert r.returncode == 0, r.stderr
    return {x["id"] for x in map(json.loads, r.stdout.splitlines()) if x["table"] == "organisation"}


def test_apply_of_an_integer_over_2_63_rejects_that_line_and_keeps_the_others(data: Path,
                                                                              tmp_path: Path) -> None:
    edits = jsonl(tmp_path / "e.jsonl", org(1), org(2, phone="0769-22345678"),
                  {"table": "building", "id": "b-1", "fields": {"grid_id": GRID, "address": "测试路1号",
                                                                "floors_above": 2**64}}, org(3))
    r = gridpad(data, "apply", str(edits))
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.strip().splitlines() == ["gridpad apply: 1 lines rejected"]
    assert [x for x in r.stdout.splitlines() if x.startswith("line ")] == [
        next(x for x in r.stdout.splitlines() if x.startswith("line 3: "))]
    assert org_ids(data) == {"org-1", "org-2", "org-3"}


def test_apply_of_a_bookkeeping_field_never_rolls_back_the_good_lines(data: Path, tmp_path: Path) -> None:
    edits = jsonl(tmp_path / "e.jsonl", org(1), org(2), org("x", _server_seq=999999), org(3), org(4))
    r = gridpad(data, "apply", str(edits))
    assert "Traceback" not in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) <= 1
    assert {"org-1", "org-2", "org-3", "org-4"} <= org_ids(data)


def test_apply_of_json_nested_100k_deep_rejects_the_line(data: Path, tmp_path: Path) -> None:
    edits = tmp_path / "e.jsonl"
    edits.write_text(json.dumps(org(1)) + "\n" + "[" * 100_000 + "\n" + json.dumps(org(2)) + "\n")
    r = gridpad(data, "apply", str(edits))
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "line 2: not JSON this app reads (nested too deep)" in r.stdout
    assert org_ids(data) == {"org-1", "org-2"}


def test_apply_of_a_folder_says_it_is_a_folder(data: Path, tmp_path: Path) -> None:
    line = one_line_error(gridpad(data, "apply", str(tmp_path)), "apply")
    assert line == f"gridpad apply: {tmp_path}: is a folder, not a jsonl file"


def _png_claiming(path: Path, width: int, height: int) -> Path:
    """A small PNG whose header claims ``width``×``height``: what a decoder sees first of a huge one."""
    Image.new("L", (8, 8), 255).save(path)
    raw = bytearray(path.read_bytes())
    ihdr = raw[12:29]  # b"IHDR" and its 13 bytes
    ihdr[4:12] = struct.pack(">II", width, height)
    raw[12:29] = ihdr
    raw[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    path.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize(("width", "height"), [(30_000, 30_000), (12_000, 12_000)], ids=["900MP", "144MP"])
def test_scan_of_a_huge_image_refuses_it_in_plain_words(tmp_path: Path, width: int, height: int) -> None:
    image = _png_claiming(tmp_path / "huge.png", width, height)
    line = one_line_error(gridpad(tmp_path / "data", "scan", "--raw", str(image)), "scan")
    assert line.startswith(f"gridpad scan: {image}: image too large to read (")
    assert "the limit is 64 megapixels): scale it down first" in line


def test_scan_of_a_large_jpeg_reads_it_at_a_smaller_scale(tmp_path: Path) -> None:
    photo = Image.new("L", (9000, 8000), 255)  # 72 megapixels: over the limit, as a phone's photo
    photo.paste(qrcode.make("GP1:plate-text").get_image().convert("L").resize((2400, 2400)), (3000, 2500))
    photo.save(tmp_path / "big.jpg", quality=80)
    del photo
    r = gridpad(tmp_path / "data", "scan", "--raw", str(tmp_path / "big.jpg"))
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert r.stdout == "GP1:plate-text\n"


def test_export_xlsx_with_a_control_character_writes_it_out_by_name(data: Path, tmp_path: Path) -> None:
    # Entry points refuse control characters now; a row stored before that rule still exports.
    assert gridpad(data, "apply", str(jsonl(tmp_path / "e.jsonl", org(1, name="刘洋")))).returncode == 0
    with closing(sqlite3.connect(data / "gridpad.sqlite")) as conn, conn:
        conn.execute("UPDATE organisation SET name = ?", ("刘\x1b[31m洋\x07",))
    out = tmp_path / "x.xlsx"
    r = gridpad(data, "export", "--format", "xlsx", "--out", str(out))
    assert r.returncode == 0 and "洋" not in r.stderr, r.stderr
    names = [row[3] for row in openpyxl.load_workbook(out)["单位"].iter_rows(min_row=2, values_only=True)]
    assert names == ["刘<ESC>[31m洋<BEL>"]


def test_export_into_a_closed_pipe_exits_quietly(data: Path, tmp_path: Path) -> None:
    lines = [org(i) for i in range(3000)]  # ~300 KB of jsonl: far more than a pipe buffer holds
    assert gridpad(data, "apply", str(jsonl(tmp_path / "e.jsonl", *lines))).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    export = subprocess.Popen([sys.executable, "-m", "gridpad", "--data-dir", str(data), "export"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO)
    assert export.stdout is not None and export.stderr is not None
    export.stdout.readline()
    export.stdout.close()  # `| head -1`
    err = export.stderr.read().decode()
    export.stderr.close()
    assert export.wait(60) == 141
    assert err == ""


@pytest.mark.parametrize("command", [["search", "x"], ["export"], ["sync"], ["import", "r.csv"],
                                     ["apply", "e.jsonl"], ["scan", "p.png"], ["plates", "--out", "p.pdf"],
                                     ["gui", "--quit-after-first-paint"]])
def test_any_command_on_a_damaged_database_says_so(tmp_path: Path, command: list[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "gridpad.sqlite").write_bytes(os.urandom(20_000))
    (tmp_path / "r.csv").write_text("姓名,身份证号\n刘洋,1\n", encoding="utf-8")
    jsonl(tmp_path / "e.jsonl", org(1))
    Image.new("L", (64, 64), 255).save(tmp_path / "p.png")
    args = [str(tmp_path / a) if a in ("r.csv", "e.jsonl", "p.png", "p.pdf") else a for a in command]
    line = one_line_error(gridpad(data, *args), command[0])
    assert line.endswith(f"the data file {data / 'gridpad.sqlite'} is damaged or not a GridPad database; "
                         "restore it from a backup, or move it away to start afresh")


def test_a_damaged_page_inside_a_real_database_is_reported_the_same(data: Path) -> None:
    db = data / "gridpad.sqlite"
    with sqlite3.connect(db) as c:  # a database file of several pages, flushed out of the WAL
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(db.read_bytes())
    raw[4096:8192] = os.urandom(4096)  # the second page: a table's b-tree
    db.write_bytes(bytes(raw))
    r = gridpad(data, "export")
    one_line_error(r, "export")
    assert "is damaged or not a GridPad database" in r.stderr
