"""A revoked tablet wipes everything the app wrote in its data dir, the files a user saved there
through the app included (import error files and exports hold ID numbers and phones in clear), and
nothing else; a file saved outside the data dir is announced as the user's to delete (issue #9,
item 14). Real processes: `gridpad enroll/sync/import/export`, `gridpad-server admin revoke`."""

from __future__ import annotations

import csv
from pathlib import Path

from support.cli import gridpad
from support.live_server import ServerProcess

from gridpad.store.saved_files import LEDGER


def test_admin_revoke_then_gridpad_sync_wipes_every_file_the_app_wrote(server: ServerProcess,
                                                                        tmp_path: Path) -> None:
    env = {"PYTHON_KEYRING_BACKEND": "support.file_keyring.FileKeyring",
           "GRIDPAD_TEST_KEYRING_DIR": str(tmp_path / "ring")}
    data = tmp_path / "tablet"
    scope = server.new_scope()
    done = gridpad(data, "enroll", "--server", server.url, "--code", scope.code, env=env)
    assert done.returncode == 0, done.stderr
    device_id = done.stdout.split()[2]  # "enrolled device <id> for …"
    assert gridpad(data, "sync", env=env).returncode == 0

    sheet = tmp_path / "registry.csv"  # the user's own file, outside the data dir
    with sheet.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["姓名", "身份证号", "联系电话", "标准地址", "房号"],
                                 ["刘洋", "110105194912310029", "13800138000", "东莞市测试路1号", "101"],
                                 ["王芳", "110105194912310021", "13900139000", "东莞市测试路1号", "102"]])
    r = gridpad(data, "import", str(sheet), "--grid", scope.grid, "--errors", str(data / "rejected.csv"),
                env=env)
    assert "rejected rows written to" in r.stdout, r.stdout + r.stderr  # the bad check digit
    assert "110105194912310021" in (data / "rejected.csv").read_text(encoding="utf-8-sig")
    for args in (["--format", "csv", "--out", str(data / "exports" / "march")],
                 ["--format", "xlsx", "--out", str(data / "registry.xlsx")],
                 ["--format", "jsonl", "--out", str(data / "registry.jsonl")]):
        r = gridpad(data, "export", *args, env=env)
        assert r.returncode == 0 and "outside the data dir" not in r.stderr, r.stderr
    outside = tmp_path / "registry-copy.xlsx"
    r = gridpad(data, "export", "--format", "xlsx", "--out", str(outside), env=env)
    assert r.returncode == 0
    assert f"gridpad export: note: {outside} holds ID numbers and phones in clear and is outside the " \
           "data dir: if this tablet is revoked, the wipe will not remove it" in r.stderr
    (data / "drafts").mkdir()
    (data / "drafts" / "person-new.json").write_text('{"name": "刘洋"}', encoding="utf-8")
    (data / "ui.json").write_text('{"lang": "zh_CN"}', encoding="utf-8")
    (data / "notes-of-the-user.txt").write_text("mine", encoding="utf-8")  # not the app's: stays
    assert (data / "gridpad.sqlite").exists() and (data / LEDGER).exists()

    server.admin_cli("revoke", device_id)
    r = gridpad(data, "sync", env=env)
    assert r.returncode == 3, r.stderr
    left = sorted(p.relative_to(data).as_posix() for p in data.rglob("*"))
    assert left == ["notes-of-the-user.txt"]
    assert device_id not in (tmp_path / "ring" / "keyring.json").read_text()
    assert outside.exists() and sheet.exists()  # outside the data dir: the user was told
