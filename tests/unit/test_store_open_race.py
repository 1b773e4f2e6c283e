"""First launch: any number of threads and processes opening a data dir nobody has opened yet.

Each round starts every opener on a barrier at the same fresh path, so they meet in the window
where the file is being created, switched to WAL and migrated.
"""

from __future__ import annotations

import multiprocessing
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.synchronize import Barrier
from pathlib import Path

from gridpad.store import migrations
from gridpad.store.db import open_store

THREADS, THREAD_ROUNDS = 4, 50
PROCESSES, PROCESS_ROUNDS = 3, 15


def _open_and_describe(path: Path) -> tuple[str, str, int]:
    """What the opener relies on: WAL, the current schema, and the device id every opener shares."""
    store = open_store(path)
    try:
        mode = str(store.db.execute("PRAGMA journal_mode").fetchone()[0])
        version = int(store.db.execute("PRAGMA user_version").fetchone()[0])
        return store.device_id, mode, version
    finally:
        store.close()


def _check_round(path: Path, seen: list[tuple[str, str, int]], openers: int) -> None:
    expected_version = migrations.SCHEMA_MAJOR * 1000 + migrations.SCHEMA_MINOR
    assert len(seen) == openers
    assert {mode for _, mode, _ in seen} == {"wal"}
    assert {version for *_, version in seen} == {expected_version}
    assert len({device for device, *_ in seen}) == 1, f"{path}: more than one device id: {seen}"
    # Every migration ran exactly once, however many openers raced to run it.
    store = open_store(path)
    try:
        names = [r[0] for r in store.db.execute("SELECT name FROM _sqlite_migrations")]
        assert sorted(names) == sorted(m.name for m in migrations.migrations._migrations)
        assert store.db.execute("SELECT count(*) FROM meta WHERE key = 'device_id'").fetchone() == (1,)
    finally:
        store.close()


def test_threads_opening_a_new_data_dir_all_succeed(tmp_path: Path) -> None:
    barrier = threading.Barrier(THREADS)

    def opener(path: Path) -> tuple[str, str, int]:
        barrier.wait(timeout=30)
        return _open_and_describe(path)

    with ThreadPoolExecutor(THREADS) as pool:
        for i in range(THREAD_ROUNDS):
            path = tmp_path / f"round{i}" / "gridpad.sqlite"
            seen = list(pool.map(opener, [path] * THREADS))  # re-raises any opener's error
            _check_round(path, seen, THREADS)


def _process_opener(base: str, rounds: int, barrier: Barrier,
                    results: multiprocessing.Queue[tuple[int, str]]) -> None:
    for i in range(rounds):
        barrier.wait(timeout=60)
        try:
            device, mode, version = _open_and_describe(Path(base) / f"round{i}" / "gridpad.sqlite")
            results.put((i, f"{device} {mode} {version}"))
        except Exception as e:  # noqa: BLE001 - any error: reported to the test, which fails on it
            where = traceback.extract_tb(e.__traceback__)[-1]
            results.put((i, f"error {type(e).__name__}: {e} at {where.filename}:{where.lineno}"))


def test_processes_opening_a_new_data_dir_all_succeed(tmp_path: Path) -> None:
    spawn = multiprocessing.get_context("spawn")  # no fork of a threaded test process
    barrier = spawn.Barrier(PROCESSES)
    results: multiprocessing.Queue[tuple[int, str]] = spawn.Queue()
    procs = [spawn.Process(target=_process_opener, args=(str(tmp_path), PROCESS_ROUNDS, barrier, results))
             for _ in range(PROCESSES)]
    for p in procs:
        p.start()
    got: dict[int, list[tuple[str, str, int]]] = {}
    errors: list[str] = []
    try:
        for _ in range(PROCESSES * PROCESS_ROUNDS):
            i, text = results.get(timeout=60)
            if text.startswith("error "):
                errors.append(f"round {i}: {text}")
                continue
            device, mode, version = text.split()
            got.setdefault(i, []).append((device, mode, int(version)))
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert errors == []
    assert [p.exitcode for p in procs] == [0] * PROCESSES
    for i in range(PROCESS_ROUNDS):
        _check_round(tmp_path / f"round{i}" / "gridpad.sqlite", got.get(i, []), PROCESSES)
