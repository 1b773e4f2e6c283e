"""`gridpad import/export/apply` as real processes: an export applied to an empty data dir exports
the same bytes, and an import killed with SIGKILL leaves a sound database that a re-run completes."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SYNCED = ("grid", "building", "unit", "person", "tenancy", "organisation", "photo")
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
AREAS = ("430524", "441900", "450521", "510121", "360424")


def rid(area: str, born: dt.date, seq: int) -> str:
    first = f"{area}{born:%Y%m%d}{seq:03d}"
    return first + "10X98765432"[sum(int(d) * w for d, w in zip(first, _W, strict=True)) % 11]


def registry_csv(path: Path, n: int, *, per_building: int = 20) -> Path:
    """``n`` residents, every one distinct, 20 to a building, one landlord per building."""
    start = dt.date(1965, 1, 1)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "姓名",
                "身份证号",
                "联系电话",
                "标准地址",
                "房号",
                "楼层",
                "面积",
                "入住日期",
                "房东",
                "房东电话",
                "与户主关系",
            ]
        )
        for i in range(n):
            b = i // per_building
            born = start + dt.timedelta(days=i % 12000)
            w.writerow(
                [
                    f"住户{i}",
                    rid(AREAS[i % 5], born, i // 12000),
                    f"138{i:08d}",
                    f"东莞市万江街道测试路{b}号",
                    f"{101 + i % per_building}",
                    1 + i % 6,
                    "18.5",
                    f"2023.{1 + i % 12}.{1 + i % 28}",
                    f"房东{b}",
                    f"139{b:08d}",
                    "本人",
                ]
            )
    return path


def cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "gridpad", "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=REPO,
    )


def table_counts(data: Path) -> dict[str, int]:
    c = sqlite3.connect(data / "gridpad.sqlite")
    try:
        return {t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in (*SYNCED, "outbox")}
    finally:
        c.close()


def test_export_applied_to_an_empty_data_dir_exports_the_same(tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    r = cli(src, "import", str(registry_csv(tmp_path / "r.csv", 60)), "--grid", "44190000500101")
    assert r.returncode == 0, r.stderr
    # columns an office sheet never fills: json, bool, real, an organisation, a tombstone
    edits = tmp_path / "edits.jsonl"
    first_building = json.loads(cli(src, "export").stdout.splitlines()[0])
    assert first_building["table"] == "building"
    edits.write_text(
        "\n".join(
            json.dumps(x, ensure_ascii=False)
            for x in [
                {
                    "table": "building",
                    "id": first_building["id"],
                    "op": "upsert",
                    "fields": {
                        "fire_facilities": {"extinguishers": 6, "smoke_alarms": True},
                        "security_pledge_signed": True,
                        "lat": 23.0412,
                        "lng": 113.7301,
                        "building_type": "农民房",
                        "floors_above": 6,
                    },
                },
                {
                    "table": "organisation",
                    "id": "org-1",
                    "op": "upsert",
                    "fields": {
                        "grid_id": "44190000500101",
                        "name": "东莞市某某电子有限公司",
                        "phone": "0769-22345678",
                    },
                },
                {
                    "table": "organisation",
                    "id": "org-2",
                    "op": "upsert",
                    "fields": {"grid_id": "44190000500101", "name": "将被删除的单位"},
                },
                {"table": "organisation", "id": "org-2", "op": "delete"},
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    r = cli(src, "apply", str(edits))
    assert r.returncode == 0, r.stdout + r.stderr

    exported = tmp_path / "export.jsonl"
    r = cli(src, "export", "--format", "jsonl", "--out", str(exported))
    assert r.returncode == 0, r.stderr
    lines = exported.read_text(encoding="utf-8").splitlines()
    keys = [(json.loads(x)["table"], json.loads(x)["id"]) for x in lines]
    assert keys == sorted(keys) and ("organisation", "org-2") not in keys
    assert len(lines) == 1 + 3 + (60 + 3) + 60 + 60 + 1  # grid, buildings, persons, units, tenancies, org

    r = cli(dst, "apply", str(exported))
    assert r.returncode == 0, r.stdout + r.stderr
    again = cli(dst, "export")
    assert again.returncode == 0
    assert again.stdout == exported.read_text(encoding="utf-8")

    counts = table_counts(dst)
    assert counts["outbox"] == len(lines) - 1  # every record captured, except the grid (server data)
    assert cli(dst, "apply", str(exported)).returncode == 0
    assert table_counts(dst) == counts  # applying it twice changes nothing


@pytest.mark.slow
def test_import_killed_mid_write_leaves_a_sound_db_and_a_rerun_completes_it(tmp_path: Path) -> None:
    n, batch = 20_000, 1000
    data, source = tmp_path / "data", registry_csv(tmp_path / "big.csv", n)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gridpad", "--data-dir", str(data), "import", str(source), "--grid", "G1"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db = data / "gridpad.sqlite"
    deadline = time.monotonic() + 240
    seen = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    c = sqlite3.connect(db, timeout=0.1)
                    seen = c.execute("SELECT count(*) FROM tenancy").fetchone()[0]
                    c.close()
                except sqlite3.OperationalError:
                    seen = 0  # schema not created yet
                if seen:
                    break
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed"

    c = sqlite3.connect(db)
    try:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tenancies = c.execute("SELECT count(*) FROM tenancy").fetchone()[0]
        assert 0 < tenancies < n
        assert tenancies % batch == 0  # whole batches only
        for t in SYNCED[1:]:  # the grid row is server reference data, never captured
            missing = c.execute(
                f"SELECT count(*) FROM {t} WHERE id NOT IN "
                f"(SELECT row_id FROM outbox WHERE tbl = ? AND op = 'insert')",
                (t,),
            ).fetchone()[0]
            assert missing == 0, f"{t}: {missing} committed rows without an outbox entry"
        dangling = c.execute(
            "SELECT count(*) FROM tenancy t WHERE t.person_id NOT IN (SELECT id FROM person) "
            "OR t.unit_id NOT IN (SELECT id FROM unit) "
            "OR t.building_id NOT IN (SELECT id FROM building)"
        ).fetchone()[0]
        assert dangling == 0
    finally:
        c.close()

    r = cli(data, "import", str(source))
    assert r.returncode == 0, r.stderr
    assert f"imported {n - tenancies}, updated 0, unchanged {tenancies}, rejected 0 rows" in r.stdout
    counts = table_counts(data)
    assert counts["tenancy"] == n and counts["unit"] == n and counts["building"] == n // 20
    assert counts["person"] == n + n // 20
    assert counts["outbox"] == sum(counts[t] for t in SYNCED if t != "grid")
