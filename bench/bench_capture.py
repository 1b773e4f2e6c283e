"""Cost of trigger change capture (DESIGN.md targets).

* bulk insert of 20k persons with capture ≤ 3.5× a raw executemany of the same rows into an
  identical table (same columns and indexes) without triggers;
* one interactive edit (single-row UPDATE in its own transaction) with capture ≤ 2× without.

The bulk path is ``repo.insert_many`` (validation off, as imports and seeding call it; the
triggers capture each row); a bare executemany into the captured table is printed too, to show
what the repository's Python costs on top.

Run: .venv/bin/python bench/bench_capture.py [--rows 20000] [--repeat 5] [--edits 2000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from gridpad.store import repo
from gridpad.store.db import Store, open_store
from sync.schema import TABLES

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"


def make_rows(n: int, rng: random.Random) -> list[dict[str, object]]:
    return [{
        "id": repo.new_id(), "grid_id": "44190011900103", "is_demo": 1,
        "name": rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
        "gender": rng.choice("12"),
        "birth_date": f"19{rng.randint(60, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        "id_type": "RESIDENT_ID", "id_number": f"4419001990{rng.randint(10**7, 10**8 - 1)}",
        "phone": f"13{rng.randint(10**8, 10**9 - 1)}", "person_type": "FLOATING",
        "occupation": "工人", "hukou_address": "广东省东莞市",
    } for _ in range(n)]


def clone_without_triggers(store: Store) -> None:
    """``person_raw``: the same columns and indexes as ``person``, no triggers."""
    sql = store.db.execute("SELECT sql FROM sqlite_master WHERE name = 'person'").fetchone()[0]
    store.db.execute(sql.replace("CREATE TABLE person", "CREATE TABLE person_raw", 1))
    for (idx_sql,) in store.db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'person' AND sql IS NOT NULL"
    ).fetchall():
        renamed = idx_sql.replace(" ON person(", " ON person_raw(").replace("INDEX person_", "INDEX praw_")
        store.db.execute(renamed)


def bulk(rows: list[dict[str, object]], repeat: int) -> dict[str, list[float]]:
    """Times per repetition for: raw executemany into ``person_raw`` (baseline), the same
    executemany into ``person`` (triggers capture), and ``repo.insert_many`` (the same, via the repo).
    Every run gets a fresh file; repetitions alternate the order, so drift on a busy machine hits
    all three alike."""
    cols = ["id", *TABLES["person"].column_names]
    out: dict[str, list[float]] = {"raw": [], "trigger": [], "insert_many": []}
    for i in range(repeat):
        for kind in (list(out) if i % 2 == 0 else list(reversed(out))):
            with tempfile.TemporaryDirectory() as d:
                store = open_store(Path(d) / "b.sqlite")
                clone_without_triggers(store)
                fresh = [{**r, "id": repo.new_id()} for r in rows]
                t0 = time.perf_counter()
                if kind == "insert_many":
                    repo.insert_many(store, "person", fresh)
                else:
                    table = "person_raw" if kind == "raw" else "person"
                    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                    with store.transaction():
                        store.executemany(sql, [[r.get(c) for c in cols] for r in fresh])
                out[kind].append(time.perf_counter() - t0)
                captured = store.db.execute("SELECT count(*) FROM outbox").fetchone()[0]
                assert captured == (0 if kind == "raw" else len(rows)), captured
                store.close()
    return out


def edits(rows: list[dict[str, object]], count: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as d:
        store = open_store(Path(d) / "e.sqlite")
        clone_without_triggers(store)
        cols = ["id", *TABLES["person"].column_names]
        for table in ("person", "person_raw"):
            store.executemany(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [[r.get(c) for c in cols] for r in rows])
        ids = [str(r["id"]) for r in rows]
        rng = random.Random(7)
        out: dict[str, list[float]] = {"person": [], "person_raw": []}
        for n in range(count):
            for table in (("person", "person_raw") if n % 2 else ("person_raw", "person")):
                row_id, phone = rng.choice(ids), f"13{rng.randint(10**8, 10**9 - 1)}"
                t0 = time.perf_counter()
                store.db.execute("BEGIN IMMEDIATE")
                store.db.execute(f"UPDATE {table} SET phone = ? WHERE id = ?", (phone, row_id))
                store.db.execute("COMMIT")
                out[table].append(time.perf_counter() - t0)
        store.close()
    return statistics.median(out["person_raw"]), statistics.median(out["person"])


def _ratio(times: dict[str, list[float]], kind: str, base: str) -> float:
    return statistics.median(t / b for t, b in zip(times[kind], times[base], strict=True))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--edits", type=int, default=2000)
    a = p.parse_args()
    rows = make_rows(a.rows, random.Random(1))
    times = bulk(rows, a.repeat)
    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    print(f"bulk insert of {a.rows} persons, median of {a.repeat} (ratio: median of per-run ratios):")
    print(f"  raw executemany, no triggers (baseline)  {med['raw']:8.1f} ms")
    print(f"  repo.insert_many, captured               {med['insert_many']:8.1f} ms"
          f"   ratio {_ratio(times, 'insert_many', 'raw'):4.2f}x  (target <= 3.5x)")
    print(f"  raw executemany into person, triggers    {med['trigger']:8.1f} ms"
          f"   ratio {_ratio(times, 'trigger', 'raw'):4.2f}x  (bare executemany, captured)")
    e_raw, e_cap = edits(rows[:5000], a.edits)
    print(f"interactive edit (1-row UPDATE + COMMIT), median of {a.edits}:")
    print(f"  without capture (baseline)               {e_raw * 1e6:8.1f} us")
    print(f"  with capture                             {e_cap * 1e6:8.1f} us"
          f"   ratio {e_cap / e_raw:4.2f}x  (target <= 2x)")


if __name__ == "__main__":
    main()
