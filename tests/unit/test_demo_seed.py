"""Seeding the demo grid into a real store file, and `gridpad seed-demo`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from gridpad.cli import main
from gridpad.config import db_path
from gridpad.store.db import open_store
from gridpad.transfer.seed import DemoAlreadySeededError, seed_demo

TODAY = date.today()  # validators judge birth dates against the real clock


def test_seed_writes_every_row_and_captures_all_but_grids(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.sqlite")
    try:
        counts = seed_demo(store, 800, seed=5, today=TODAY)
        assert counts["person"] == 800 and counts["grid"] == 1
        for table, n in counts.items():
            assert store.db.execute(f"SELECT count(*) FROM {table} WHERE is_demo = 1").fetchone()[0] == n
        outbox = dict(store.db.execute("SELECT tbl, count(*) FROM outbox GROUP BY tbl").fetchall())
        assert "grid" not in outbox  # reference data from the server is never pushed back
        assert outbox == {t: n for t, n in counts.items() if t != "grid"}
        fields = json.loads(store.db.execute(
            "SELECT fields FROM outbox WHERE tbl = 'person' LIMIT 1").fetchone()[0])
        assert fields["is_demo"] == 1 and fields["grid_id"] == "44190011900101"
        with pytest.raises(DemoAlreadySeededError):
            seed_demo(store, 10, seed=6, today=TODAY)
        assert store.db.execute("SELECT count(*) FROM person").fetchone()[0] == 800
    finally:
        store.close()


def test_seed_skips_grids_already_pulled(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.sqlite")
    try:
        seed_demo(store, 0, seed=1, today=TODAY)  # only the grid row
        counts = seed_demo(store, 50, seed=1, today=TODAY)
        assert counts["grid"] == 0 and counts["person"] == 50
        assert store.db.execute("SELECT count(*) FROM grid").fetchone()[0] == 1
    finally:
        store.close()


def test_cli_seed_demo_prints_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path), "seed-demo", "--persons", "300", "--seed", "2"]) == 0
    lines = dict(line.split("\t") for line in capsys.readouterr().out.splitlines())
    assert lines["person"] == "300" and lines["grid"] == "1"
    assert db_path(tmp_path).exists()
    assert main(["--data-dir", str(tmp_path), "seed-demo", "--persons", "30"]) == 2
    assert "already holds demo data" in capsys.readouterr().err
