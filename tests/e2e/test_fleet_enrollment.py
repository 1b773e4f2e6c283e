"""IT enrolls a fleet: ``gridpad-server admin enroll-codes`` from a roster CSV, tablets enroll with
the printed codes (``gridpad enroll`` as a child process), ``admin devices`` lists them."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import sqlalchemy as sa
from PIL import Image
from support.live_server import REPO, ServerProcess, tag

from gridpad.qr.decode import decode
from sync.server import db


def _gridpad(data_dir: Path, ring: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'tests'}",
           "PYTHON_KEYRING_BACKEND": "support.file_keyring.FileKeyring",
           "GRIDPAD_TEST_KEYRING_DIR": str(ring)}
    return subprocess.run([sys.executable, "-m", "gridpad", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=env, timeout=120, cwd=REPO)


def _users(server: ServerProcess) -> set[str]:
    with server.engine.connect() as conn:
        return {r[0] for r in conn.execute(sa.select(db.app_user.c.name))}


def test_a_roster_becomes_printed_codes_that_enroll_tablets(server: ServerProcess, tmp_path: Path) -> None:
    t = tag()
    cli = server.admin_cli
    cli("grid", "add", f"A{t}", "--name", "乌沙第一网格")
    cli("grid", "add", f"B{t}", "--name", "乌沙第二网格")
    cli("user", "add", f"陈{t}", "--role", "manager", "--grids", f"B{t}")  # already known: gets a code too
    roster = tmp_path / "users.csv"
    # Excel on Chinese Windows saves GB18030; grids listed with ';' inside one field; a blank line at the end.
    roster.write_bytes((f"Name,Role,Grids\n王{t},manager,A{t}\n李{t},supervisor,\"A{t}; B{t}\"\n"
                        f"陈{t},manager,B{t}\n,,\n").encode("gb18030"))
    out = tmp_path / "codes"
    done = cli("enroll-codes", "--users-file", str(roster), "--out", str(out), "--server", server.url)
    assert "3 one-time enrollment codes" in done.stdout

    with (out / "codes.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["user"], r["role"], r["grids"]) for r in rows] == [
        (f"王{t}", "manager", f"A{t}"), (f"李{t}", "supervisor", f"A{t};B{t}"),
        (f"陈{t}", "manager", f"B{t}")]
    assert len({r["code"] for r in rows}) == 3
    html = (out / "codes.html").read_text(encoding="utf-8")
    assert all(r["code"] in html and r["png"] in html for r in rows)

    # Each PNG holds the app's enrollment URI with this row's code and the server.
    for r in rows:
        [text] = decode(Image.open(out / r["png"]))
        q = parse_qs(urlparse(text).query)
        assert text.startswith("gridpad://enroll?") and q == {"server": [server.url], "code": [r["code"]]}

    li = rows[1]
    enrolled = _gridpad(tmp_path / "tablet", tmp_path / "ring", "enroll", "--server", server.url,
                        "--code", li["code"])
    assert enrolled.returncode == 0, enrolled.stderr
    assert f"for 李{t} (supervisor), grids: A{t}, B{t}" in enrolled.stdout
    again = _gridpad(tmp_path / "tablet2", tmp_path / "ring2", "enroll", "--server", server.url,
                     "--code", li["code"])
    assert again.returncode != 0  # one-time: the printed sheet cannot enroll a second tablet

    device_id = enrolled.stdout.split()[2]
    [line] = [x for x in cli("devices").stdout.splitlines() if x.startswith(device_id)]
    assert line.split("\t")[1:4:2] == [f"李{t}", "active"]


def test_a_bad_roster_names_every_bad_line_and_issues_nothing(server: ServerProcess, tmp_path: Path) -> None:
    t = tag()
    server.admin_cli("grid", "add", f"A{t}", "--name", "x")
    server.admin_cli("user", "add", f"陈{t}", "--role", "manager", "--grids", f"A{t}")
    roster = tmp_path / "users.csv"
    roster.write_text(f"name,role,grids\n王{t},manager,A{t}\n赵{t},boss,A{t}\n钱{t},manager,NOPE{t}\n"
                      f"孙{t},manager,\n王{t},manager,A{t}\n陈{t},supervisor,A{t}\n", encoding="utf-8")
    out = tmp_path / "codes"
    r = server.admin_cli("enroll-codes", "--users-file", str(roster), "--out", str(out), check=False)
    assert r.returncode == 1
    for line, words in [(3, "role must be one of manager, supervisor"), (4, f"no grid NOPE{t}"),
                        (5, "grids: at least one"), (6, f"user 王{t} is listed twice"),
                        (7, f"user 陈{t} exists as manager of A{t}, not supervisor")]:
        assert f"users.csv line {line}: {words}" in r.stderr
    assert "line 2" not in r.stderr and "no code issued" in r.stderr
    assert f"王{t}" not in _users(server) and not out.exists()  # all or nothing

    missing_column = tmp_path / "cols.csv"
    missing_column.write_text(f"name,grids\n王{t},A{t}\n", encoding="utf-8")
    r = server.admin_cli("enroll-codes", "--users-file", str(missing_column), "--out", str(out), check=False)
    assert r.returncode == 1
    assert "cols.csv line 1: needs the columns name,role,grids (missing role)" in r.stderr


def test_an_earlier_batch_is_never_overwritten(server: ServerProcess, tmp_path: Path) -> None:
    t = tag()
    server.admin_cli("grid", "add", f"A{t}", "--name", "x")
    roster = tmp_path / "users.csv"
    roster.write_text(f"name,role,grids\n王{t},manager,A{t}\n", encoding="utf-8")
    out = tmp_path / "codes"
    server.admin_cli("enroll-codes", "--users-file", str(roster), "--out", str(out))
    first = (out / "codes.csv").read_bytes()
    r = server.admin_cli("enroll-codes", "--users-file", str(roster), "--out", str(out), check=False)
    assert r.returncode == 1 and "not an empty folder" in r.stderr
    assert (out / "codes.csv").read_bytes() == first
    # Re-running the same roster into a new folder re-issues codes for the same (unchanged) user.
    server.admin_cli("enroll-codes", "--users-file", str(roster), "--out", str(tmp_path / "codes2"))
    with (out / "codes.csv").open(encoding="utf-8-sig") as a, (tmp_path / "codes2" / "codes.csv").open(
            encoding="utf-8-sig") as b:
        assert next(csv.DictReader(a))["code"] != next(csv.DictReader(b))["code"]
