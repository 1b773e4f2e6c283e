"""Demo seeding at scale: generate N persons' grid, write it into a fresh store.

Prints each figure with its ratio to a baseline measured in the same run (machines are noisy):
raw ``executemany`` of the same rows into plain SQLite tables (no capture triggers, no search
index) in one transaction.

    .venv/bin/python bench/bench_seed.py [--persons 200000] [--seed 1]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

from gridpad.demo.generator import generate
from gridpad.demo.records import DemoGrid
from gridpad.store.db import open_store
from gridpad.store.repo import insert_many
from gridpad.transfer.seed import write_demo
from sync.schema import TABLES


def raw_insert(path: Path, tables: dict[str, list[dict[str, object]]]) -> float:
    """The baseline: plain tables, one executemany per table, one transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    for name in tables:
        cols = ["id", *TABLES[name].column_names]
        conn.execute(f"CREATE TABLE {name} ({', '.join(cols)}, PRIMARY KEY (id))")
    start = time.perf_counter()
    conn.execute("BEGIN")
    for name, rows in tables.items():
        cols = ["id", *TABLES[name].column_names]
        sql = f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        conn.executemany(sql, [[r.get(c) for c in cols] for r in rows])
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--persons", type=int, default=200_000)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    today = date(2026, 11, 26)

    start = time.perf_counter()
    demo: DemoGrid = generate(args.persons, args.seed, today=today)
    t_generate = time.perf_counter() - start
    counts = demo.counts()
    rows = sum(counts.values())

    with tempfile.TemporaryDirectory() as tmp:
        t_raw_all = raw_insert(Path(tmp) / "raw_all.sqlite", demo.tables())
        t_raw_person = raw_insert(Path(tmp) / "raw_person.sqlite", {"person": demo.person})

        store = open_store(Path(tmp) / "seed.sqlite")
        start = time.perf_counter()
        write_demo(store, demo)
        t_seed = time.perf_counter() - start
        store.close()

        store = open_store(Path(tmp) / "person.sqlite")
        start = time.perf_counter()
        insert_many(store, "person", demo.person)
        t_person = time.perf_counter() - start
        store.close()

    print(f"persons {args.persons:,}; rows {rows:,} ({', '.join(f'{k} {v:,}' for k, v in counts.items())})")
    print(f"baseline: raw executemany of all rows            {t_raw_all:7.2f} s")
    print(f"baseline: raw executemany of the person rows     {t_raw_person:7.2f} s")
    print(f"generate (pure Python)                           {t_generate:7.2f} s  "
          f"{t_generate / t_raw_all:5.1f}x raw insert of all rows  "
          f"({t_generate / args.persons * 1e6:.0f} µs/person)")
    print(f"seed: write all rows (capture + search index)    {t_seed:7.2f} s  {t_seed / t_raw_all:5.1f}x raw")
    print(f"insert_many person rows only (capture + index)   {t_person:7.2f} s  "
          f"{t_person / t_raw_person:5.1f}x raw")
    print(f"generate + seed                                  {t_generate + t_seed:7.2f} s")


if __name__ == "__main__":
    main()
