"""Device-level auth: a revoked tablet is refused, told so, then wiped; an enrollment code works once."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import keyring
import pytest
from support.cli import file_keyring_env
from support.cli import gridpad as run_gridpad
from support.devices import MakeDevice
from support.live_server import ServerProcess

from gridpad.store import repo
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client.errors import DeviceRevokedError, RejectedError


def test_a_revoked_device_is_told_then_wiped(server: ServerProcess, make_device: MakeDevice) -> None:
    scope = server.new_scope(users=2)
    a, b = make_device("a"), make_device("b")
    a.enroll(server.url, scope.codes[0])
    b.enroll(server.url, scope.codes[1])
    repo.insert(a.store, "person", {"grid_id": scope.grid, "name": "刘洋"})
    a.sync()
    sha = hashlib.sha256(b"photo").hexdigest()
    (a.data_dir / "photos").mkdir()
    (a.data_dir / "photos" / sha).write_bytes(b"photo")
    device_id = a.device_id
    db_file = a.data_dir / "gridpad.sqlite"
    server.revoke(device_id)
    told: list[tuple[str, bool]] = []
    with pytest.raises(DeviceRevokedError, match=r"^enrollment revoked"):
        a.sync(before_wipe=lambda why: told.append((why, db_file.exists())))
    assert told and told[0][0].startswith("enrollment revoked") and told[0][1]  # told before the wipe
    assert not db_file.exists() and not Path(f"{db_file}-wal").exists()
    assert not (a.data_dir / "photos").exists()
    assert keyring.get_password("gridpad", device_id) is None
    b.sync()  # the other tablet is not affected


def test_an_enrollment_code_cannot_be_used_twice(server: ServerProcess, make_device: MakeDevice) -> None:
    scope = server.new_scope(users=1)
    a, b = make_device("a"), make_device("b")
    a.enroll(server.url, scope.codes[0])
    with pytest.raises(RejectedError, match=r"^rejected by server: .*already used"):
        b.enroll(server.url, scope.codes[0])
    with pytest.raises(RejectedError, match=r"^rejected by server: .*unknown enrollment code"):
        b.enroll(server.url, "AAAA-BBBB-CCCC-DDDD")
    assert DeviceMeta(b.store).server_url is None  # nothing half-enrolled


@pytest.mark.slow
def test_gridpad_sync_on_a_revoked_device_says_so_and_exits_non_zero(server: ServerProcess,
                                                                      tmp_path: Path) -> None:
    scope = server.new_scope(users=1)
    data = tmp_path / "tablet"

    def gridpad(*args: str) -> subprocess.CompletedProcess[str]:
        return run_gridpad(data, *args, env=file_keyring_env(tmp_path / "ring"))

    done = gridpad("enroll", "--server", server.url, "--code", scope.codes[0])
    assert done.returncode == 0, done.stderr
    device_id = done.stdout.split()[2]  # "enrolled device <id> for …"
    assert device_id in (tmp_path / "ring" / "keyring.json").read_text()
    server.revoke(device_id)
    r = gridpad("sync")
    assert r.returncode != 0
    assert r.stderr.strip().splitlines() == [f"gridpad sync: {DeviceRevokedError()}"]
    assert not (data / "gridpad.sqlite").exists()
    assert device_id not in (tmp_path / "ring" / "keyring.json").read_text()
