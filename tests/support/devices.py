"""In-process tablets for sync tests and benchmarks: each its own data dir and SQLite file, enrolled
against a real server (:mod:`support.live_server`) and synced through the real sync client.

Fixture (registered for every test in tests/conftest.py): ``make_device(name) -> Device`` in the
test's tmp dir, closed afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from gridpad.store import outbox
from gridpad.store.db import Store, open_store
from gridpad.store.device_meta import DeviceMeta
from gridpad.sync_client import enroll as enroll_mod
from gridpad.sync_client.engine import SyncResult, sync_once
from gridpad.sync_client.transport import RetryPolicy
from sync.schema import DELETED, TABLES

FAST_RETRY = RetryPolicy(attempts=4, backoff_s=0.05)


@dataclass
class Device:
    """One tablet: its own data dir and store, enrolled against a server, synced in-process."""

    data_dir: Path
    store: Store = field(init=False)

    def __post_init__(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = open_store(self.data_dir / "gridpad.sqlite")

    def enroll(self, url: str, code: str) -> enroll_mod.Enrollment:
        return enroll_mod.enroll(self.store, url, code, retry=FAST_RETRY)

    def retarget(self, url: str) -> None:
        """Point the device at another address of the same server (e.g. through a proxy)."""
        DeviceMeta(self.store).server_url = url

    def sync(self, **kw: Any) -> SyncResult:
        return sync_once(self.store, data_dir=self.data_dir, retry=kw.pop("retry", FAST_RETRY), **kw)

    @property
    def device_id(self) -> str:
        value = DeviceMeta(self.store).enrolled_device_id
        assert value is not None
        return value

    def outbox_count(self) -> int:
        return outbox.count(self.store)

    def export(self) -> list[tuple[str, str, str]]:
        return export_store(self.store)

    def close(self) -> None:
        self.store.close()


def export_store(store: Store, tables: tuple[str, ...] = tuple(TABLES)) -> list[tuple[str, str, str]]:
    """Every synced row without bookkeeping (``_server_seq``), sorted: ``(table, id, fields json)``."""
    out = []
    for name in tables:
        cols = [*TABLES[name].column_names, DELETED]
        sel = ", ".join(cols)
        for rec in store.db.execute(f"SELECT id, {sel} FROM {name} ORDER BY id"):
            fields = dict(zip(cols, rec[1:], strict=True))
            out.append((name, rec[0], json.dumps(fields, sort_keys=True, ensure_ascii=False)))
    return sorted(out)


#: The ``make_device`` fixture: a new tablet named ``name`` in the test's tmp dir.
MakeDevice = Callable[[str], Device]


@pytest.fixture
def make_device(tmp_path: Path) -> Iterator[MakeDevice]:
    made: list[Device] = []

    def make(name: str) -> Device:
        d = Device(tmp_path / name)
        made.append(d)
        return d

    yield make
    for d in made:
        d.close()  # closing twice (after a wipe) is harmless
