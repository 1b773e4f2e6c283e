"""The window stays smooth while the DB worker works: event-loop gaps on the GUI thread.

A 10 ms QTimer on the GUI thread (offscreen) records when it fires; the worst gap between two
ticks is how long the window could not have answered a tap. Measured, each over the same span:

* baseline: the DB worker idle (what the event loop and the machine give anyway);
* the worker sleeping (no GIL held: only the hand-over between threads costs);
* the worker importing ``--rows`` persons with ``repo.insert_many`` (capture triggers, Python per
  row: the GIL is shared with the GUI thread), as an import or a demo seed does.

Printed: ticks, p99 and max gap for each, and each max gap's ratio to the baseline's. A gap near
the GIL switch interval (5 ms) plus the timer's 10 ms is smooth; 100 ms starts to feel stuck.
(The test suite only checks that the worker runs off the GUI thread and the loop keeps turning:
tests/gui/test_registry_gui.py::test_database_work_never_blocks_the_window.)

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_gui_responsiveness.py [--rows 20000]
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_capture import make_rows
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from gridpad.store import repo
from gridpad.store.db import Store
from gridpad.ui.db_worker import DbClient

TICK_MS = 10


def gaps_while(app: QApplication, db: DbClient, work: Callable[[Any], object] | None,
               span_s: float) -> list[float]:
    """Gaps (ms) between GUI-thread timer ticks over ``span_s``, with ``work`` queued on the worker
    (repeated until the span is over) or the worker idle."""
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    pending: list[int] = []
    end = time.perf_counter() + span_s

    def queue_next(_result: object = None) -> None:
        if pending:
            pending.pop()
        if work is not None and time.perf_counter() < end:
            pending.append(db.call(work, on_done=queue_next))

    timer.start()
    queue_next()
    while time.perf_counter() < end or pending:
        app.processEvents()
        time.sleep(0.0005)
    timer.stop()
    return [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]


def _p99(gaps: list[float]) -> float:
    return statistics.quantiles(gaps, n=100)[98]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=20_000)
    p.add_argument("--span", type=float, default=3.0, help="seconds measured per case")
    a = p.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    rows = make_rows(a.rows, random.Random(1))

    def sleep(_store: Store) -> None:
        time.sleep(0.5)

    def import_rows(store: Store) -> None:
        repo.insert_many(store, "person", [{**r, "id": repo.new_id()} for r in rows])

    with tempfile.TemporaryDirectory() as d:
        db = DbClient(Path(d) / "gridpad.sqlite")
        try:
            cases = {"baseline (worker idle)": None, "worker sleeping": sleep,
                     f"worker importing {a.rows} persons": import_rows}
            results = {name: gaps_while(app, db, work, a.span) for name, work in cases.items()}
        finally:
            db.shutdown()
    base_max = max(results["baseline (worker idle)"])
    print(f"GUI-thread gaps between {TICK_MS} ms timer ticks, {a.span:.0f} s per case:")
    for name, gaps in results.items():
        print(f"  {name:<36} {sum(gaps) / 1000:4.1f} s   p99 {_p99(gaps):6.1f} ms   max {max(gaps):6.1f} ms"
              f"   max ratio {max(gaps) / base_max:5.2f}x")


if __name__ == "__main__":
    main()
