"""``--data-dir`` is accepted before or after the subcommand, and a later one wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridpad.cli import main


@pytest.mark.parametrize("after", [False, True])
def test_data_dir_before_or_after_the_subcommand(tmp_path: Path, after: bool,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    where = tmp_path / "tablet"
    where.mkdir()
    out = str(tmp_path / "plates.pdf")
    argv = (["plates", "--data-dir", str(where), "--out", out] if after
            else ["--data-dir", str(where), "plates", "--out", out])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"no database in {where}" in err  # read from the data dir given, wherever it stood


def test_a_data_dir_after_the_subcommand_overrides_one_before(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["--data-dir", str(first), "plates", "--data-dir", str(second),
                 "--out", str(tmp_path / "p.pdf")]) == 2
    assert f"no database in {second}" in capsys.readouterr().err
