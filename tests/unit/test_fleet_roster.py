"""Reading IT's roster CSV for ``gridpad-server admin enroll-codes`` (no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.server.admin import AdminError
from sync.server.roster import check_out_dir, enroll_uri, read_roster


def test_roster_from_excel_with_bom_odd_header_case_and_grid_separators(tmp_path: Path) -> None:
    f = tmp_path / "users.csv"
    f.write_text("\ufeffName , ROLE,grids\n 王小明 ,Manager,G1\n李华,supervisor,\"G1, G2;G3\"\n,,\n",
                 encoding="utf-8")
    entries = read_roster(f)
    assert [(e.where, e.name, e.role, e.grids) for e in entries] == [
        ("users.csv line 2", "王小明", "manager", ("G1",)),
        ("users.csv line 3", "李华", "supervisor", ("G1", "G2", "G3"))]


def test_roster_in_gb18030(tmp_path: Path) -> None:
    f = tmp_path / "users.csv"
    f.write_bytes("name,role,grids\n陈美玲,manager,G2\n".encode("gb18030"))
    assert read_roster(f)[0].name == "陈美玲"


@pytest.mark.parametrize(("content", "message"), [
    (b"name,role\nx,manager\n", "users.csv line 1: needs the columns name,role,grids (missing grids)"),
    (b"name,role,grids\n\n", "users.csv: no users listed"),
    (b"\xff\xfe\x00\x00garbage\x80\x81", "not UTF-8 or GB18030"),
])
def test_bad_roster_files_name_the_problem(tmp_path: Path, content: bytes, message: str) -> None:
    f = tmp_path / "users.csv"
    f.write_bytes(content)
    with pytest.raises(AdminError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_roster(f)


def test_missing_roster_file(tmp_path: Path) -> None:
    with pytest.raises(AdminError, match="--users-file"):
        read_roster(tmp_path / "nope.csv")


def test_an_earlier_batch_folder_is_refused(tmp_path: Path) -> None:
    check_out_dir(tmp_path / "new")  # a new folder is fine
    check_out_dir(tmp_path)  # so is an empty one
    (tmp_path / "codes.csv").write_text("x")
    with pytest.raises(AdminError, match="not an empty folder"):
        check_out_dir(tmp_path)


def test_the_qr_text_is_what_the_settings_screen_reads() -> None:
    assert enroll_uri("AB12-CD34", "https://c.example:8443") == (
        "gridpad://enroll?server=https%3A%2F%2Fc.example%3A8443&code=AB12-CD34")
    assert enroll_uri("AB12-CD34", None) == "AB12-CD34"
