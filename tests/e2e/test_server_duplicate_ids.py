"""Two tablets that register the same ID number offline each make a person (issue 10.2): the
server lists them for review in ``admin check``, per grid, naming the rows and never the number."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from support.devices import MakeDevice
from support.live_server import BACKENDS, backend_url, running_server

from gridpad.store import repo
from sync.rules.idnumber import make_resident_id

CHEN = make_resident_id("110105", date(1949, 12, 31), 2)


@pytest.mark.parametrize("backend", BACKENDS)
def test_admin_check_lists_persons_sharing_an_id_number_in_a_grid(
        backend: str, tmp_path: Path, make_device: MakeDevice) -> None:
    with backend_url(backend) as url, running_server(tmp_path / "server", url) as server:
        scope = server.new_scope(users=2)
        assert server.admin_cli("check", check=False).returncode == 0
        tablets = []
        for name, code in zip(("a", "b"), scope.codes, strict=True):
            tablet = make_device(name)
            tablet.enroll(server.url, code)
            tablet.sync()
            tablets.append(tablet)
        # Offline, each registers the same person; both sync.
        chen = {"grid_id": scope.grid, "name": "陈晓雯", "id_type": "RESIDENT_ID", "id_number": CHEN}
        ids = [repo.insert(t.store, "person", chen) for t in tablets]
        for t in tablets:
            t.sync()
        check = server.admin_cli("check", check=False)
        assert check.returncode == 1, check.stderr
        listed = sorted(tuple(line.split("\t")) for line in check.stdout.splitlines()[1:])
        assert listed == sorted(("person", i, "id_number", "person.duplicate_id_number") for i in ids)
        assert "1 ID number(s) registered to more than one person" in check.stderr
        assert CHEN not in check.stdout + check.stderr
