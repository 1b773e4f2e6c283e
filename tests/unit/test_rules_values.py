"""One definition of a valid value (issue #9 items 1, 2, 7): what the device accepts at entry, the
server's push accepts; per-column caps come from the schema; pulled rows never crash the pull."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridpad.store import remote, repo, validation
from gridpad.store.db import open_store
from gridpad.store.errors import ValidationFailed
from sync import hlc
from sync.protocol import Change
from sync.rules.values import check_id
from sync.schema import ADDRESS_MAX, NAME_MAX, NOTE_MAX, TABLES
from sync.server.push import _check_change

_any_char = st.characters(codec="utf-8", exclude_categories=["Cs"])
_values = st.one_of(
    st.none(), st.booleans(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-(2**70), 2**70),
    st.text(_any_char, max_size=30), st.text(_any_char, min_size=95, max_size=260),
    st.sampled_from(["2024-02-30", "2024-02-29", "1", "[1, 2]", '{"a": "\\u0000"}', "NaN", "Infinity"]),
    st.recursive(st.one_of(st.none(), st.integers(), st.floats(), st.text(_any_char, max_size=4)),
                 lambda inner: st.one_of(st.lists(inner, max_size=3),
                                         st.dictionaries(st.text(max_size=3), inner, max_size=3)),
                 max_leaves=6),
)
_columns = st.sampled_from([(t.name, c.name) for t in TABLES.values() if not t.server_owned
                            for c in t.columns if c.name != "grid_id"])


@settings(max_examples=400, deadline=None)
@given(column=_columns, value=_values)
def test_what_the_device_accepts_the_server_accepts(column: tuple[str, str], value: Any) -> None:
    table, name = column
    record, errors = validation.check(table, {name: value}, partial=True)
    if errors:
        assert all(e.message.startswith(f"{e.field}:") and "\n" not in e.message for e in errors)
        return
    # The change as the outbox would hold it: the stored value, as JSON text and back.
    fields = json.loads(json.dumps(record, allow_nan=False))
    change = Change(change_id=1, table=table, row_id="r-1", op="update", fields=fields,
                    hlc=hlc.send(0, hlc.now_ms()))
    _, problems = _check_change(change, hlc.now_ms())
    assert problems == [], (record, problems)


@pytest.mark.parametrize(("column", "cap"), [
    (("person", "name"), NAME_MAX), (("building", "address"), ADDRESS_MAX), (("tenancy", "note"), NOTE_MAX),
    (("person", "occupation"), 200), (("building", "fire_facilities"), 10_000), (("person", "grid_id"), 64),
])
def test_caps_come_from_the_schema_and_both_sides_enforce_them(column: tuple[str, str], cap: int) -> None:
    table, name = column
    assert TABLES[table].column(name).max_length == cap
    long = "a" * (cap + 1) if name != "fire_facilities" else json.dumps(["a" * cap])
    errors = validation.check(table, {name: long}, partial=True)[1]
    assert [e.rule for e in errors] in (["text.too_long"], ["json.too_long"], ["id.length"])
    change = Change(change_id=1, table=table, row_id="r-1", op="update", fields={name: long},
                    hlc=hlc.send(0, hlc.now_ms()))
    assert [p.rule for p in _check_change(change, hlc.now_ms())[1]] == [errors[0].rule]


def test_the_id_rule_is_the_servers() -> None:
    assert check_id("018f2c1e-7d3a-7b1c-9f00-0a1b2c3d4e5f") is None
    assert check_id("44190011900103") is None
    for bad in ("a b", "张三", "x" * 65, "", "a\x00"):
        assert check_id(bad) is not None
        with pytest.raises(ValueError):
            Change(change_id=1, table="person", row_id=bad, op="insert", fields={}, hlc=1)


def test_a_form_cannot_insert_a_row_the_server_would_refuse(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.sqlite") as store:
        with pytest.raises(ValidationFailed) as exc:
            repo.insert(store, "person", {"grid_id": "g1", "name": "张\x00三"})
        assert [e.rule for e in exc.value.errors] == ["text.nul"]
        with pytest.raises(ValidationFailed) as exc:
            repo.insert(store, "person", {"grid_id": "g1", "name": "张三"}, id="张三的编号")
        assert [e.rule for e in exc.value.errors] == ["id.format"]
        with pytest.raises(ValidationFailed) as exc:
            repo.insert(store, "unit", {"grid_id": "g1", "building_id": "b1", "room_no": "1",
                                        "area_m2": float("inf")})
        assert [e.rule for e in exc.value.errors] == ["number.not_finite"]


def test_a_pulled_row_that_cannot_be_stored_is_skipped_not_fatal(tmp_path: Path) -> None:
    with open_store(tmp_path / "g.sqlite") as store:
        rows = [
            {"table": "person", "id": "p-ok", "server_seq": 1, "fields": {"grid_id": "g1", "name": "张三"}},
            {"table": "person", "id": "p-bad", "server_seq": 2,
             "fields": {"grid_id": "g1", "name": {"not": "text"}, "occupation": 2**70}},
            {"table": "person", "id": "坏 id", "server_seq": 3, "fields": {"grid_id": "g1", "name": "李四"}},
        ]
        assert remote.apply_rows(store, rows, cursor=3) == 1
        assert repo.get(store, "person", "p-ok") is not None
        assert repo.get(store, "person", "p-bad") is None
        assert remote.cursor(store) == 3  # the pull goes on past them


def test_a_whole_number_beyond_64_bits_is_refused_in_a_real_column_too() -> None:
    """SQLite stores a Python int as a 64-bit integer whatever the column: a bigger one in a real
    column used to pass the value rules and fail at the INSERT (found by the property test)."""
    errors = validation.check("unit", {"area_m2": 2**64}, partial=True)[1]
    assert [(e.field, e.rule) for e in errors] == [("area_m2", "number.range")]
    assert validation.check("unit", {"area_m2": 2.0**64}, partial=True)[1] == []  # a real that big is fine
