"""Property (issue #9 "done when"): arbitrary values thrown at the device's entry points (``apply``
lines, the repository insert every form uses) and then a sync with a real gridpad-server. Every value
is either refused at entry with a one-line message naming the field, or accepted by the server; the
outbox never jams; nothing raises.

``GRIDPAD_PROPERTY_EXAMPLES`` raises the example count for a soak run (60 in CI).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.devices import Device
from support.live_server import ServerProcess, uid

from gridpad.app.registry_files import apply_edit_lines
from gridpad.store import outbox, repo
from gridpad.store.errors import ValidationFailed

EXAMPLES = int(os.environ.get("GRIDPAD_PROPERTY_EXAMPLES", "60"))

#: (table, column under test, the other fields a new row needs besides grid_id)
TARGETS: list[tuple[str, str, dict[str, Any]]] = [
    ("person", "name", {}),
    ("person", "hukou_address", {"name": "张三"}),
    ("person", "phone", {"name": "张三"}),
    ("building", "lat", {"address": "金龙路1号"}),
    ("building", "floors_above", {"address": "金龙路1号"}),
    ("building", "fire_facilities", {"address": "金龙路1号"}),
    ("building", "landlord_id", {"address": "金龙路1号"}),
    ("organisation", "name", {}),
]

_any_char = st.characters(codec="utf-8", exclude_categories=["Cs"])
_text = st.one_of(st.text(_any_char, max_size=40), st.text(_any_char, min_size=90, max_size=320),
                  st.sampled_from(["a\x00b", "\x1b[31m", "x" * 2001, " ", "张三", "13800138000"]))
_number = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(2**70), 2**70),
                    st.sampled_from([1e299, 1e300, 1e301, 2**63 - 1, 2**63, -(2**63)]))
_json = st.recursive(st.one_of(st.none(), st.booleans(), _number, _text),
                     lambda inner: st.one_of(
                         st.lists(inner, max_size=3),
                         st.dictionaries(st.text(_any_char, max_size=5), inner, max_size=3)),
                     max_leaves=8)
_values = st.one_of(_text, _number, _json, st.booleans())
_ids = st.one_of(st.just(""), st.text(_any_char, min_size=1, max_size=80),
                 st.text("abcXYZ019_.:-", min_size=1, max_size=70))


@pytest.fixture
def device(server: ServerProcess, tmp_path: Path) -> Iterator[tuple[Device, str]]:
    """One tablet for all the examples of a run (examples share it: the outbox must stay clear)."""
    scope = server.new_scope(users=1)
    d = Device(tmp_path / "tablet")
    d.enroll(server.url, scope.codes[0])
    d.sync()
    yield d, scope.grid
    d.close()


def _one_line_naming(message: str, field: str) -> bool:
    return "\n" not in message and bool(message.strip()) and (field in message or "id" in message)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(TARGETS), value=_values, odd_id=_ids, use_odd_id=st.booleans(),
       path=st.sampled_from(["apply", "repo"]))
def test_any_value_is_refused_at_entry_or_accepted_by_the_server(
        device: tuple[Device, str], target: tuple[str, str, dict[str, Any]], value: Any, odd_id: str,
        use_odd_id: bool, path: str) -> None:
    d, grid = device
    table, column, base = target
    row_id = odd_id if use_odd_id else uid()
    if path == "repo" and row_id and repo.get(d.store, table, row_id) is not None:
        row_id = uid()  # a form always makes a new id; an odd one is tried once
    fields = {"grid_id": grid, **base, column: value}
    before = outbox.count(d.store)
    assert before == 0
    if path == "apply":
        line = json.dumps({"table": table, "id": row_id, "fields": fields}, ensure_ascii=False)
        result = apply_edit_lines(d.store, [line])
        refused = list(result.rejected)
        assert all(_one_line_naming(r, column) for r in refused), refused
    else:
        try:
            repo.insert(d.store, table, fields, id=row_id or None)
            refused = []
        except ValidationFailed as exc:
            refused = [e.message for e in exc.errors]
            assert refused and all(_one_line_naming(e.message, e.field) for e in exc.errors)
    if refused:
        assert outbox.count(d.store) == 0  # refused at entry: nothing waits to be pushed
    d.sync()  # raises if the server refused anything: a value the device let through
    assert outbox.count(d.store) == 0  # the outbox never jams
    if not refused and row_id:
        assert repo.get(d.store, table, row_id) is not None
