"""Search-as-you-type at 200k persons (DESIGN.md target: p95 <= 15 ms per query kind).

Seeds a fresh store with the demo generator (gridpad.demo.generator.generate), builds the search index
(timed), then runs queries drawn from the data for each kind and prints p50/p95 and the ratio of
each p95 to a primary-key lookup measured in the same run. Multi-term kinds are what a grid
manager types at a door: a current resident's 2-character name and room ("张伟 302"), the door
plate's address and the room ("振兴路6号 302"), the same without the space ("振兴路6号302"), and
the building's name and the room ("宿舍楼A栋 302").

Run: .venv/bin/python bench/bench_search.py [--persons 200000] [--queries 200] [--db FILE]
(--db: reuse a store seeded by an earlier run with --keep FILE, skipping the minute of seeding.)
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gridpad.core import search_query
from gridpad.demo.generator import generate
from gridpad.store import repo, search
from gridpad.store.db import Store, open_store


def seed(store: Store, persons: int) -> None:
    grid = generate(persons, seed=7)
    for table, records in grid.tables().items():
        repo.insert_many(store, table, records)


def load(store: Store) -> dict[str, list[dict[str, object]]]:
    """What the queries are drawn from, read back from the store."""
    def rows(sql: str) -> list[dict[str, object]]:
        cur = store.db.execute(sql)
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    return {
        "person": rows("SELECT id, name, id_number, phone FROM person WHERE _deleted = 0"),
        "unit": rows("SELECT id, room_no FROM unit WHERE _deleted = 0"),
        "building": rows("SELECT id, address FROM building WHERE _deleted = 0"),
        # A current resident with their room, the door plate's address (road + number) and the
        # building's name if it has one.
        "home": rows("SELECT p.name, u.room_no, b.road || b.door_no AS address, b.name AS building "
                     "FROM tenancy t JOIN person p ON p.id = t.person_id JOIN unit u ON u.id = t.unit_id "
                     "JOIN building b ON b.id = t.building_id WHERE t._deleted = 0 AND p._deleted = 0 "
                     "AND (t.move_out_at IS NULL OR t.move_out_at > date('now')) "
                     "AND b.road || b.door_no IS NOT NULL"),
    }


def query_sets(data: dict[str, list[dict[str, object]]], n: int, rng: random.Random) -> dict[str, list[str]]:
    names = [str(p["name"]) for p in data["person"]]
    two = [x for x in names if len(x) == 2] or [x[:2] for x in names]
    three = [x for x in names if len(x) == 3]
    ids = [str(p["id_number"]) for p in data["person"] if p.get("id_number")]
    phones = [str(p["phone"]) for p in data["person"] if p.get("phone")]
    rooms = [str(u["room_no"]) for u in data["unit"]]
    addresses = [str(b["address"]) for b in data["building"]]
    homes = [(str(h["name"]), str(h["room_no"]), str(h["address"])) for h in data["home"]]
    two_homes = [h for h in homes if len(h[0]) == 2]
    named = [(str(h["building"]), str(h["room_no"])) for h in data["home"] if h["building"]]

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
        "name + room": [f"{n} {r}" for n, r, _ in (rng.choice(two_homes) for _ in range(n))],
        "address + room": [f"{a} {r}" for _, r, a in (rng.choice(homes) for _ in range(n))],
        "address+room (1 word)": [f"{a}{r}" for _, r, a in (rng.choice(homes) for _ in range(n))],
        # Names like 宿舍楼A栋 recur across the town (460 dormitories in the demo grid): the slow end.
        "building name + room": [f"{b} {r}" for b, r in (rng.choice(named) for _ in range(n))],
    }


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--persons", type=int, default=200_000)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--db", type=Path, help="a store seeded by an earlier run (--keep)")
    p.add_argument("--keep", type=Path, help="copy the seeded store here for later --db runs")
    a = p.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as d:
        store = open_store(a.db or Path(d) / "s.sqlite")
        t0 = time.perf_counter()
        if a.db is None:
            seed(store, a.persons)
        t1 = time.perf_counter()
        search.refresh_index(store)
        t2 = time.perf_counter()
        data = load(store)
        docs = store.db.execute("SELECT count(*) FROM search_doc").fetchone()[0]
        how = "reused" if a.db else f"seeded in {t1 - t0:.1f} s (captured)"
        print(f"{len(data['person'])} persons, {len(data['unit'])} units, "
              f"{len(data['building'])} buildings: {how}")
        print(f"search index bulk build: {docs} documents in {t2 - t1:.1f} s")
        if a.keep:
            store.db.execute("VACUUM INTO ?", (str(a.keep),))

        ids = [str(x["id"]) for x in data["person"]]
        base = []
        for _ in range(2000):
            row_id = rng.choice(ids)
            s = time.perf_counter()
            store.db.execute("SELECT * FROM person WHERE id = ?", (row_id,)).fetchall()
            base.append(time.perf_counter() - s)
        base_p50 = statistics.median(base)
        print(f"baseline primary-key lookup: p50 {base_p50 * 1000:.3f} ms")
        print(f"{'query kind':22s} {'p50 ms':>8s} {'p95 ms':>8s} {'hits':>6s} {'p50/baseline':>13s} "
              f"{'p95/baseline':>13s}")
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
            print(f"{kind:22s} {p50 * 1000:8.2f} {p95 * 1000:8.2f} {hits * 100 // len(queries):5d}% "
                  f"{p50 / base_p50:12.0f}x {p95 / base_p50:12.0f}x")
        print(f"worst p95 {worst * 1000:.2f} ms (target <= 15 ms)")
        store.close()


if __name__ == "__main__":
    main()
