"""Cold start of the app with 200k persons: launch to an interactive window, and its memory.

    .venv/bin/python bench/bench_startup.py [--persons 200000] [--runs 3]

Seeds a demo grid once (``gridpad seed-demo`` into a temp dir, or ``--data-dir`` kept for
reruns), then launches ``gridpad gui`` in a fresh process (offscreen) with GRIDPAD_STARTUP_PROBE
set. The app prints ``interactive <time>`` when the main window is shown and the event loop has
run dry (it answers input from then on; data loads on the DB thread) and ``ready <time> <peak RSS
KiB>`` when the first screen's data has arrived, then quits. Reported: both times from launch,
and peak RSS (the child's own VmHWM), each with its ratio to a baseline measured in the same run
— a bare ``QApplication`` + ``QWidget`` started the same way (its shown-and-idle time).
Targets (DESIGN.md): ≤ 1.5 s and ≤ 300 MB, with no full-table load into a view.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASELINE = """
import resource, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
w = QWidget(); w.resize(1280, 800); w.show()
def done():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1])
    now = time.time()
    print(f"interactive {now:.6f}", flush=True)
    print(f"ready {now:.6f} {peak}", flush=True); app.quit()
QTimer.singleShot(0, done)
app.exec()
"""


def _launch(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(seconds to interactive, seconds to data loaded, peak RSS MiB) of one child process."""
    start = time.time()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
    lines = proc.stdout.splitlines()
    interactive = [line for line in lines if line.startswith("interactive ")]
    ready = [line for line in lines if line.startswith("ready ")]
    if proc.returncode != 0 or not ready or not interactive:
        raise SystemExit(f"launch failed ({proc.returncode}): {proc.stderr[-2000:]}")
    _, when, peak_kib = ready[-1].split()
    return float(interactive[-1].split()[1]) - start, float(when) - start, int(peak_kib) / 1024


def _seed(data_dir: Path, persons: int) -> None:
    """``gridpad seed-demo`` in its own process (this one stays small and out of the way)."""
    subprocess.run([sys.executable, "-m", "gridpad", "--data-dir", str(data_dir), "seed-demo",
                    "--persons", str(persons)], check=True, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description="GridPad cold-start benchmark")
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data-dir", help="reuse (or seed once into) this dir instead of a temp dir")
    args = parser.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GRIDPAD_STARTUP_PROBE": "1",
           "QT_LOGGING_RULES": "qt.multimedia*=false"}
    with tempfile.TemporaryDirectory(prefix="gridpad-bench-") as tmp:
        data_dir = Path(args.data_dir or tmp)
        if not (data_dir / "gridpad.sqlite").exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            t0 = time.perf_counter()
            _seed(data_dir, args.persons)
            print(f"seeded {args.persons} persons in {time.perf_counter() - t0:.1f} s")
        app_argv = [sys.executable, "-m", "gridpad", "--data-dir", str(data_dir), "gui", "--lang", "zh_CN"]
        base_argv = [sys.executable, "-c", BASELINE]
        _launch(app_argv, env)  # warm the page cache once, as a second launch of the day would
        base = [_launch(base_argv, env) for _ in range(args.runs)]
        app = [_launch(app_argv, env) for _ in range(args.runs)]
    base_t = statistics.median(r[0] for r in base)
    base_rss = max(r[2] for r in base)
    app_i = statistics.median(r[0] for r in app)
    app_d = statistics.median(r[1] for r in app)
    app_rss = max(r[2] for r in app)
    print(f"baseline (bare QApplication+QWidget shown, idle): {base_t * 1000:.0f} ms, "
          f"peak RSS {base_rss:.0f} MiB")
    print(f"gridpad interactive, {args.persons} persons: {app_i * 1000:.0f} ms "
          f"(ratio {app_i / base_t:.2f}x baseline; target <= 1500 ms) "
          f"{'OK' if app_i <= 1.5 else 'OVER TARGET'}")
    print(f"gridpad first screen's data loaded: {app_d * 1000:.0f} ms (ratio {app_d / base_t:.2f}x baseline)")
    print(f"gridpad peak RSS: {app_rss:.0f} MiB "
          f"(ratio {app_rss / base_rss:.2f}x baseline; target <= 300 MiB) "
          f"{'OK' if app_rss <= 300 else 'OVER TARGET'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
