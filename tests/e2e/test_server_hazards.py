"""The central side of hazards through a real ``gridpad-server``: staff accounts made by the admin
command, password sign-in, and the workflow through ``/v1/hazards`` and ``admin hazard``.

Devices do not report hazards yet (that comes with inspections): each test records the report as
a grid manager's event directly in the server's database (:func:`sync.server.hazards.report`,
checked by the same rules), then drives the central side through the API and the command line.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from support.live_server import ServerProcess, tag

from sync import hlc
from sync.rules.hazard_deadlines import Level
from sync.rules.hazard_workflow import Actor, Role
from sync.server import db, hazards

PASSWORD = "Huimen-Centre-2026!"


@dataclass(frozen=True)
class Town:
    """Two towns, one grid in the first, a fire department and a housing department, and a centre
    user of each town and a user of each department (all with :data:`PASSWORD`)."""

    t: str
    town: str
    other_town: str
    grid: str
    fire: str
    housing: str
    centre: str
    other_centre: str
    firefighter: str
    builder: str


def _password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password.txt"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def _setup(server: ServerProcess, tmp_path: Path) -> Town:
    t = tag()
    cli, pw = server.admin_cli, str(_password_file(tmp_path))
    s = Town(t, f"T{t}", f"U{t}", f"G{t}", f"消防救援{t}", f"住建{t}", f"centre{t}", f"centre2{t}",
             f"fire{t}", f"housing{t}")
    cli("town", "add", s.town, "--name", "虎门镇")
    cli("town", "add", s.other_town, "--name", "长安镇")
    cli("village", "add", f"V{t}", "--name", "赤岗社区", "--town", s.town)
    cli("grid", "add", s.grid, "--name", "赤岗第一网格", "--village", f"V{t}")
    cli("org", "add", s.fire, "--town", s.town)
    cli("org", "add", s.housing)
    cli("user", "add", s.centre, "--role", "centre", "--town", s.town, "--password-file", pw)
    cli("user", "add", s.other_centre, "--role", "centre", "--town", s.other_town, "--password-file", pw)
    cli("user", "add", s.firefighter, "--role", "department", "--org", s.fire, "--password-file", pw)
    cli("user", "add", s.builder, "--role", "department", "--org", s.housing, "--password-file", pw)
    return s


def _report(server: ServerProcess, s: Town) -> str:
    """FS-02 (e-bike charging indoors) failed: reported by the grid's manager, level 较大."""
    reporter = Actor(user=f"manager{s.t}", role=Role.MANAGER, grids=frozenset({s.grid}))
    new = hazards.NewHazard(grid_id=s.grid, town=s.town, level=Level.MAJOR, category="消防安全",
                            department=s.fire, item_id="FS-02", note="电动车在楼道内充电，房东拒绝整改")
    return hazards.report(server.engine, new, reporter, hlc.now_ms())


class Staff:
    """A centre or department user's HTTP client, signed in with name and password."""

    def __init__(self, server: ServerProcess, name: str, password: str = PASSWORD) -> None:
        self.http = httpx.Client(base_url=server.url, timeout=30)
        self.signed_in = self.http.post("/v1/staff/token", json={"name": name, "password": password})
        token = self.signed_in.json().get("token", "") if self.signed_in.status_code == 200 else ""
        self.headers = {"Authorization": f"Bearer {token}"}

    def list(self, **params: str) -> list[dict[str, Any]]:
        r = self.http.get("/v1/hazards", params=params, headers=self.headers)
        assert r.status_code == 200, r.text
        hazards_: list[dict[str, Any]] = r.json()["hazards"]
        return hazards_

    def show(self, hazard_id: str) -> httpx.Response:
        return self.http.get(f"/v1/hazards/{hazard_id}", headers=self.headers)

    def act(self, hazard_id: str, action: str, note: str = "", **params: Any) -> httpx.Response:
        body: dict[str, Any] = {"action": action, "note": note, "params": params}
        return self.http.post(f"/v1/hazards/{hazard_id}/actions", json=body, headers=self.headers)


@pytest.fixture
def staff_clients() -> Iterator[list[Staff]]:
    made: list[Staff] = []
    yield made
    for client in made:
        client.http.close()


def test_centre_dispatches_to_the_fire_department_which_signs_in_and_feeds_back(
        server: ServerProcess, tmp_path: Path, staff_clients: list[Staff]) -> None:
    s = _setup(server, tmp_path)
    hid = _report(server, s)
    centre, fire = Staff(server, s.centre), Staff(server, s.firefighter)
    staff_clients += [centre, fire]
    assert centre.signed_in.status_code == 200, centre.signed_in.text
    assert centre.signed_in.json()["role"] == "centre" and centre.signed_in.json()["town"] == s.town

    [listed] = [h for h in centre.list() if h["id"] == hid]
    assert (listed["status"], listed["item"], listed["category"], listed["level"]) == \
        ("REPORTED", "FS-02", "消防安全", "MAJOR")
    assert listed["deadline_stage"] == "accept" and listed["deadline_due_ms"] > listed["created_at_ms"]
    assert fire.list() == []  # nothing dispatched to the department yet

    shown = centre.show(hid).json()
    assert shown["allowed_actions"] == ["accept", "reject", "return", "supervise", "expedite"]
    assert [e["action"] for e in shown["timeline"]] == ["report"]

    r = centre.act(hid, "accept")
    assert r.status_code == 200, r.text
    r = centre.act(hid, "dispatch", "请于期限内处置", department=s.fire)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["handler"], r.json()["deadline_stage"]) == \
        ("DISPATCHED", s.fire, "handle")

    [mine] = fire.list()
    assert mine["id"] == hid and mine["status"] == "DISPATCHED"
    assert fire.show(hid).json()["allowed_actions"] == ["sign_in", "send_back"]
    r = fire.act(hid, "sign-in")
    assert r.status_code == 200, r.text
    r = fire.act(hid, "feedback", "已清理楼道电动车，房东签署承诺书", completion="substantive")
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "HANDLED" and done["completion"] == "substantive"
    assert done["deadline_stage"] == "verify"  # now the tablet's on-site verification runs
    assert [(e["action"], e["user"], e["org"]) for e in done["timeline"]] == [
        ("report", f"manager{s.t}", None), ("accept", s.centre, None), ("dispatch", s.centre, None),
        ("sign_in", s.firefighter, s.fire), ("feedback", s.firefighter, s.fire)]
    assert [h["status"] for h in centre.list(status="HANDLED") if h["id"] == hid] == ["HANDLED"]

    # The state is the fold of the stored events, and the cached row agrees with it.
    with db.read_tx(server.engine) as conn:
        stored = conn.execute(sa.select(db.hazard_event.c.action).where(db.hazard_event.c.hazard_id == hid)
                              .order_by(db.hazard_event.c.seq)).scalars().all()
        cached = conn.execute(sa.select(db.hazard.c.state).where(db.hazard.c.id == hid)).scalar()
    assert stored == ["report", "accept", "dispatch", "sign_in", "feedback"] and cached == "HANDLED"


def test_another_department_and_another_towns_centre_are_refused(
        server: ServerProcess, tmp_path: Path, staff_clients: list[Staff]) -> None:
    s = _setup(server, tmp_path)
    hid = _report(server, s)
    centre, fire = Staff(server, s.centre), Staff(server, s.firefighter)
    builder, stranger = Staff(server, s.builder), Staff(server, s.other_centre)
    staff_clients += [centre, fire, builder, stranger]
    assert centre.act(hid, "accept").status_code == 200
    assert centre.act(hid, "dispatch", department=s.fire).status_code == 200

    r = builder.act(hid, "sign_in")
    assert r.status_code == 403 and r.json()["error"] == "hazard.territory", r.text
    assert builder.show(hid).status_code == 404 and builder.list() == []

    r = stranger.act(hid, "supervise", supervision="red")
    assert r.status_code == 403 and r.json()["error"] == "hazard.territory", r.text
    assert stranger.show(hid).status_code == 404 and hid not in {h["id"] for h in stranger.list()}

    # Sent back (not its duty): the fire department still sees what it once held, but may not act.
    assert fire.act(hid, "sign_in").status_code == 200
    r = fire.act(hid, "dispatch", department=s.housing)
    assert r.status_code == 403 and r.json()["error"] == "hazard.role"
    assert r.json()["allowed_actions"] == ["extension_request", "feedback"]
    # Nothing refused reached the timeline.
    timeline = centre.show(hid).json()["timeline"]
    assert [e["action"] for e in timeline] == ["report", "accept", "dispatch", "sign_in"]


def test_an_illegal_transition_names_the_state_and_the_allowed_actions(
        server: ServerProcess, tmp_path: Path, staff_clients: list[Staff]) -> None:
    s = _setup(server, tmp_path)
    hid = _report(server, s)
    centre = Staff(server, s.centre)
    staff_clients.append(centre)

    r = centre.act(hid, "close")
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["error"] == "hazard.transition" and body["state"] == "REPORTED"
    assert body["allowed_actions"] == ["accept", "reject", "return", "supervise", "expedite"]
    assert "REPORTED" in body["reason"] and "accept, reject, return" in body["reason"]

    r = centre.act(hid, "reject")  # a rejection needs its reason
    assert r.status_code == 422 and r.json()["error"] == "hazard.param" and "note" in r.json()["reason"]
    r = centre.act(hid, "accept")
    assert r.status_code == 200
    r = centre.act(hid, "dispatch", department="no such department")
    assert r.status_code == 422 and r.json()["error"] == "hazard.unknown_department", r.text
    r = centre.act(hid, "fly")
    assert r.status_code == 422 and r.json()["error"] == "hazard.unknown_action"

    # Two centre users' stale views: the one the server orders second is refused with why.
    first = centre.http.post(f"/v1/hazards/{hid}/actions", headers=centre.headers,
                             json={"action": "dispatch", "params": {"department": s.fire}, "seen": 2})
    assert first.status_code == 200, first.text
    second = centre.http.post(f"/v1/hazards/{hid}/actions", headers=centre.headers,
                              json={"action": "dispatch", "params": {"department": s.housing}, "seen": 2})
    assert second.status_code == 409 and second.json()["error"] == "hazard.stale", second.text
    assert second.json()["state"] == "DISPATCHED"
    assert centre.show(hid).json()["handler"] == s.fire


def test_admin_hazard_commands_check_as_user_like_the_api(server: ServerProcess, tmp_path: Path) -> None:
    s = _setup(server, tmp_path)
    hid = _report(server, s)
    cli = server.admin_cli

    listed = json.loads(cli("hazard", "list", "--grid", s.grid, "--json").stdout)
    assert [(h["id"], h["status"], h["item"], h["category"]) for h in listed] == \
        [(hid, "REPORTED", "FS-02", "消防安全")]

    done = cli("hazard", "act", hid, "accept", "--as", s.other_centre, check=False)
    assert done.returncode == 1 and "outside your territory" in done.stderr
    cli("hazard", "act", hid, "accept", "--as", s.centre)
    cli("hazard", "act", hid, "dispatch", "--as", s.centre, "--org", s.fire)
    done = cli("hazard", "act", hid, "sign-in", "--as", s.builder, check=False)
    assert done.returncode == 1 and "outside your territory" in done.stderr
    done = cli("hazard", "act", hid, "close", "--as", s.firefighter, check=False)
    assert done.returncode == 1 and "[hazard.role]" in done.stderr and "state DISPATCHED" in done.stderr
    assert "you may: sign_in, send_back" in done.stderr
    cli("hazard", "act", hid, "sign-in", "--as", s.firefighter)
    cli("hazard", "act", hid, "extension-request", "--as", s.firefighter, "--days", "3",
        "--note", "需业主配合")
    # Without --as: the server administrator, who may take centre and department actions.
    out = cli("hazard", "act", hid, "extension-approve", "--days", "2",
              "--note", "同意延期").stdout
    assert "now IN_PROGRESS" in out
    cli("hazard", "act", hid, "supervise", "--level", "yellow")

    shown = json.loads(cli("hazard", "show", hid, "--json").stdout)
    assert shown["status"] == "IN_PROGRESS" and shown["extension_days"] == 2
    assert shown["supervision"] == "yellow"
    assert shown["timeline"][-2]["role"] == "admin" and shown["timeline"][-2]["params"] == {"days": 2}
    text = cli("hazard", "show", hid).stdout
    assert "extension_approve" in text and "deadline (handle)" in text
    assert [h["id"] for h in json.loads(cli("hazard", "list", "--status", "IN_PROGRESS", "--grid", s.grid,
                                            "--json").stdout)] == [hid]
    done = cli("hazard", "list", "--status", "NOPE", check=False)
    assert done.returncode == 1 and "--status: one of" in done.stderr


def test_staff_accounts_are_checked_when_added(server: ServerProcess, tmp_path: Path) -> None:
    s = _setup(server, tmp_path)
    cli, pw = server.admin_cli, str(_password_file(tmp_path))
    refused = {
        ("user", "add", s.centre, "--role", "manager", "--grids", s.grid): f"user {s.centre} already exists",
        ("user", "add", f"d{s.t}", "--role", "department", "--org", s.fire, "--town", s.town,
         "--password-file", pw): "a department user needs --org NAME (and no --town",
        ("user", "add", f"d{s.t}", "--role", "department", "--org", f"无此部门{s.t}",
         "--password-file", pw): f"no organisation 无此部门{s.t}",
        ("user", "add", f"c{s.t}", "--role", "centre", "--town", s.town, "--grids", s.grid,
         "--password-file", pw): "has no grids",
        ("user", "add", f"c{s.t}", "--role", "centre", "--town", s.town): "no terminal to ask it on",
        ("org", "add", s.fire): f"organisation {s.fire} already exists",
    }
    for args, message in refused.items():
        done = cli(*args, check=False)
        assert done.returncode == 1 and message in done.stderr, (args, done.stderr)
    short = tmp_path / "short.txt"
    short.write_text("short\n", encoding="utf-8")
    done = cli("user", "add", f"c{s.t}", "--role", "centre", "--town", s.town, "--password-file", str(short),
               check=False)
    assert done.returncode == 1 and "password: at least 10 characters" in done.stderr


def test_passwords_stay_out_of_logs_process_lists_and_the_database(
        server: ServerProcess, tmp_path: Path, staff_clients: list[Staff]) -> None:
    s = _setup(server, tmp_path)
    done = server.admin_cli("user", "add", f"x{s.t}", "--role", "centre", "--town", s.town,
                            "--password", PASSWORD, check=False)
    # Never on the command line ("--password" is not short for --password-file), nor echoed back.
    assert done.returncode == 1 and "never on the command line" in done.stderr and PASSWORD not in done.stderr
    done = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True)
    assert PASSWORD not in done.stdout

    wrong = Staff(server, s.centre, "not the password")
    staff_clients.append(wrong)
    assert wrong.signed_in.status_code == 401 and wrong.signed_in.json()["error"] == "bad_credentials"
    nobody = Staff(server, f"nobody{s.t}", PASSWORD)
    staff_clients.append(nobody)
    assert nobody.signed_in.status_code == 401  # the same answer for an unknown name
    for _ in range(4):
        staff_clients.append(Staff(server, s.centre, "still wrong"))
    locked = Staff(server, s.centre)  # the right password, but after 5 failures
    staff_clients.append(locked)
    assert locked.signed_in.status_code == 429 and "try again in" in locked.signed_in.json()["reason"]
    ok = Staff(server, s.firefighter)  # another name is not locked
    staff_clients.append(ok)
    assert ok.signed_in.status_code == 200

    assert PASSWORD not in server.log_tail() and "still wrong" not in server.log_tail()
    with db.read_tx(server.engine) as conn:
        stored = conn.execute(sa.select(db.staff_user.c.password_hash)
                              .where(db.staff_user.c.name == s.centre)).scalar()
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_staff_token_is_not_a_device_token(server: ServerProcess, tmp_path: Path,
                                             staff_clients: list[Staff]) -> None:
    s = _setup(server, tmp_path)
    centre = Staff(server, s.centre)
    staff_clients.append(centre)
    r = centre.http.get("/v1/pull", headers=centre.headers)
    assert r.status_code == 401 and r.json()["error"] == "unknown_device"
    r = centre.http.get("/v1/hazards", headers={"Authorization": "Bearer forged.token"})
    assert r.status_code == 401


def test_concurrent_actions_are_ordered_and_the_losers_told_why(
        server: ServerProcess, tmp_path: Path, staff_clients: list[Staff]) -> None:
    s = _setup(server, tmp_path)
    hid = _report(server, s)
    clients = [Staff(server, s.centre) for _ in range(6)]
    staff_clients += clients

    def accept(client: Staff) -> httpx.Response:
        return client.http.post(f"/v1/hazards/{hid}/actions", headers=client.headers,
                                json={"action": "accept", "seen": 1})

    with ThreadPoolExecutor(len(clients)) as pool:
        answers = list(pool.map(accept, clients))
    assert sorted(r.status_code for r in answers) == [200, 409, 409, 409, 409, 409], [r.text for r in answers]
    for r in answers:
        if r.status_code == 409:
            body = r.json()
            assert body["error"] in ("hazard.stale", "hazard.transition") and body["state"] == "ACCEPTED"
    timeline = clients[0].show(hid).json()["timeline"]
    assert [e["action"] for e in timeline] == ["report", "accept"]
