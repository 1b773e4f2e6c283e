"""Soak: the sync convergence property test and the randomized fault trials, over and over, on
SQLite and PostgreSQL, for as long as it is given. Not in CI.

Each chunk is a ``python -m pytest`` child process: a convergence chunk runs
tests/e2e/test_sync_convergence.py with ``GRIDPAD_SOAK_EXAMPLES`` examples (without ``CI``, so
hypothesis picks new examples every chunk); a fault chunk runs
``test_random_faults_lose_nothing_and_converge`` with ``GRIDPAD_FAULT_TRIALS`` trials (fresh random
seeds). The tests append one line per example/trial to ``GRIDPAD_SOAK_TALLY``; the counts come from
there. After each chunk and at the end it prints, per backend, the examples and trials run, the rate
per hour, and every failure with the pytest output of its chunk (kept; passing chunks' output is
deleted) and, for a fault trial, its seed to replay.

PostgreSQL: ``--pg URL`` (a server whose user may create databases), else ``GRIDPAD_TEST_PG_URL``,
else a throw-away cluster from scripts/pg_cluster (as scripts/test does), stopped at the end.

Run: .venv/bin/python bench/soak.py --minutes 60 [--backends sqlite,postgresql] [--pg URL]
     [--examples-per-chunk 20] [--trials-per-chunk 5] [--out DIR]
Rates are per hour of the whole soak (both kinds and backends take turns), so a longer run can be
planned from them.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONVERGENCE = "tests/e2e/test_sync_convergence.py"
FAULTS = "tests/e2e/test_sync_faults.py::test_random_faults_lose_nothing_and_converge"
MARKER = {"sqlite": "not pg", "postgresql": "pg"}  # the backend params of support.live_server.BACKENDS
CHUNK_TIMEOUT_S = 3600  # a chunk still running after an hour is stuck: a failure in itself


@dataclass
class Chunk:
    number: int
    backend: str
    kind: str  # "convergence" or "fault"
    log: Path
    rc: int = 0
    seconds: float = 0.0


@dataclass
class Soak:
    out: Path
    tally: Path
    started: float = field(default_factory=time.monotonic)
    failed_chunks: list[Chunk] = field(default_factory=list)
    chunks: int = 0

    def counts(self) -> tuple[Counter[tuple[str, str, str]], list[str]]:
        """(kind, backend, outcome) -> lines, and the failed fault trials' details."""
        seen: Counter[tuple[str, str, str]] = Counter()
        failed: list[str] = []
        if self.tally.exists():
            for line in self.tally.read_text(encoding="utf-8").splitlines():
                kind, backend, outcome, detail = [*line.split("\t", 3), "", "", ""][:4]
                seen[(kind, backend, outcome)] += 1
                if kind == "fault" and outcome != "ok":
                    failed.append(f"{backend}: {detail}")
        return seen, failed

    def report(self, backends: list[str], final: bool = False) -> None:
        hours = (time.monotonic() - self.started) / 3600
        seen, failed_trials = self.counts()
        print(f"== {'final' if final else 'so far'}: {hours * 60:.1f} min, {self.chunks} chunks", flush=True)
        for b in backends:
            parts = []
            for kind, noun in (("convergence", "examples"), ("fault", "trials")):
                ok, bad = seen[(kind, b, "ok")], seen[(kind, b, "fail")]
                rate = (ok + bad) / hours if hours else 0.0
                parts.append(f"{ok + bad} {noun} ({bad} failed) {rate:.0f}/h")
            print(f"   {b:<10} {'; '.join(parts)}", flush=True)
        for c in self.failed_chunks:
            print(f"   FAILED chunk {c.number} ({c.backend} {c.kind}, exit {c.rc}): {c.log}", flush=True)
        for line in failed_trials:
            print(f"   failed trial {line}", flush=True)


def _run_chunk(soak: Soak, chunk: Chunk, env: dict[str, str], size: int) -> None:
    target = [CONVERGENCE] if chunk.kind == "convergence" else [FAULTS]
    env = {**env, "GRIDPAD_SOAK_TALLY": str(soak.tally),
           "GRIDPAD_SOAK_EXAMPLES" if chunk.kind == "convergence" else "GRIDPAD_FAULT_TRIALS": str(size)}
    cmd = [sys.executable, "-m", "pytest", *target, "-q", "-m", MARKER[chunk.backend],
           f"--timeout={CHUNK_TIMEOUT_S}"]
    t0 = time.monotonic()
    with chunk.log.open("w") as log:
        # Its own process group: on a hang, the chunk and every server it started go together.
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            chunk.rc = proc.wait(CHUNK_TIMEOUT_S + 60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            chunk.rc = -9
            log.write(f"\nsoak: chunk killed after {CHUNK_TIMEOUT_S + 60} s (stuck)\n")
        except BaseException:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
            raise
    chunk.seconds = time.monotonic() - t0


def _start_pg() -> tuple[str, str]:
    """A throw-away cluster (scripts/pg_cluster): (url, state dir to stop)."""
    done = subprocess.run(["bash", str(REPO / "scripts" / "pg_cluster"), "start"], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"soak: could not start a PostgreSQL cluster: {done.stderr.strip()}; give --pg URL")
    values = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    return values["GRIDPAD_TEST_PG_URL"], values["PG_STATE"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, required=True, help="how long to run (a chunk under way ends)")
    ap.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    ap.add_argument("--pg", help="PostgreSQL URL (default: GRIDPAD_TEST_PG_URL, else an own cluster)")
    ap.add_argument("--examples-per-chunk", type=int, default=20,
                    help="convergence examples per pytest run (each run costs ~10 s of start-up)")
    ap.add_argument("--trials-per-chunk", type=int, default=5, help="fault trials per pytest run")
    ap.add_argument("--out", type=Path, help="where chunk logs and the tally go (default: a new /tmp dir)")
    args = ap.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = [b for b in backends if b not in MARKER]
    if unknown or not backends:
        ap.error(f"--backends: {', '.join(unknown) or 'none'} not among {', '.join(MARKER)}")
    out = args.out or Path(tempfile.mkdtemp(prefix="gridpad-soak-"))
    out.mkdir(parents=True, exist_ok=True)
    soak = Soak(out, out / "tally.tsv")
    env = {k: v for k, v in os.environ.items() if k != "CI"}  # CI would derandomize hypothesis
    env.update(PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    pg_state = None
    if "postgresql" in backends:
        url = args.pg or os.environ.get("GRIDPAD_TEST_PG_URL")
        if not url:
            url, pg_state = _start_pg()
            print(f"soak: own PostgreSQL cluster at {url} ({pg_state})", flush=True)
        env["GRIDPAD_TEST_PG_URL"] = url
    print(f"soak: {args.minutes:g} min on {', '.join(backends)}; logs and tally in {out}", flush=True)
    deadline = time.monotonic() + args.minutes * 60
    plan = [(b, kind) for b in backends for kind in ("convergence", "fault")]
    try:
        while time.monotonic() < deadline:
            backend, kind = plan[soak.chunks % len(plan)]
            soak.chunks += 1
            chunk = Chunk(soak.chunks, backend, kind, out / f"chunk-{soak.chunks:04d}-{backend}-{kind}.log")
            size = args.examples_per_chunk if kind == "convergence" else args.trials_per_chunk
            _run_chunk(soak, chunk, env, size)
            if chunk.rc == 0:
                chunk.log.unlink()
            else:
                soak.failed_chunks.append(chunk)
            verdict = "ok" if chunk.rc == 0 else f"FAILED (exit {chunk.rc})"
            print(f"-- chunk {chunk.number}: {backend} {kind} x{size}: {verdict} in {chunk.seconds:.0f} s",
                  flush=True)
            soak.report(backends)
    except KeyboardInterrupt:
        print("soak: interrupted", flush=True)
    finally:
        if pg_state is not None:
            subprocess.run(["bash", str(REPO / "scripts" / "pg_cluster"), "stop", pg_state], check=False)
    soak.report(backends, final=True)
    return 1 if soak.failed_chunks else 0


if __name__ == "__main__":
    sys.exit(main())
