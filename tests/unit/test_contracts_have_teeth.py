"""The layer contracts fail when broken: each forbidden change is injected into a copy of the tree
and the check that guards it must refuse it, naming the rule (a contract that cannot fail guards
nothing)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Injection:
    name: str
    path: str
    code: str
    check: str  # a key of CHECKS
    expect: str  # what the failing check must print (the rule's name)


#: The commands CI runs for each kind of rule, run in the copied tree.
CHECKS: dict[str, list[str]] = {
    "imports": [str(BIN / "lint-imports"), "--no-cache"],
    "banned-api": [str(BIN / "ruff"), "check", "--no-cache", "--select", "TID251", "--quiet", "."],
    "dependencies": [sys.executable, "tests/unit/test_declared_dependencies.py"],
    "store-internals": [sys.executable, "tests/unit/test_layering.py"],
}

UI_CONTRACT = "The UI reaches the store only through gridpad.app and the read-only views"

INJECTIONS = [
    Injection("Qt in config", "gridpad/config.py", "import PySide6\n",
              "imports", "Only gridpad.ui imports Qt BROKEN"),
    Injection("Qt in config (ruff)", "gridpad/config.py", "import PySide6\n",
              "banned-api", "TID251"),
    Injection("Qt widgets in the CLI", "gridpad/cli/gui.py", "from PySide6.QtWidgets import QApplication\n",
              "imports", "Only gridpad.ui imports Qt BROKEN"),
    Injection("a store write module in the UI", "gridpad/ui/today_screen.py",
              "from gridpad.store import repo\n", "imports", f"{UI_CONTRACT} BROKEN"),
    Injection("the sync client in the UI", "gridpad/ui/sync_screen.py", "import gridpad.sync_client.engine\n",
              "imports", f"{UI_CONTRACT} BROKEN"),
    Injection("the store's connection from the UI", "gridpad/ui/today_screen.py",
              "def _wipe(store):\n    store.conn.execute('DELETE FROM person')\n",
              "store-internals", "gridpad/ui/today_screen.py"),
    Injection("the store's private connection from the UI", "gridpad/ui/registry_screen.py",
              "def _wipe(store):\n    store._conn.execute('DELETE FROM person')\n",
              "store-internals", "gridpad/ui/registry_screen.py"),
    Injection("a meta key spelled outside DeviceMeta", "gridpad/app/device.py",
              "def _grids(store):\n    return store.get_meta('grids')\n",
              "store-internals", "gridpad/app/device.py"),
    Injection("a store write path in the CLI", "gridpad/cli/search.py",
              "from gridpad.store import repo\n", "imports", "The CLI writes through gridpad.app BROKEN"),
    Injection("SQL in the UI", "gridpad/ui/today_screen.py", "import sqlite3\n",
              "imports", "Only gridpad.store talks to SQLite BROKEN"),
    Injection("SQL in core", "gridpad/core/masking.py", "import sqlite_utils\n",
              "imports", "Only gridpad.store talks to SQLite BROKEN"),
    Injection("network in the store", "gridpad/store/repo.py", "import requests\n",
              "imports", "Store holds no network code BROKEN"),
    Injection("shared sync imports the server", "sync/merge.py", "import sync.server.app\n",
              "imports", "Only the server and the demo launcher import sync.server BROKEN"),
    Injection("the sync contract imports the app", "sync/protocol.py", "import gridpad.core.masking\n",
              "imports", "The sync contract never imports the app BROKEN"),
    Injection("undeclared dependency in the rules", "sync/rules/records.py", "import reportlab\n",
              "dependencies", "sync.rules.records imports reportlab"),
]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The checkout's files (tracked and new, as git sees them) copied to a scratch dir."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    dest = tmp_path_factory.mktemp("tree")
    for rel in filter(None, listed):
        src = ROOT / rel
        if src.is_file() and src.suffix in {".py", ".toml", ".cfg", ".ini"}:
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    yield dest


def run_check(tree: Path, check: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(CHECKS[check], cwd=tree, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_the_untouched_tree_passes(tree: Path, check: str) -> None:
    result = run_check(tree, check)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("injection", INJECTIONS, ids=lambda i: i.name)
def test_a_forbidden_change_fails_its_check(tree: Path, injection: Injection) -> None:
    target = tree / injection.path
    original = target.read_text(encoding="utf-8")
    target.write_text(original + "\n" + injection.code, encoding="utf-8")
    try:
        result = run_check(tree, injection.check)
    finally:
        target.write_text(original, encoding="utf-8")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert injection.expect in output, output
