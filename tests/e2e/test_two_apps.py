"""Two tablets and the centre, all real processes: a tenant registered through the app's widgets on
tablet A reaches tablet B.

- ``gridpad-server serve`` subprocess on 127.0.0.1 (tests/support/live_server.py);
- two ``gridpad`` data dirs, each enrolled with ``gridpad enroll`` (subprocess) for the same grid,
  with a test-only file keyring per tablet (the product uses the OS keyring);
- tablet A gets a building and a room with ``gridpad apply`` and ``gridpad sync``;
- tablet A's app (a headless GridPad process, two_apps_gui_driver.py) opens the building card,
  registers a tenant with the tenant form, and presses Sync now on the sync screen;
- tablet B runs ``gridpad sync``; ``gridpad search`` and ``gridpad export`` on B show the tenant.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.live_server import REPO, ServerProcess

from sync.rules.idnumber import make_resident_id

pytestmark = pytest.mark.slow
HERE = Path(__file__).resolve().parent


def _env(keyring_dir: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen",
            "PYTHON_KEYRING_BACKEND": "tests.support.file_keyring.FileKeyring",
            "GRIDPAD_TEST_KEYRING_DIR": str(keyring_dir)}


def gridpad(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "gridpad", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=_env(data_dir.parent / f"{data_dir.name}-keys"),
                          cwd=REPO, timeout=120, check=False)
    if check:
        assert done.returncode == 0, f"gridpad {' '.join(args)}: {done.stderr}"
    return done


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path / "server").start()
    yield proc
    proc.stop()


def test_a_tenant_registered_in_one_app_appears_in_the_other(server: ServerProcess, tmp_path: Path) -> None:
    scope = server.new_scope(users=2)
    a, b = tmp_path / "tablet-a", tmp_path / "tablet-b"
    gridpad(a, "enroll", "--server", server.url, "--code", scope.codes[0])
    gridpad(b, "enroll", "--server", server.url, "--code", scope.codes[1])

    building, unit = str(uuid.uuid4()), str(uuid.uuid4())
    edits = tmp_path / "place.jsonl"
    edits.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in (
        {"table": "building", "id": building, "op": "upsert",
         "fields": {"grid_id": scope.grid, "address": "东莞市长安镇乌沙社区兴业路18号"}},
        {"table": "unit", "id": unit, "op": "upsert",
         "fields": {"grid_id": scope.grid, "building_id": building, "room_no": "302", "floor": 3}},
    )) + "\n", encoding="utf-8")
    gridpad(a, "apply", str(edits))
    gridpad(a, "sync")

    id_number = make_resident_id("441900", dt.date(1988, 8, 8), 15)
    app = subprocess.run(
        [sys.executable, str(HERE / "two_apps_gui_driver.py"), str(a), building, "302", id_number,
         "赵晓明", "13700001111"],
        capture_output=True, text=True, env=_env(tmp_path / "tablet-a-keys"), cwd=REPO, timeout=180,
        check=False)
    assert app.returncode == 0, app.stderr[-3000:]
    seen = json.loads(app.stdout.strip().splitlines()[-1])
    assert seen["shown_name"] == "赵*明"  # the app showed the new resident masked
    assert seen["pushed"] >= 2  # person + tenancy went out through the app's Sync now
    assert seen["strip"] == "Waiting to sync: 0"

    gridpad(b, "sync")
    hits = [json.loads(line) for line in gridpad(b, "search", "赵晓明").stdout.splitlines() if line.strip()]
    assert any(h.get("kind") == "person" for h in hits), hits
    assert id_number not in json.dumps(hits, ensure_ascii=False)  # search output stays masked

    exported = [json.loads(line) for line in gridpad(b, "export").stdout.splitlines() if line.strip()]
    people = [r for r in exported if r["table"] == "person" and r["fields"].get("name") == "赵晓明"]
    assert len(people) == 1
    person = people[0]
    assert person["fields"]["grid_id"] == scope.grid
    tenancies = [r for r in exported
                 if r["table"] == "tenancy" and r["fields"].get("person_id") == person["id"]]
    assert [(t["fields"]["unit_id"], t["fields"]["building_id"]) for t in tenancies] == [(unit, building)]
