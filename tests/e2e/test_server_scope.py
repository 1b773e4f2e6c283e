"""Scope: a device reads and writes only its grids, as the database says at request time."""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.live_server import Api, ServerProcess, building, uid

from sync import hlc
from sync.server import admin, db


def test_devices_never_cross_grids(server: ServerProcess) -> None:
    """Random (device, grid, record, action) triples: allowed exactly when the grid is the device's."""
    t = uid()[:8].upper()
    grids = [f"S{t}{i}" for i in range(3)]
    for g in grids:
        admin.add_grid(server.engine, g, f"网格{g}")
    holdings = [{grids[0]}, {grids[1], grids[2]}, {grids[0], grids[2]}]
    devices: list[Api] = []
    for i, held in enumerate(holdings):
        admin.add_user(server.engine, f"scope{t}{i}", "manager", sorted(held))
        api = Api(server.url)
        assert api.enroll(admin.issue_code(server.engine, f"scope{t}{i}", hlc.now_ms())).status_code == 200
        devices.append(api)
    # One existing building per grid, made by a device holding it.
    existing = {}
    for g in grids:
        owner = next(d for d, held in zip(devices, holdings, strict=True) if g in held)
        bid = uid()
        assert owner.push([owner.change("building", bid, "insert", building(g))]).status_code == 200
        existing[g] = bid

    @given(st.integers(0, 2), st.integers(0, 2), st.sampled_from(["insert", "update", "delete", "pull"]))
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(d: int, g: int, action: str) -> None:
        dev, grid, allowed = devices[d], grids[g], grids[g] in holdings[d]
        if action == "pull":
            rows, _ = dev.pull_all()
            assert {r["fields"]["grid_id"] for r in rows} <= holdings[d]
            assert {existing[x] for x in holdings[d]} <= {r["id"] for r in rows}
            return
        if action == "insert":
            change = dev.change("building", uid(), "insert", building(grid))
        elif action == "update":
            change = dev.change("building", existing[grid], "update", {"name": f"n{uid()[:6]}"})
        else:
            change = dev.change("building", uid(), "delete", {"_deleted": 1, "grid_id": grid})
        r = dev.push([change])
        if allowed:
            assert r.status_code == 200, r.text
        else:
            assert r.status_code == 403 and r.json()["error"] == "out_of_scope", r.text

    try:
        check()
        # A write with a foreign grid_id on a row of one's own grid is refused too.
        d0 = devices[0]
        r = d0.push([d0.change("building", existing[grids[0]], "update", {"grid_id": grids[1]})])
        assert r.status_code == 422 and r.json()["error"] == "grid_change"
    finally:
        for dev in devices:
            dev.close()


def test_scope_is_read_from_the_database_at_request_time(server: ServerProcess) -> None:
    scope = server.new_scope(grids=2)
    api = Api(server.url)
    try:
        assert api.enroll(scope.code).status_code == 200
        keep, drop = scope.grids
        bid = uid()
        assert api.push([api.change("building", bid, "insert", building(drop))]).status_code == 200
        with db.write_tx(server.engine) as conn:
            conn.execute(sa.delete(db.user_grid).where(db.user_grid.c.user_name == scope.user,
                                                       db.user_grid.c.grid_id == drop))
        # The same token, no re-enrollment: the grid is gone for reads and writes at once.
        rows, _ = api.pull_all()
        assert {r["fields"]["grid_id"] for r in rows} == {keep}
        r = api.push([api.change("building", bid, "update", {"name": "x"})])
        assert r.status_code == 403
        assert api.get("/v1/me").json()["grids"] == [keep]
    finally:
        api.close()
