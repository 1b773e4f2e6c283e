"""Registry import speed: a 20k-resident office spreadsheet, against a raw-insert baseline.

Baseline (same run, same machine): read the CSV with the csv module and ``executemany`` the same
number of person, unit and tenancy rows (plus the buildings) into a fresh store — the floor any
import must pay (capture triggers included). Then: the full import (read, clean, validate,
match, write), a re-import of the same file (compare only, no writes), and the same import
from .xlsx (openpyxl read-only).

Times are CPU seconds of this process (``time.process_time``): the machine this was written on
is shared, and wall time there mostly measured the neighbours.

Run: .venv/bin/python bench/bench_import.py [--rows 20000]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import tempfile
import time
from pathlib import Path

import openpyxl

from gridpad.store import outbox, repo
from gridpad.store.db import open_store
from gridpad.transfer.registry_import import ensure_grid, import_registry

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
AREAS = ("430524", "441900", "450521", "510121", "360424")
HEADER = ["姓名", "性别", "身份证号", "联系电话", "标准地址", "房号", "楼层", "面积", "入住日期", "房东",
          "房东电话", "与户主关系"]


def rid(area: str, born: dt.date, seq: int) -> str:
    first = f"{area}{born:%Y%m%d}{seq:03d}"
    return first + "10X98765432"[sum(int(d) * w for d, w in zip(first, _W, strict=True)) % 11]


def rows(n: int) -> list[list[object]]:
    start = dt.date(1965, 1, 1)
    out: list[list[object]] = []
    for i in range(n):
        b = i // 20
        number = rid(AREAS[i % 5], start + dt.timedelta(days=i % 12000), i // 12000)
        gender = "男" if int(number[16]) % 2 else "女"
        out.append([f"住户{i}", gender, number, f"138 {i // 10000:04d} {i % 10000:04d}",
                    f"东莞市万江街道测试路{b}号", f"{101 + i % 20}室", 1 + i % 6, "18.5㎡",
                    f"2023.{1 + i % 12}.{1 + i % 28}", f"房东{b}", f"139{b:08d}", "本人"])
    return out


def baseline(path: Path, db: Path) -> float:
    store = open_store(db)
    t0 = time.process_time()
    with path.open(encoding="utf-8-sig", newline="") as f:
        body = list(csv.reader(f))[1:]
    buildings: dict[str, str] = {}
    persons, units, tenancies = [], [], []
    for r in body:
        b = buildings.setdefault(r[4], repo.new_id())
        p, u = repo.new_id(), repo.new_id()
        persons.append((p, "G1", r[0], r[2], r[3]))
        units.append((u, "G1", b, r[5]))
        tenancies.append((repo.new_id(), "G1", p, u, b, "2023-05-01"))
    with store.transaction():
        c = store
        c.executemany("INSERT INTO building (id, grid_id, address) VALUES (?, 'G1', ?)",
                      [(i, a) for a, i in buildings.items()])
        c.executemany("INSERT INTO person (id, grid_id, name, id_number, phone) VALUES (?,?,?,?,?)", persons)
        c.executemany("INSERT INTO unit (id, grid_id, building_id, room_no) VALUES (?,?,?,?)", units)
        c.executemany("INSERT INTO tenancy (id, grid_id, person_id, unit_id, building_id, move_in_at) "
                      "VALUES (?,?,?,?,?,?)", tenancies)
    elapsed = time.process_time() - t0
    store.close()
    return elapsed


def timed_import(path: Path, db: Path) -> tuple[float, str, int]:
    store = open_store(db)
    grid = ensure_grid(store, "G1")
    t0 = time.process_time()
    result = import_registry(store, path, grid)
    elapsed = time.process_time() - t0
    box = outbox.count(store)
    store.close()
    return elapsed, result.summary(), box


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000)
    n = ap.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        data = rows(n)
        csv_path, xlsx_path = d / "registry.csv", d / "registry.xlsx"
        with csv_path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(HEADER)
            w.writerows(data)
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(HEADER)
        for r in data:
            ws.append(r)
        wb.save(xlsx_path)

        base = baseline(csv_path, d / "base.sqlite")
        first, summary, box = timed_import(csv_path, d / "csv.sqlite")
        again, summary2, box2 = timed_import(csv_path, d / "csv.sqlite")
        xlsx, _, _ = timed_import(xlsx_path, d / "xlsx.sqlite")

    print(f"{n} residents ({n // 20} buildings, one landlord each)")
    print(f"baseline: csv read + raw executemany with capture  {base:7.2f} s CPU  1.00x")
    print(f"import .csv  (first time)                         {first:7.2f} s CPU {first / base:5.2f}x")
    print(f"   {summary}")
    print(f"re-import .csv (no change)                        {again:7.2f} s CPU {again / base:5.2f}x")
    print(f"   {summary2}")
    print(f"import .xlsx (first time, fresh db)               {xlsx:7.2f} s CPU {xlsx / base:5.2f}x")
    print(f"outbox rows after first import {box}, after re-import {box2} (must be equal)")


if __name__ == "__main__":
    main()
