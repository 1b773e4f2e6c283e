"""GRIDPAD_PLATE_KEY: a local signing key for demos and offline printing, with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridpad.qr.local_key import local_signing_key
from sync import doorplate as dp


def test_unset_means_none() -> None:
    assert local_signing_key({}) is None
    assert local_signing_key({"GRIDPAD_PLATE_KEY": "  "}) is None


def test_reads_a_pem_key_with_the_servers_key_id(tmp_path: Path) -> None:
    key = dp.generate_private_key()
    path = tmp_path / "k.pem"
    path.write_bytes(dp.private_key_pem(key))
    found = local_signing_key({"GRIDPAD_PLATE_KEY": str(path)})
    assert found is not None
    key_id, loaded = found
    assert key_id == dp.key_id_for(key)
    assert dp.public_key_text(loaded) == dp.public_key_text(key)


def test_missing_or_wrong_files_name_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"GRIDPAD_PLATE_KEY=.*cannot read"):
        local_signing_key({"GRIDPAD_PLATE_KEY": str(tmp_path / "nope.pem")})
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    with pytest.raises(ValueError, match=r"GRIDPAD_PLATE_KEY=.*not an Ed25519 private key"):
        local_signing_key({"GRIDPAD_PLATE_KEY": str(bad)})
