"""HTTPS end to end: a real ``gridpad-server serve --ssl-certfile/--ssl-keyfile`` on 127.0.0.1 with a
throwaway private CA, and ``gridpad enroll``/``gridpad sync`` subprocesses that must verify it.

The children run with ``REQUESTS_CA_BUNDLE`` set to the public bundle, as on many managed machines:
requests lets that variable override a session's CA setting, so this also guards ``--ca-bundle``
against being silently ignored.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import certifi
import pytest
import sqlalchemy as sa
from support.live_server import REPO, ServerProcess, TLSFiles, running_server
from support.tls import CA, make_ca, server_cert

from gridpad.store import repo
from gridpad.store.db import open_store
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client.errors import CertificateError
from gridpad.sync_client.transport import ServerClient
from sync.protocol import Me
from sync.server import admin

pytestmark = pytest.mark.slow


def _cli(data_dir: Path, *args: str, ring: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'tests'}",
           "PYTHON_KEYRING_BACKEND": "support.file_keyring.FileKeyring",
           "GRIDPAD_TEST_KEYRING_DIR": str(ring), "REQUESTS_CA_BUNDLE": certifi.where()}
    env.pop("CURL_CA_BUNDLE", None)
    return subprocess.run([sys.executable, "-m", "gridpad", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=env, timeout=120, cwd=REPO)


def _user_with_code(server: ServerProcess, tag: str) -> tuple[str, str]:
    grid, user = f"GTLS{tag}", f"tls_{tag}"
    admin.add_grid(server.engine, grid, f"加密网格{tag}")
    admin.add_user(server.engine, user, "manager", [grid])
    return grid, admin.issue_code(server.engine, user, int(time.time() * 1000))


def _assert_refused_for_the_certificate(done: subprocess.CompletedProcess[str], why: str) -> None:
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr  # one plain line, no traceback
    assert "cannot verify the server's certificate" in lines[0]
    assert why in lines[0] and "--ca-bundle" in lines[0]


@pytest.fixture
def ca(tmp_path: Path) -> CA:
    return make_ca(tmp_path / "ca")


@pytest.fixture
def https_server(tmp_path: Path, ca: CA) -> Iterator[ServerProcess]:
    cert = server_cert(ca, tmp_path / "cert")  # SAN: DNS localhost, IP 127.0.0.1
    with running_server(tmp_path / "server", tls=TLSFiles(cert.cert_pem, cert.key_pem, ca.cert_pem)) as s:
        yield s


def test_enroll_and_sync_over_https_with_the_ca_bundle(https_server: ServerProcess, ca: CA,
                                                       tmp_path: Path) -> None:
    assert https_server.url.startswith("https://127.0.0.1:")
    grid, code = _user_with_code(https_server, "ok")
    device, ring = tmp_path / "device", tmp_path / "ring"
    r = _cli(device, "enroll", "--server", https_server.url, "--code", code,
             "--ca-bundle", str(ca.cert_pem), ring=ring)
    assert r.returncode == 0, r.stderr
    assert "enrolled device" in r.stdout
    r = _cli(device, "sync", "--ca-bundle", str(ca.cert_pem), ring=ring)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("pushed 0, pulled ")

    # A record made on the tablet reaches the server over HTTPS; the bundle was remembered at
    # enrollment, so a plain `gridpad sync` (what the app's timer does) needs no flag.
    with open_store(device / "gridpad.sqlite") as store:
        assert DeviceMeta(store).ca_bundle == str(ca.cert_pem.resolve())
        pid = repo.insert(store, "person", {"grid_id": grid, "name": "陈静"})
    r = _cli(device, "sync", ring=ring)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("pushed 1,")
    with https_server.engine.connect() as conn:
        names = conn.execute(sa.text("SELECT name FROM person WHERE id = :id"), {"id": pid}).scalars().all()
    assert names == ["陈静"]


def test_without_the_bundle_enrollment_is_refused_and_the_code_stays_valid(
        https_server: ServerProcess, ca: CA, tmp_path: Path) -> None:
    _, code = _user_with_code(https_server, "nobundle")
    device, ring = tmp_path / "device", tmp_path / "ring"
    r = _cli(device, "enroll", "--server", https_server.url, "--code", code, ring=ring)
    _assert_refused_for_the_certificate(r, "unable to get local issuer certificate")
    # No credential was made (the keyring check before enrolling leaves its file empty).
    assert json.loads((ring / "keyring.json").read_text()) == {}
    assert list(admin.devices(https_server.engine)) == []  # the server saw no enrollment
    r = _cli(device, "sync", ring=ring)
    assert r.returncode != 0 and "not enrolled" in r.stderr

    # Not retried: an untrusted certificate will not become trusted by asking again.
    slept: list[float] = []
    client = ServerClient(https_server.url, sleep=slept.append)
    with pytest.raises(CertificateError, match=r"^cannot verify the server's certificate at https://"):
        client.call("GET", "/v1/me", Me, auth=False)
    client.close()
    assert slept == []

    # The code was never sent, so it still works once IT's bundle is given.
    r = _cli(device, "enroll", "--server", https_server.url, "--code", code,
             "--ca-bundle", str(ca.cert_pem), ring=ring)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("case", ["certificate for another host", "certificate from another CA"])
def test_a_certificate_that_does_not_match_is_refused(case: str, ca: CA, tmp_path: Path) -> None:
    if case == "certificate for another host":
        cert = server_cert(ca, tmp_path / "cert", dns=("grid.example.gov.cn",), ips=())
        why = "IP address mismatch"
    else:
        cert = server_cert(make_ca(tmp_path / "other-ca", "Someone Else's CA"), tmp_path / "cert")
        why = "unable to get local issuer certificate"
    probe_ca = ca.cert_pem if case == "certificate for another host" else tmp_path / "other-ca" / "ca.pem"
    with running_server(tmp_path / "server", tls=TLSFiles(cert.cert_pem, cert.key_pem, probe_ca)) as server:
        _, code = _user_with_code(server, "mismatch")
        device, ring = tmp_path / "device", tmp_path / "ring"
        r = _cli(device, "enroll", "--server", server.url, "--code", code,
                 "--ca-bundle", str(ca.cert_pem), ring=ring)
        _assert_refused_for_the_certificate(r, why)
        assert list(admin.devices(server.engine)) == []


def test_sync_refuses_a_server_whose_certificate_changed_to_another_ca(
        https_server: ServerProcess, ca: CA, tmp_path: Path) -> None:
    """After enrollment, a bundle that no longer matches stops `gridpad sync` with the same reason,
    and the edit waits in the outbox until the right bundle is given."""
    grid, code = _user_with_code(https_server, "later")
    device, ring = tmp_path / "device", tmp_path / "ring"
    r = _cli(device, "enroll", "--server", https_server.url, "--code", code,
             "--ca-bundle", str(ca.cert_pem), ring=ring)
    assert r.returncode == 0, r.stderr
    with open_store(device / "gridpad.sqlite") as store:
        repo.insert(store, "person", {"grid_id": grid, "name": "周敏"})
    wrong = make_ca(tmp_path / "wrong-ca", "Wrong CA")
    r = _cli(device, "sync", "--ca-bundle", str(wrong.cert_pem), ring=ring)
    _assert_refused_for_the_certificate(r, "unable to get local issuer certificate")
    r = _cli(device, "sync", "--ca-bundle", str(ca.cert_pem), ring=ring)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("pushed 1,")


def test_serve_wants_both_tls_files_and_names_a_missing_one(ca: CA, tmp_path: Path) -> None:
    cert = server_cert(ca, tmp_path / "cert")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for args, says in ((["--ssl-certfile", str(cert.cert_pem)], "give both"),
                       (["--ssl-certfile", str(cert.cert_pem), "--ssl-keyfile", str(tmp_path / "nokey.pem")],
                        "--ssl-keyfile: no such file")):
        done = subprocess.run([sys.executable, "-m", "sync.server.cli", "serve", "--data-dir",
                               str(tmp_path / "srv"), *args], capture_output=True, text=True,
                              env=env, cwd=REPO, timeout=60)
        assert done.returncode == 1 and says in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
