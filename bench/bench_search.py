"""Search-as-you-type at 200k persons (DESIGN.md target: p95 <= 15 ms per query kind).

Seeds a fresh store with the demo generator (gridpad.core.demo.generate), builds the search index
(timed), then runs queries drawn from the data for each kind and prints p50/p95 and the ratio of
each p95 to a primary-key lookup measured in the same run.

Run: .venv/bin/python bench/bench_search.py [--persons 200000] [--queries 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gridpad.core import demo, search_query
from gridpad.store import repo, search
from gridpad.store.db import Store, open_store


def seed(store: Store, persons: int) -> dict[str, list[dict[str, object]]]:
    grid = demo.generate(persons, seed=7)
    for table, records in grid.tables().items():
        repo.insert_many(store, table, records)
    return {"person": grid.person, "building": grid.building, "unit": grid.unit}


def query_sets(data: dict[str, list[dict[str, object]]], n: int, rng: random.Random) -> dict[str, list[str]]:
    names = [str(p["name"]) for p in data["person"]]
    two = [x for x in names if len(x) == 2] or [x[:2] for x in names]
    three = [x for x in names if len(x) == 3]
    ids = [str(p["id_number"]) for p in data["person"] if p.get("id_number")]
    phones = [str(p["phone"]) for p in data["person"] if p.get("phone")]
    rooms = [str(u["room_no"]) for u in data["unit"]]
    addresses = [str(b["address"]) for b in data["building"]]

    def fragment(text: str) -> str:
        size = rng.choice((3, 4))
        start = rng.randrange(0, max(1, len(text) - size))
        return text[start:start + size]

    def pick(pool: list[str], f: Callable[[str], str] = lambda x: x) -> list[str]:
        return [f(rng.choice(pool)) for _ in range(n)]

    return {
        "2-char name": pick(two),
        "3-char name": pick(three),
        "pinyin initials": pick(three, lambda x: search_query.initials(x) or "zw"),
        "ID tail (6)": pick(ids, lambda x: x[-6:]),
        "phone tail (4)": pick(phones, lambda x: x[-4:]),
        "room": pick(rooms),
        "address fragment": pick(addresses, fragment),
    }


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--persons", type=int, default=200_000)
    p.add_argument("--queries", type=int, default=200)
    a = p.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as d:
        store = open_store(Path(d) / "s.sqlite")
        t0 = time.perf_counter()
        data = seed(store, a.persons)
        t1 = time.perf_counter()
        search.refresh_index(store)
        t2 = time.perf_counter()
        docs = store.conn.execute("SELECT count(*) FROM search_doc").fetchone()[0]
        print(f"seeded {len(data['person'])} persons, {len(data['unit'])} units, "
              f"{len(data['building'])} buildings in {t1 - t0:.1f} s (captured)")
        print(f"search index bulk build: {docs} documents in {t2 - t1:.1f} s")

        ids = [str(x["id"]) for x in data["person"]]
        base = []
        for _ in range(2000):
            row_id = rng.choice(ids)
            s = time.perf_counter()
            store.conn.execute("SELECT * FROM person WHERE id = ?", (row_id,)).fetchall()
            base.append(time.perf_counter() - s)
        base_p50 = statistics.median(base)
        print(f"baseline primary-key lookup: p50 {base_p50 * 1000:.3f} ms")
        print(f"{'query kind':18s} {'p50 ms':>8s} {'p95 ms':>8s} {'hits':>6s} {'p95/baseline':>13s}")
        worst = 0.0
        for kind, queries in query_sets(data, a.queries, rng).items():
            times, hits = [], 0
            for q in queries:
                s = time.perf_counter()
                found = search.search(store, q, limit=20)
                times.append(time.perf_counter() - s)
                hits += bool(found)
            p50, p95 = statistics.median(times), percentile(times, 95)
            worst = max(worst, p95)
            print(f"{kind:18s} {p50 * 1000:8.2f} {p95 * 1000:8.2f} {hits * 100 // len(queries):5d}% "
                  f"{p95 / base_p50:12.0f}x")
        print(f"worst p95 {worst * 1000:.2f} ms (target <= 15 ms)")
        store.close()


if __name__ == "__main__":
    main()
