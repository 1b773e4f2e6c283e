"""Pull pages are bounded by bytes as well as rows (issue #9, item 7): rows already stored with huge
values (before any field cap) come in several pages of about 4 MiB, and a device still receives
every one of them, exactly."""

from __future__ import annotations

import json

import sqlalchemy as sa
from support.devices import MakeDevice
from support.live_server import ApiFactory, ServerProcess, building, uid

from gridpad.store import repo
from sync.server import db
from sync.server.reads import MAX_PAGE_BYTES

BIG = 1024 * 1024  # characters per huge value


def test_large_rows_are_split_over_pages_and_all_arrive(server: ServerProcess, api_factory: ApiFactory,
                                                        make_device: MakeDevice) -> None:
    scope = server.new_scope()
    api = api_factory(scope)
    people = [uid() for _ in range(12)]
    houses = [uid() for _ in range(12)]
    changes = []
    for i, (p, h) in enumerate(zip(people, houses, strict=True)):
        changes.append(api.change("building", h, "insert", building(scope.grid)))
        changes.append(api.change("person", p, "insert", {"grid_id": scope.grid, "name": f"住户{i}"}))
    r = api.push(changes)
    assert r.status_code == 200, r.text
    # Values far beyond any cap, written straight into the server's database: rows stored before the
    # caps existed (or by the central system) must still move.
    big = {("person", p): f"{i}" + "名" * BIG for i, p in enumerate(people)}
    big |= {("building", h): f"{i}" + "路" * BIG for i, h in enumerate(houses)}
    with server.engine.begin() as conn:
        for (table, row_id), value in big.items():
            column = "name" if table == "person" else "address"
            t = db.synced[table]
            conn.execute(t.update().where(t.c.id == row_id).values({column: value, "digest": None}))

    pages, since, seen = [], 0, []
    while True:
        r = api.get("/v1/pull", params={"since": since, "limit": 5000})
        assert r.status_code == 200, r.text[:200]
        page = json.loads(r.content)
        pages.append(len(r.content))
        seen += [(row["table"], row["id"]) for row in page["rows"]]
        assert page["rows"] and page["next_cursor"] == page["rows"][-1]["server_seq"]
        since = page["next_cursor"]
        if not page["more"]:
            break
    one_row = 3 * BIG + 1000  # the largest row's JSON (3 bytes a character in UTF-8)
    assert len(pages) >= 5 and all(size <= MAX_PAGE_BYTES + one_row for size in pages), pages
    assert len(seen) == len(set(seen)) and set(big) <= set(seen)  # each row once, none lost

    device = make_device("new")
    device.enroll(server.url, server.fresh_code(scope).code)
    device.sync()
    for (table, row_id), value in big.items():
        row = repo.get(device.store, table, row_id)
        assert row is not None and row["name" if table == "person" else "address"] == value


def test_one_row_larger_than_a_page_still_moves_alone(server: ServerProcess, api_factory: ApiFactory) -> None:
    scope = server.new_scope()
    api = api_factory(scope)
    ids = [uid() for _ in range(3)]
    r = api.push([api.change("person", i, "insert", {"grid_id": scope.grid, "name": "刘洋"}) for i in ids])
    assert r.status_code == 200, r.text
    t = db.synced["person"]
    with server.engine.begin() as conn:
        huge = "大" * (MAX_PAGE_BYTES // 2)  # 6 MiB of UTF-8: more than a page on its own
        conn.execute(t.update().where(t.c.id == ids[0]).values(name=huge, digest=None))
    rows: list[list[str]] = []
    since, more = 0, True
    while more:
        page = api.get("/v1/pull", params={"since": since}).json()
        rows.append([x["id"] for x in page["rows"] if x["table"] == "person"])
        since, more = page["next_cursor"], page["more"]
    persons = [x for x in rows if x]
    assert persons[0] == [ids[0]] and sorted(i for page in persons[1:] for i in page) == sorted(ids[1:])
    with server.engine.connect() as conn:  # nothing changed on the server by reading
        assert conn.execute(sa.select(sa.func.count()).select_from(t).where(t.c.id.in_(ids))).scalar() == 3
