"""Issue #9, item 6: photos are scoped to the grids whose records use them, an unfinished upload
belongs to the device that started it, and a photo the server refuses is reported, not left
"waiting" in silence. A real ``gridpad-server``; tablets through the real sync client."""

from __future__ import annotations

import hashlib
import os

import pytest
from support.devices import MakeDevice
from support.live_server import ApiFactory, ServerProcess, uid

from gridpad.store import remote, repo
from gridpad.sync_client.errors import PhotosRefusedError

OCTETS = {"Content-Type": "application/octet-stream"}


def _photo(grid: str, data: bytes) -> dict[str, object]:
    return {"grid_id": grid, "sha256": hashlib.sha256(data).hexdigest(), "mime": "image/jpeg",
            "size_bytes": len(data)}


def test_a_photo_is_seen_only_by_devices_whose_grids_use_it(server: ServerProcess,
                                                            api_factory: ApiFactory) -> None:
    grid_a, grid_b = server.new_scope(), server.new_scope()
    a, b = api_factory(grid_a), api_factory(grid_b)
    a2 = api_factory(server.fresh_code(grid_a))  # another tablet of grid A
    data = os.urandom(5000)
    sha = hashlib.sha256(data).hexdigest()
    assert a.push([a.change("photo", uid(), "insert", _photo(grid_a.grid, data))]).status_code == 200
    r = a.http.put(f"/v1/photos/{sha}", content=data, headers={**a.auth, **OCTETS})
    assert r.status_code == 200 and r.json()["complete"] is True

    assert a2.get(f"/v1/photos/{sha}/content").content == data
    assert a2.get(f"/v1/photos/{sha}").json()["complete"] is True
    unknown = hashlib.sha256(b"never uploaded").hexdigest()
    for path in (f"/v1/photos/{sha}", f"/v1/photos/{sha}/content"):
        foreign = b.get(path)
        absent = b.get(path.replace(sha, unknown))
        assert foreign.status_code == absent.status_code == 404
        assert foreign.json() == absent.json()  # no existence oracle
    assert b.http.head(f"/v1/photos/{sha}", headers=b.auth).status_code == 404
    assert b.http.head(f"/v1/photos/{unknown}", headers=b.auth).status_code == 404
    # Nor does an upload tell grid B that the photo exists: it must send every byte first.
    r = b.http.put(f"/v1/photos/{sha}", content=data[:1],
                   headers={**b.auth, **OCTETS, "Content-Range": f"bytes 0-0/{len(data)}"})
    assert r.status_code == 200 and r.json() == {"sha256": sha, "received": 1, "size": len(data),
                                                 "complete": False}
    # A deleted record no longer gives access.
    [row] = [x for x in a.pull_all()[0] if x["table"] == "photo" and x["fields"]["sha256"] == sha]
    r = a.push([a.change("photo", row["id"], "delete", {"_deleted": 1}, base_seq=row["server_seq"])])
    assert r.status_code == 200
    assert a2.get(f"/v1/photos/{sha}/content").status_code == 404


def test_another_devices_false_upload_does_not_block_the_real_one(
        server: ServerProcess, make_device: MakeDevice, api_factory: ApiFactory) -> None:
    scope = server.new_scope(users=2)
    rogue = api_factory(server.new_scope())  # any enrolled device that learned the hash
    a = make_device("a")
    a.enroll(server.url, scope.codes[0])
    blob = os.urandom(2 * 1024 * 1024 + 5)
    sha = hashlib.sha256(blob).hexdigest()
    # The attack of the issue: start an upload of the known hash with a false size.
    r = rogue.http.put(f"/v1/photos/{sha}", content=b"x",
                       headers={**rogue.auth, **OCTETS, "Content-Range": "bytes 0-0/7"})
    assert r.status_code == 200 and not r.json()["complete"]
    (a.data_dir / "photos").mkdir()
    (a.data_dir / "photos" / sha).write_bytes(blob)
    repo.insert(a.store, "photo", _photo(scope.grid, blob))
    result = a.sync()
    assert result.photos_uploaded == 1 and result.photo_backlog == 0
    assert remote.photo_confirmed(a.store, sha)
    assert rogue.get(f"/v1/photos/{sha}/content").status_code == 404  # and the rogue cannot read it
    assert rogue.get(f"/v1/photos/{sha}").json()["complete"] is False  # only its own false start


@pytest.mark.slow
def test_a_photo_the_server_refuses_is_reported_not_left_waiting(server: ServerProcess,
                                                                 make_device: MakeDevice) -> None:
    scope = server.new_scope()
    a = make_device("a")
    a.enroll(server.url, scope.code)
    blob = os.urandom(50 * 1024 * 1024 + 1)  # over the server's limit: it will never take it
    sha = hashlib.sha256(blob).hexdigest()
    (a.data_dir / "photos").mkdir()
    (a.data_dir / "photos" / sha).write_bytes(blob)
    repo.insert(a.store, "photo", _photo(scope.grid, blob))
    with pytest.raises(PhotosRefusedError) as info:
        a.sync()
    assert str(info.value).startswith(f"rejected by server: 1 photo(s) could not be uploaded and stay "
                                      f"waiting: photo {sha[:12]}: a photo may be at most")
    assert a.outbox_count() == 0  # the record itself went
    assert not remote.photo_confirmed(a.store, sha)
