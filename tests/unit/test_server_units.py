"""Server pieces without a process: wire values, checksums, tokens, gzip guard, ranges, plate keys."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest

from sync import doorplate
from sync.protocol import BadValueError, PushRequest, normalise_fields, normalise_value, table_checksum
from sync.schema import TABLES, ColumnType
from sync.server import auth, keys, photos
from sync.server.body_limit import _inflate
from sync.server.refusal import Refused


def test_values_take_the_device_storage_form() -> None:
    assert normalise_value("bool", True) == 1 and normalise_value("bool", 0) == 0
    assert normalise_value("real", 3) == 3.0
    assert normalise_value("json", '[ "灭火器" ]') == normalise_value("json", ["灭火器"]) == '["灭火器"]'
    assert normalise_value("json", {"b": 1, "a": 2}) == '{"a":2,"b":1}'
    bad_values: list[tuple[ColumnType, object]] = [
        ("bool", 2), ("bool", "yes"), ("int", 1.5), ("int", True), ("int", 2**70),
        ("real", float("nan")), ("text", 5), ("json", "{oops"), ("text", "a\x00b")]
    for kind, bad in bad_values:
        with pytest.raises(BadValueError):
            normalise_value(kind, bad)


def test_unknown_columns_and_bad_types_are_named() -> None:
    fields, problems = normalise_fields("building", {"floors_above": "six", "colour": "red",
                                                     "_deleted": 1, "address": "x"})
    assert {(p.field, p.rule) for p in problems} == {("floors_above", "int"), ("colour", "unknown_column")}
    assert fields == {"_deleted": 1, "address": "x"}


def test_batch_limit_is_500() -> None:
    change = {"change_id": 1, "table": "building", "row_id": "r", "op": "update", "fields": {}, "hlc": 1}
    PushRequest.model_validate({"device_id": "d", "changes": [change] * 500})
    with pytest.raises(ValueError):
        PushRequest.model_validate({"device_id": "d", "changes": [change] * 501})


def test_checksum_is_order_free_and_sees_every_difference() -> None:
    rows = [(f"id{i}", False, {"grid_id": "G", "address": f"路{i}号", "floors_above": i, "regulated": 1,
                               "fire_facilities": '["灭火器"]'}) for i in range(20)]
    base = table_checksum("building", rows)
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    assert table_checksum("building", shuffled) == base and base.count == 20
    # Storage-form differences that mean the same value do not count…
    same = [(i, d, {**f, "regulated": True, "fire_facilities": ["灭火器"], "road": None}) for i, d, f in rows]
    assert table_checksum("building", same) == base
    # …real differences do: a value, a tombstone, a missing row.
    changed = [*rows[:-1], (rows[-1][0], False, {**rows[-1][2], "floors_above": 99})]
    deleted = [*rows[:-1], (rows[-1][0], True, rows[-1][2])]
    for other in (changed, deleted, rows[:-1]):
        assert table_checksum("building", other) != base


def test_tokens_expire_and_cannot_be_forged() -> None:
    key = b"k" * 32
    token, expires = auth.make_token(key, "dev-1", now_ms=1000, ttl_ms=500)
    assert expires == 1500 and auth.read_token(key, token, 1499) == "dev-1"
    with pytest.raises(auth.TokenError, match="expired"):
        auth.read_token(key, token, 1500)
    with pytest.raises(auth.TokenError):
        auth.read_token(b"x" * 32, token, 1000)
    _body, _, sig = token.partition(".")
    other, _ = auth.make_token(key, "dev-2", now_ms=1000)
    with pytest.raises(auth.TokenError):
        auth.read_token(key, other.partition(".")[0] + "." + sig, 1000)
    for junk in ("", ".", "abc", "a.b.c", "!!!.???"):
        with pytest.raises(auth.TokenError):
            auth.read_token(key, junk, 1000)


def test_enrollment_codes_are_typable() -> None:
    code = auth.new_code()
    assert len(code) == 19 and code.count("-") == 3 and not set(code) & set("01IO")
    assert auth.normalise_code(code.lower().replace("-", " ")) == code.replace("-", "")


def test_gzip_inflate_is_capped() -> None:
    assert _inflate(gzip.compress(b"hello"), 10) == b"hello"
    assert _inflate(gzip.compress(b"\0" * 10_000_000), 5 * 1024 * 1024) is None
    import zlib
    with pytest.raises(zlib.error):
        _inflate(gzip.compress(b"hello world")[:-6], 100)


def test_content_range() -> None:
    assert photos.parse_range(None, 10) == (0, 10)
    assert photos.parse_range("bytes 10-19/100", 10) == (10, 100)
    for bad in ("bytes 10-9/100", "bytes 0-9/5", "bytes=0-9/10", "bytes 0-8/10", "bytes */10"):
        with pytest.raises(Refused):
            photos.parse_range(bad, 10)


def test_plate_keys_rotate_and_old_plates_stay_valid(tmp_path: Path) -> None:
    key_id, key = keys.load_or_create_signing_key(tmp_path)
    assert keys.load_or_create_signing_key(tmp_path)[0] == key_id  # stable across restarts
    bid = "0190f3a4-1c2b-7d3e-8f4a-5b6c7d8e9f01"
    old_plate = doorplate.make_payload(bid, key, key_id)
    new_id = keys.rotate_signing_key(tmp_path)
    assert new_id != key_id and keys.load_or_create_signing_key(tmp_path)[0] == new_id
    published = keys.public_keys(tmp_path)
    assert set(published) == {key_id, new_id}
    assert (tmp_path / "plate_keys" / f"{key_id}.pem").stat().st_mode & 0o077 == 0
    # What a tablet receives in EnrollResponse (JSON text) checks plates of both keys offline.
    received = json.loads(json.dumps(published))
    new_plate = doorplate.make_payload(bid, keys.load_or_create_signing_key(tmp_path)[1], new_id)
    for plate, signer in ((old_plate, key_id), (new_plate, new_id)):
        check = doorplate.verify(plate, received)
        assert (check.status, check.building_id, check.key_id) == (doorplate.PlateStatus.VALID, bid, signer)


def test_migrate_adds_new_columns_and_refuses_a_newer_database(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from sync.server import db

    engine = db.make_engine(f"sqlite:///{tmp_path / 's.sqlite3'}")
    db.migrate(engine)
    with engine.begin() as conn:  # as if the database predates a column sync.schema gained since
        conn.exec_driver_sql('ALTER TABLE building DROP COLUMN "lat"')
        conn.exec_driver_sql('ALTER TABLE ledger DROP COLUMN "digest"')  # before issue #9
        conn.exec_driver_sql('ALTER TABLE device DROP COLUMN "max_hlc"')
    db.migrate(engine)
    assert "lat" in {c["name"] for c in sa.inspect(engine).get_columns("building")}
    assert "digest" in {c["name"] for c in sa.inspect(engine).get_columns("ledger")}
    assert "max_hlc" in {c["name"] for c in sa.inspect(engine).get_columns("device")}
    with engine.begin() as conn:
        conn.execute(db.server_meta.update().values(value=str(db.SCHEMA_VERSION + 1)))
    with pytest.raises(db.NewerDatabaseError, match="upgrade the server"):
        db.migrate(engine)
    engine.dispose()


def test_checksums_use_stored_digests_and_recompute_stale_ones(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from sync import hlc, merge
    from sync.server import central, db, push, reads

    engine = db.make_engine(f"sqlite:///{tmp_path / 's.sqlite3'}")
    db.migrate(engine)
    with db.write_tx(engine) as conn:
        conn.execute(db.app_user.insert().values(name="u", role="manager"))
        conn.execute(db.user_grid.insert().values(user_name="u", grid_id="G"))
        conn.execute(db.device.insert().values(id="dev", user_name="u", secret_hash="x", enrolled_at_ms=0))
    now = hlc.now_ms()
    changes = [{"change_id": i + 1, "table": "building", "row_id": f"b{i}", "op": "insert", "hlc": now << 16,
                "fields": {"grid_id": "G", "address": f"路{i}号", "regulated": 1, "floors_above": i + 1}}
               for i in range(6)]
    changes.append({"change_id": 7, "table": "building", "row_id": "b0", "op": "delete",
                    "hlc": (now << 16) + 1, "base_seq": 1, "fields": {"_deleted": 1}})
    req = PushRequest.model_validate({"device_id": "dev", "changes": changes})
    with db.write_tx(engine) as conn:
        push.apply_batch(conn, "dev", push.check_batch(req, "dev", now), req, now)
    with db.write_tx(engine) as conn:  # a central write: no digest of its own
        central.write_row(conn, seqs := db.SeqAllocator(conn), "building", "b1", {"address": "中心改"},
                          merge.Author(now << 16, central.SERVER_DEVICE))
        seqs.save()

    b = db.synced["building"]
    cols = [b.c.id, b.c.deleted, *(b.c[c] for c in TABLES["building"].column_names)]

    def fresh() -> dict[str, object]:
        with db.read_tx(engine) as conn:
            rows = conn.execute(sa.select(*cols)).all()
        names = TABLES["building"].column_names
        return table_checksum("building", [(r[0], bool(r[1]), dict(zip(names, r[2:], strict=True)))
                                           for r in rows]).model_dump()

    def served() -> dict[str, object]:
        with db.read_tx(engine) as conn:
            return reads.checksums(conn, {"G"}).tables["building"].model_dump()

    assert served() == fresh() and fresh()["count"] == 6
    with db.write_tx(engine) as conn:  # a stored digest is trusted while its seq is the row's…
        conn.execute(b.update().where(b.c.id == "b2").values(digest="0" * 64))
    assert served() != fresh()
    with db.write_tx(engine) as conn:  # …and recomputed once the row was written again
        conn.execute(b.update().where(b.c.id == "b2").values(digest_seq=-1))
    assert served() == fresh()
    engine.dispose()
