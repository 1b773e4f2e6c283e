"""An impostor server (issue #9, item 8): it learns nothing reusable, and its wipe order is not obeyed.

Through the real CLI (``gridpad enroll``/``gridpad sync`` in a child process, credentials in a file
keyring) against a real ``gridpad-server``, over loopback HTTP and over HTTPS with a throwaway CA.
The impostor (``support.impostor``) is a tiny http.server that answers every request "403 revoked,
wipe" (once with a proof signed by its own key); for HTTPS it holds a certificate from the same
CA, so only the pinned server key tells it apart.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from support.devices import MakeDevice
from support.impostor import UNPROVEN, impostor
from support.live_server import REPO, ServerProcess, TLSFiles, running_server
from support.tls import make_ca, server_cert

from gridpad.store import outbox, repo
from gridpad.store.db import open_store
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client.credentials import DeviceKeys, new_private_key
from gridpad.sync_client.errors import ReenrollNeededError
from sync.server import db


@pytest.fixture(params=["http", "https"])
def tls(request: pytest.FixtureRequest, tmp_path: Path) -> TLSFiles | None:
    if request.param == "http":
        return None
    ca = make_ca(tmp_path / "ca")
    cert = server_cert(ca, tmp_path / "srv")
    return TLSFiles(cert.cert_pem, cert.key_pem, ca.cert_pem)


def _cli(tmp_path: Path, data: Path, *args: str,
         extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'tests'}",
           "PYTHON_KEYRING_BACKEND": "support.file_keyring.FileKeyring",
           "GRIDPAD_TEST_KEYRING_DIR": str(tmp_path / "ring")}
    env.pop("GRIDPAD_ALLOW_HTTP", None)
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "gridpad", "--data-dir", str(data), *args],
                          capture_output=True, text=True, env=env, timeout=120, cwd=REPO)


def _point_at(data: Path, url: str) -> None:
    store = open_store(data / "gridpad.sqlite")
    try:
        DeviceMeta(store).server_url = url
    finally:
        store.close()


@pytest.mark.slow
def test_an_impostor_learns_nothing_and_cannot_wipe_the_tablet(tls: TLSFiles | None, tmp_path: Path) -> None:
    data = tmp_path / "tablet"
    with running_server(tmp_path / "server", tls=tls) as server:
        scope = server.new_scope(users=1)
        bundle = ["--ca-bundle", str(tls.ca_bundle)] if tls else []
        done = _cli(tmp_path, data, "enroll", "--server", server.url, "--code", scope.code, *bundle)
        assert done.returncode == 0, done.stderr
        device_id = done.stdout.split()[2]
        ring = (tmp_path / "ring" / "keyring.json").read_text()
        store = open_store(data / "gridpad.sqlite")
        repo.insert(store, "person", {"grid_id": scope.grid, "name": "刘洋"})  # not yet synced
        store.close()

        with impostor(tls) as fake:
            _point_at(data, fake.url)
            r = _cli(tmp_path, data, "sync")
            assert r.returncode != 0
            assert r.stderr.strip().splitlines() == [f"gridpad sync: the server at {fake.url} {UNPROVEN}"]
            fake.sign_with_own_key = True  # a proof, but not by the key pinned at enrollment
            r = _cli(tmp_path, data, "sync")
            assert r.returncode != 0 and UNPROVEN in r.stderr
            # What it saw: a device id and a fresh nonce, nothing that proves the device elsewhere.
            assert {what.split("?")[0] for what, _ in fake.seen} == {"POST /v1/challenge"}
            assert all(set(json.loads(body)) == {"device_id", "device_nonce"} for _, body in fake.seen)
            private = json.loads(json.loads(ring)[f"gridpad\x1f{device_id}"])["device_key"]
            assert not any(private.encode() in body for _, body in fake.seen)

        store = open_store(data / "gridpad.sqlite")  # nothing was deleted
        assert [p["name"] for p in repo.rows(store, "person")] == ["刘洋"]
        assert outbox.count(store) >= 1
        DeviceMeta(store).server_url = server.url
        store.close()
        assert device_id in (tmp_path / "ring" / "keyring.json").read_text()

        # The enrolled server, after `admin revoke`, proves it: the tablet wipes as before.
        server.admin_cli("revoke", device_id)
        r = _cli(tmp_path, data, "sync")
        assert r.returncode != 0 and r.stderr.startswith("gridpad sync: enrollment revoked")
        assert not (data / "gridpad.sqlite").exists()
        assert device_id not in (tmp_path / "ring" / "keyring.json").read_text()


def test_plain_http_is_refused_except_to_this_machine(tmp_path: Path) -> None:
    data = tmp_path / "tablet"
    r = _cli(tmp_path, data, "enroll", "--server", "http://gridpad.example.invalid:8765", "--code", "AAAA")
    assert r.returncode != 0
    assert r.stderr.strip().splitlines() == [
        "gridpad enroll: refusing plain HTTP to http://gridpad.example.invalid:8765: http:// is allowed "
        "only to this machine (127.0.0.0/8, ::1, localhost); use https://, or set GRIDPAD_ALLOW_HTTP=1 "
        "in a lab"]
    _point_at(data, "http://gridpad.example.invalid:8765")  # an enrolled tablet's sync, too
    store = open_store(data / "gridpad.sqlite")
    DeviceMeta(store).enrolled_device_id = "dev-1"
    store.close()
    keys = DeviceKeys(new_private_key(), DeviceKeys(new_private_key(), "").public_key)
    (tmp_path / "ring" / "keyring.json").write_text(json.dumps({"gridpad\x1fdev-1": keys.to_text()}))
    r = _cli(tmp_path, data, "sync")
    assert r.returncode != 0 and "refusing plain HTTP to http://gridpad.example.invalid:8765" in r.stderr
    # The lab flag lets it through (then the made-up host is simply not there).
    r = _cli(tmp_path, data, "enroll", "--server", "http://gridpad.example.invalid:8765", "--code", "AAAA",
             extra_env={"GRIDPAD_ALLOW_HTTP": "1"})
    assert r.returncode != 0 and "refusing plain HTTP" not in r.stderr and "unreachable" in r.stderr


def test_a_tablet_enrolled_with_a_secret_is_told_to_enroll_again_and_can(server: ServerProcess,
                                                                         make_device: MakeDevice) -> None:
    scope = server.new_scope(users=1)
    a = make_device("a")
    a.enroll(server.url, scope.code)
    # As an older version left it: a bare secret in the keyring, no device key on the server.
    keyring.set_password("gridpad", a.device_id, "an-old-secret")
    with server.engine.begin() as conn:
        conn.execute(db.device_key.delete().where(db.device_key.c.device_id == a.device_id))
    with pytest.raises(ReenrollNeededError, match=r"enroll it again with a new code"):
        a.sync()
    device_id = a.device_id
    a.enroll(server.url, server.fresh_code(scope).code)  # same device id, a new key
    assert a.device_id == device_id
    a.sync()
