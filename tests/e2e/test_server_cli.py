"""The ``gridpad-server admin`` commands IT uses, as child processes against the running server's database."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from support.live_server import Api, ServerProcess, building, tag, uid

from gridpad.qr.decode import decode
from sync import doorplate


def test_it_sets_up_a_town_enrolls_and_revokes_a_tablet(server: ServerProcess, tmp_path: Path) -> None:
    t = tag()
    cli = server.admin_cli
    cli("town", "add", f"T{t}", "--name", "虎门镇")
    cli("village", "add", f"V{t}", "--name", "赤岗社区", "--town", f"T{t}")
    cli("grid", "add", f"G{t}", "--name", "赤岗第一网格", "--village", f"V{t}")
    cli("user", "add", f"李{t}", "--role", "manager", "--grids", f"G{t}")
    png = tmp_path / "code.png"
    out = cli("enroll-code", f"李{t}", "--png", str(png), "--server", server.url).stdout
    code = out.strip().splitlines()[-1]
    assert png.stat().st_size > 100 and "█" in out  # a QR code on the terminal and in a file
    api = Api(server.url)
    try:
        assert api.enroll(code).status_code == 200
        assert api.enrollment["grids"] == [f"G{t}"]
        rows, _ = api.pull_all()
        grid = next(r for r in rows if r["table"] == "grid")
        assert grid["fields"]["village_name"] == "赤岗社区" and grid["fields"]["town_code"] == f"T{t}"
        bid = uid()
        assert api.push([api.change("building", bid, "insert", building(f"G{t}"))]).status_code == 200
        pdf = tmp_path / "plates.pdf"
        cli("plates", "--grid", f"G{t}", "--out", str(pdf))
        assert pdf.read_bytes().startswith(b"%PDF")
        png = tmp_path / "plate.png"
        cli("plates", "--grid", f"G{t}", "--out", str(png))
        [text] = decode(Image.open(png))
        check = doorplate.verify(text, api.enrollment["plate_public_keys"])
        assert check.ok and check.building_id == bid  # the printed plate scans as this building

        fleet = cli("devices").stdout.splitlines()
        [line] = [x for x in fleet if x.startswith(api.device_id)]
        cols = line.split("\t")
        assert cols[1] == f"李{t}" and cols[3] == "active" and cols[4] != "never"

        cli("revoke", api.device_id)
        r = api.get("/v1/pull")
        assert r.status_code == 403 and r.json()["wipe"] is True
        assert "revoked" in next(x for x in cli("devices").stdout.splitlines() if x.startswith(api.device_id))
    finally:
        api.close()


def test_bad_admin_input_is_one_line_and_nonzero(server: ServerProcess) -> None:
    t = tag()
    server.admin_cli("grid", "add", f"G{t}", "--name", "x")
    for args, words in [
        (("grid", "add", f"G{t}", "--name", "again"), "already exists"),
        (("user", "add", f"u{t}", "--role", "manager", "--grids", f"G{t},NOPE{t}"), f"no grid NOPE{t}"),
        (("enroll-code", f"ghost{t}"), f"no user ghost{t}"),
        (("revoke", "no-such-device"), "no device"),
        (("grid", "add", "X" * 65, "--name", "long"), "1-64 characters"),
        (("grid", "add", "有空格 的", "--name", "x"), "1-64 characters"),
        (("village", "add", f"V{t}", "--name", "v", "--town", f"none{t}"), "no town"),
    ]:
        done = server.admin_cli(*args, check=False)
        assert done.returncode != 0 and words in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
