"""The central server over real HTTP, on SQLite and PostgreSQL: enrollment, tokens, push, pull."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from support.live_server import ApiFactory, ServerProcess, building, uid

from sync import hlc
from sync.doorplate import load_public_key
from sync.protocol import table_checksum, wipe_message
from sync.server import admin


def test_enrollment_gives_credential_once(server: ServerProcess, api_factory: ApiFactory) -> None:
    scope = server.new_scope(grids=2)
    api = api_factory()
    r = api.enroll(scope.code)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["user"] == scope.user and body["role"] == "manager"
    assert sorted(body["grids"]) == sorted(scope.grids)
    assert body["plate_public_keys"] and all(len(k) == 44 for k in body["plate_public_keys"].values())
    me = api.get("/v1/me").json()
    assert me["device_id"] == api.device_id and me["revoked"] is False

    again = api_factory().enroll(scope.code)
    assert again.status_code == 403 and again.json()["error"] == "code_used"
    # Typed with spaces and lower case is still the same (spent) code, not a new one.
    sloppy = api_factory().enroll(scope.code.lower().replace("-", " "))
    assert sloppy.json()["error"] == "code_used"
    assert api_factory().enroll("AAAA-BBBB-CCCC-DDDD").json()["error"] == "bad_code"


def test_expired_code_refused(server: ServerProcess, api_factory: ApiFactory) -> None:
    scope = server.new_scope()
    code = admin.issue_code(server.engine, scope.user, hlc.now_ms() - 10_000, ttl_ms=5_000)
    r = api_factory().enroll(code)
    assert r.status_code == 403 and r.json()["error"] == "code_expired"


def test_wrong_key_replayed_challenge_and_missing_token_refused(server: ServerProcess,
                                                                api_factory: ApiFactory) -> None:
    api = api_factory(server.new_scope())
    # The long-term secret of old is gone: a token needs a signature by the enrolled key.
    r = api.http.post("/v1/token", json={"device_id": api.device_id, "device_secret": "nope"})
    assert r.status_code == 422
    r = api.http.post("/v1/token", json=api.token_request(Ed25519PrivateKey.generate()))
    assert r.status_code == 401 and r.json()["error"] == "bad_signature"
    body = api.token_request()
    assert api.http.post("/v1/token", json=body).status_code == 200
    r = api.http.post("/v1/token", json=body)  # a challenge is good for one token only
    assert r.status_code == 401 and r.json()["error"] == "bad_challenge"
    r = api.http.post("/v1/challenge", json={"device_id": "no-such-device", "device_nonce": "n" * 16})
    assert r.status_code == 401 and r.json()["error"] == "bad_credentials"
    assert api.http.get("/v1/pull").status_code == 401
    forged = api.token[:-3] + ("AAA" if not api.token.endswith("AAA") else "BBB")
    r = api.http.get("/v1/pull", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401 and r.json()["error"] == "bad_token"


def test_push_then_pull_roundtrip(server: ServerProcess, api_factory: ApiFactory) -> None:
    scope = server.new_scope()
    a, b = api_factory(scope), api_factory(server.fresh_code(scope))
    bid = uid()
    fields = building(scope.grids[0], floors_above=6, fire_facilities=json.dumps(["灭火器"]))
    change = a.change("building", bid, "insert", {**fields, "_server_seq": 10**12})
    r = a.push([{**change, "server_seq": 10**12}])  # a client's server_seq is ignored
    assert r.status_code == 200, r.text
    assert r.json()["receipt"] == [1] and r.json()["applied"] == 1 and r.json()["conflicts"] == 0
    rows, cursor = b.pull_all()
    mine = [x for x in rows if x["id"] == bid]
    assert len(mine) == 1 and mine[0]["table"] == "building" and mine[0]["deleted"] is False
    assert mine[0]["fields"]["address"] == fields["address"] and mine[0]["fields"]["floors_above"] == 6
    assert mine[0]["server_seq"] < 10**12
    assert json.loads(mine[0]["fields"]["fire_facilities"]) == ["灭火器"]
    assert any(x["table"] == "grid" and x["id"] == scope.grids[0] for x in rows)
    # Nothing new: an empty page, small on the wire.
    empty = b.get("/v1/pull", params={"since": cursor})
    assert empty.json() == {"rows": [], "next_cursor": cursor, "more": False, "grids": sorted(scope.grids)}
    assert len(empty.content) + sum(len(k) + len(v) + 4 for k, v in empty.headers.items()) < 2048
    # Update from b, based on what it pulled: fast-forward, a's next pull sees it.
    r = b.push([b.change("building", bid, "update", {"floors_above": 7}, base_seq=mine[0]["server_seq"])])
    assert r.json()["conflicts"] == 0
    rows, _ = a.pull_all(cursor)
    assert [x["fields"]["floors_above"] for x in rows if x["id"] == bid] == [7]
    # Delete travels as a tombstone.
    r = a.push([a.change("building", bid, "delete", {"_deleted": 1}, base_seq=rows[-1]["server_seq"])])
    rows, _ = b.pull_all(cursor)
    assert [x["deleted"] for x in rows if x["id"] == bid][-1] is True


def test_replayed_batch_is_a_noop_with_the_same_receipt(server: ServerProcess,
                                                        api_factory: ApiFactory) -> None:
    scope = server.new_scope()
    a = api_factory(scope)
    ids = [uid() for _ in range(3)]
    batch = [a.change("building", i, "insert", building(scope.grids[0])) for i in ids]
    first = a.push(batch)
    assert first.status_code == 200
    _, cursor = a.pull_all()
    again = a.push(batch)
    assert again.status_code == 200
    assert again.json()["receipt"] == first.json()["receipt"]
    assert again.json()["applied"] == first.json()["applied"] == 3
    rows, _ = a.pull_all(cursor)
    assert rows == []  # nothing was written the second time: no new server_seq
    # A batch mixing old and new changes applies only the new one.
    extra = a.change("building", ids[0], "update", {"floors_above": 3}, base_seq=0)
    r = a.push([*batch, extra])
    assert r.json()["receipt"] == [c["change_id"] for c in [*batch, extra]]
    rows, _ = a.pull_all(cursor)
    assert [(x["id"], x["fields"]["floors_above"]) for x in rows] == [(ids[0], 3)]


def test_out_of_order_batches_keep_the_later_write(server: ServerProcess, api_factory: ApiFactory) -> None:
    """Batches arriving out of order (a retry after a later batch) still converge by HLC."""
    scope = server.new_scope()
    a = api_factory(scope)
    b = api_factory(server.fresh_code(scope))
    bid = uid()
    assert a.push([a.change("building", bid, "insert", building(scope.grids[0]))]).status_code == 200
    rows, _ = a.pull_all()
    seq = next(x["server_seq"] for x in rows if x["id"] == bid)
    early = a.change("building", bid, "update", {"name": "early"}, base_seq=seq)
    late = b.change("building", bid, "update", {"name": "late"}, base_seq=seq,
                    hlc_value=early["hlc"] + 1000)
    assert b.push([late]).status_code == 200
    _, cursor = a.pull_all()
    r = a.push([early])
    assert r.json()["conflicts"] == 1 and r.json()["applied"] == 0
    rows, _ = a.pull_all(cursor)  # the row still got a new server_seq although its field lost
    assert [(x["id"], x["fields"]["name"]) for x in rows] == [(bid, "late")]
    conflicts = a.get("/v1/conflicts").json()["conflicts"]
    mine = [c for c in conflicts if c["row_id"] == bid]
    assert len(mine) == 1
    assert mine[0]["kept_value"] == "late" and mine[0]["lost_value"] == "early"
    assert mine[0]["kept"]["device_id"] == b.device_id and mine[0]["lost"]["device_id"] == a.device_id
    # Resolving with the lost value is a new edit everyone pulls.
    r = a.post(f"/v1/conflicts/{mine[0]['id']}/resolve", {"choice": "lost"})
    assert r.status_code == 200 and r.json()["resolved"] is True
    rows, _ = b.pull_all()
    assert next(x for x in rows if x["id"] == bid)["fields"]["name"] == "early"
    assert a.post(f"/v1/conflicts/{mine[0]['id']}/resolve", {"choice": "kept"}).status_code == 409


def test_edit_racing_a_delete_is_kept_for_review_and_can_be_restored(server: ServerProcess,
                                                                     api_factory: ApiFactory) -> None:
    scope = server.new_scope()
    a = api_factory(scope)
    b = api_factory(server.fresh_code(scope))
    bid = uid()
    assert a.push([a.change("building", bid, "insert", building(scope.grids[0]))]).status_code == 200
    rows, _ = b.pull_all()
    seq = next(x["server_seq"] for x in rows if x["id"] == bid)
    assert a.push([a.change("building", bid, "delete", {"_deleted": 1}, base_seq=seq)]).status_code == 200
    r = b.push([b.change("building", bid, "update", {"name": "锦厦花园3栋"}, base_seq=seq)])
    assert r.status_code == 200 and r.json()["conflicts"] == 1
    rows, _ = b.pull_all()
    row = next(x for x in rows if x["id"] == bid)
    assert row["deleted"] is True and row["fields"]["name"] is None  # the tombstone stays
    [c] = [c for c in b.get("/v1/conflicts").json()["conflicts"] if c["row_id"] == bid]
    assert c["kind"] == "delete" and c["lost_value"] == {"name": "锦厦花园3栋"}
    assert c["lost"]["device_id"] == b.device_id and c["kept"]["device_id"] == a.device_id
    assert b.post(f"/v1/conflicts/{c['id']}/resolve", {"choice": "lost"}).status_code == 200
    rows, _ = a.pull_all()
    row = next(x for x in rows if x["id"] == bid)
    assert row["deleted"] is False and row["fields"]["name"] == "锦厦花园3栋"


def test_clock_a_day_ahead_rejects_the_batch(server: ServerProcess, api_factory: ApiFactory) -> None:
    scope = server.new_scope()
    a = api_factory(scope)
    good = a.change("building", uid(), "insert", building(scope.grids[0]))
    ahead = a.change("building", uid(), "insert", building(scope.grids[0]),
                     hlc_value=hlc.pack(hlc.now_ms() + 24 * 3600 * 1000))
    r = a.push([good, ahead])
    assert r.status_code == 422 and r.json()["error"] == "clock_ahead"
    assert r.json()["problems"][0]["change_id"] == ahead["change_id"]
    rows, _ = a.pull_all()
    assert [x for x in rows if x["table"] == "building"] == []  # nothing of the batch was written
    # Four minutes ahead is within tolerance.
    ok = a.change("building", uid(), "insert", building(scope.grids[0]),
                  hlc_value=hlc.pack(hlc.now_ms() + 4 * 60 * 1000))
    assert a.push([ok]).status_code == 200


def test_invalid_values_named_and_nothing_written(server: ServerProcess, api_factory: ApiFactory) -> None:
    scope = server.new_scope()
    a = api_factory(scope)
    pid = uid()
    bad = a.change("person", pid, "insert", {"grid_id": scope.grids[0], "name": "张伟",
                                             "id_number": "441900198702301234", "phone": "12345"})
    unknown = a.change("building", uid(), "update", {"colour": "red", "grid_id": scope.grids[0]})
    r = a.push([bad, unknown])
    assert r.status_code == 422, r.text
    problems = r.json()["problems"]
    assert {p["field"] for p in problems} >= {"id_number", "phone", "colour"}
    assert "441900198702301234" not in r.text  # personal data never echoed
    assert a.pull_all()[0] == [x for x in a.pull_all()[0] if x["table"] == "grid"]


def test_grid_rows_are_read_only_and_grid_changes_refused(server: ServerProcess,
                                                          api_factory: ApiFactory) -> None:
    s1 = server.new_scope(grids=2)
    a = api_factory(s1)
    r = a.push([a.change("grid", s1.grids[0], "update", {"name": "hijacked"}, base_seq=0)])
    assert r.status_code == 403 and r.json()["problems"][0]["rule"] == "read_only_table"
    bid = uid()
    assert a.push([a.change("building", bid, "insert", building(s1.grids[0]))]).status_code == 200
    r = a.push([a.change("building", bid, "update", {"grid_id": s1.grids[1]})])
    assert r.status_code == 422 and r.json()["error"] == "grid_change"


def test_revoked_device_is_refused_and_told_to_wipe(server: ServerProcess, api_factory: ApiFactory) -> None:
    a = api_factory(server.new_scope())
    admin.revoke(server.engine, a.device_id)
    challenge = a.http.post("/v1/challenge", json={"device_id": a.device_id, "device_nonce": "N" * 20})
    for r in (a.get("/v1/pull"), challenge, a.push([])):
        assert r.status_code == 403
        assert r.json()["error"] == "revoked" and r.json()["wipe"] is True
    # Only the challenge carries proof: signed by the identity key pinned at enrollment, over the
    # device's own nonce.
    proof = base64.b64decode(challenge.json()["wipe_proof"])
    load_public_key(a.enrollment["server_key"]).verify(proof, wipe_message(a.device_id, "N" * 20))


def test_checksums_match_what_the_device_computes(server: ServerProcess, api_factory: ApiFactory) -> None:
    scope = server.new_scope()
    a = api_factory(scope)
    changes = [a.change("building", uid(), "insert", building(scope.grids[0], regulated=True))
               for _ in range(5)]
    changes.append(a.change("building", changes[0]["row_id"], "delete", {"_deleted": 1}))
    assert a.push(changes).status_code == 200
    rows, _ = a.pull_all()
    sums = a.get("/v1/checksums").json()["tables"]
    for table in ("building", "grid", "person"):
        mine = [(r["id"], r["deleted"], r["fields"]) for r in rows if r["table"] == table]
        assert sums[table] == table_checksum(table, mine).model_dump()
    assert sums["building"]["count"] == 5


def test_hostile_bodies_get_4xx_and_change_nothing(server: ServerProcess, api_factory: ApiFactory) -> None:
    scope = server.new_scope()
    a = api_factory(scope)
    h = {**a.auth, "Content-Type": "application/json"}
    cases = [
        a.http.post("/v1/push", content=b"{not json", headers=h),
        a.http.post("/v1/push", content=b"\x1f\x8b garbage", headers={**h, "Content-Encoding": "gzip"}),
        a.http.post("/v1/push", content=b"x" * (6 * 1024 * 1024), headers=h),
        a.http.post("/v1/push", content=json.dumps({"device_id": a.device_id, "changes": [
            a.change("building", uid(), "insert", building(scope.grids[0]))] * 501}).encode(), headers=h),
        a.http.post("/v1/push", content=json.dumps({"device_id": "someone-else", "changes": []}).encode(),
                    headers=h),
        a.http.post("/v1/push", content=json.dumps({"device_id": a.device_id, "changes": [
            {**a.change("building", uid(), "insert", building(scope.grids[0], name="a\x00b"))}]}).encode(),
            headers=h),
        a.http.post("/v1/push", content=json.dumps({"device_id": a.device_id, "changes": [
            a.change("nope", uid(), "insert", {"grid_id": scope.grids[0]})]}).encode(), headers=h),
    ]
    import gzip
    import io
    bomb = io.BytesIO()
    with gzip.GzipFile(fileobj=bomb, mode="wb") as gz:
        for _ in range(64):
            gz.write(b"\0" * (1024 * 1024))
    assert len(bomb.getvalue()) < 200_000
    cases.append(a.http.post("/v1/push", content=bomb.getvalue(), headers={**h, "Content-Encoding": "gzip"}))
    # Each refusal names its cause in a code a client can act on, and says it in words.
    assert [(r.status_code, r.json()["error"]) for r in cases] == [
        (422, "invalid_request"), (400, "bad_gzip"), (413, "too_large"), (422, "invalid_request"),
        (403, "wrong_device"), (422, "invalid_change"), (422, "invalid_change"), (413, "too_large")]
    assert "NUL" in cases[5].json()["reason"] and "'nope'" in cases[6].json()["reason"]
    assert all(isinstance(r.json()["reason"], str) and r.json()["reason"].strip() for r in cases)
    assert [x for x in a.pull_all()[0] if x["table"] != "grid"] == []


def test_concurrent_pushes_get_distinct_sequence_numbers(server: ServerProcess,
                                                         api_factory: ApiFactory) -> None:
    """Pushes from several devices at once: every row lands, each with its own server_seq."""
    import concurrent.futures

    scope = server.new_scope()
    devices = [api_factory(server.fresh_code(scope)) for _ in range(4)]
    batches = [[d.change("building", uid(), "insert", building(scope.grids[0])) for _ in range(50)]
               for d in devices]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda db: db[0].push(db[1]), zip(devices, batches, strict=True)))
    assert all(r.status_code == 200 for r in results), [r.text for r in results]
    rows, _ = devices[0].pull_all()
    seqs = [r["server_seq"] for r in rows if r["table"] == "building"]
    assert len(seqs) == 200 and len(set(seqs)) == 200


def test_photo_resumable_upload_verified(server: ServerProcess, api_factory: ApiFactory) -> None:
    import hashlib
    import os

    scope = server.new_scope()
    a = api_factory(scope)
    data = os.urandom(300_000)
    sha = hashlib.sha256(data).hexdigest()
    h = {**a.auth, "Content-Type": "application/octet-stream"}
    photo = {"grid_id": scope.grid, "sha256": sha, "mime": "image/jpeg", "size_bytes": len(data)}
    assert a.push([a.change("photo", uid(), "insert", photo)]).status_code == 200
    r = a.http.put(f"/v1/photos/{sha}", content=data[:100_000], headers={
        **h, "Content-Range": f"bytes 0-99999/{len(data)}"})
    assert r.status_code == 200 and r.json()["received"] == 100_000 and not r.json()["complete"]
    head = a.http.head(f"/v1/photos/{sha}", headers=a.auth)
    assert head.headers["Upload-Offset"] == "100000" and head.headers["Upload-Complete"] == "0"
    r = a.http.put(f"/v1/photos/{sha}", content=data[50_000:60_000], headers={
        **h, "Content-Range": f"bytes 50000-59999/{len(data)}"})
    assert r.status_code == 409 and r.json()["error"] == "wrong_offset"
    r = a.http.put(f"/v1/photos/{sha}", content=data[100_000:], headers={
        **h, "Content-Range": f"bytes 100000-{len(data) - 1}/{len(data)}"})
    assert r.status_code == 200 and r.json()["complete"] is True
    assert a.get(f"/v1/photos/{sha}/content").content == data
    again = a.http.put(f"/v1/photos/{sha}", content=data, headers=h)  # a retry after a lost answer
    assert again.status_code == 200 and again.json()["complete"] is True
    # A file whose bytes do not hash to its name is discarded.
    wrong = hashlib.sha256(b"other").hexdigest()
    r = a.http.put(f"/v1/photos/{wrong}", content=data[:1000], headers=h)
    assert r.status_code == 422 and r.json()["error"] == "hash_mismatch"
    assert a.get(f"/v1/photos/{wrong}").status_code == 404  # nothing of it kept, no record names it


def test_plates_signed_for_own_buildings_only(server: ServerProcess, api_factory: ApiFactory) -> None:
    from sync import doorplate

    s1, s2 = server.new_scope(), server.new_scope()
    a, b = api_factory(s1), api_factory(s2)
    bid = uid()
    assert a.push([a.change("building", bid, "insert", building(s1.grids[0]))]).status_code == 200
    r = a.post("/v1/plates", {"building_ids": [bid]})
    assert r.status_code == 200, r.text
    plate = r.json()["plates"][0]
    check = doorplate.verify(plate["payload"], a.enrollment["plate_public_keys"])
    assert check.ok and check.building_id == bid
    assert b.post("/v1/plates", {"building_ids": [bid]}).status_code == 404


def test_pg_marker_fails_without_database_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """The PostgreSQL suite may not silently skip in CI."""
    from support import live_server

    monkeypatch.delenv("GRIDPAD_TEST_PG_URL", raising=False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        live_server.pg_url()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        live_server.pg_url()

