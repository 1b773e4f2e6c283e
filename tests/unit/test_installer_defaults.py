"""The server URL an installer build presets for ``gridpad enroll``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gridpad import config
from gridpad.cli import main


def test_default_server_url_reads_the_baked_defaults(tmp_path: Path) -> None:
    (tmp_path / "defaults.json").write_text(json.dumps({"server_url": " https://c.example:8443 "}))
    assert config.default_server_url([tmp_path / "missing", tmp_path]) == "https://c.example:8443"


@pytest.mark.parametrize("text", ["", "not json", "[1]", '{"server_url": 5}', '{"server_url": " "}'])
def test_a_damaged_defaults_file_is_no_default(tmp_path: Path, text: str) -> None:
    (tmp_path / "defaults.json").write_text(text)
    assert config.default_server_url([tmp_path]) is None


def test_a_source_checkout_has_no_default() -> None:
    assert config.default_server_url() is None  # not frozen: no bundle dir to look in


def test_enroll_without_server_or_preset_names_the_option(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path), "enroll", "--code", "AB12-CD34"]) == 2
    err = capsys.readouterr().err
    assert "--server" in err and "no preset" in err
    assert not (tmp_path / config.DB_FILENAME).exists()  # nothing written before the URL is known
