"""Rules import-linter cannot see, checked on the source: ``Store._conn`` is private to
``gridpad.store`` (a private attribute is no import), and ``DeviceMeta`` alone spells the keys of
the ``meta`` table. Each checker takes the tree's root, so a copy of the tree can be checked too."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Where code that might reach a Store lives (tests too: they use ``store.db`` and ``Store.executemany``).
SCANNED = ("gridpad", "sync", "bench", "scripts", "tests")
STORE = Path("gridpad/store")
CONNECTION_ATTRS = {"conn", "_conn"}
#: The store's own modules that may call the meta primitives: the table's owner and db.py (the
#: database's own id, made when the file is created).
META_OWNERS = {Path("gridpad/store/device_meta.py"), Path("gridpad/store/db.py")}
_TEXT_CONN = re.compile(r"\._?conn\b")


def _files(root: Path) -> list[Path]:
    out: list[Path] = []
    for top in SCANNED:
        base = root / top
        if base.is_dir():
            out += [p for p in sorted(base.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    return out


def _receiver(node: ast.expr) -> str:
    return ast.unparse(node)


def connection_uses(root: Path) -> list[str]:
    """``x.conn`` / ``x._conn`` / ``getattr(x, "conn")`` outside gridpad/store, as ``path:line: code``.

    A class's own attribute (``self.conn``: sync/server wraps SQLAlchemy connections so) is not a
    Store's; every other receiver is reported, whatever it is named."""
    found: list[str] = []
    for path in _files(root):
        rel = path.relative_to(root)
        if rel.is_relative_to(STORE):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix != ".py":
            found += [f"{rel}:{n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1)
                      if _TEXT_CONN.search(line)]
            continue
        hits: list[ast.expr] = []
        for node in ast.walk(ast.parse(text, str(rel))):
            attribute = isinstance(node, ast.Attribute) and node.attr in CONNECTION_ATTRS \
                and _receiver(node.value) != "self"
            by_name = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("getattr", "setattr") and len(node.args) >= 2 \
                and isinstance(node.args[1], ast.Constant) and node.args[1].value in CONNECTION_ATTRS
            if attribute or by_name:
                assert isinstance(node, ast.expr)
                hits.append(node)
        hits.sort(key=lambda n: (n.lineno, n.col_offset))
        found += [f"{rel}:{n.lineno}: {ast.unparse(n)}" for n in hits]
    return found


def meta_primitive_uses(root: Path) -> list[str]:
    """Calls of ``get_meta``/``set_meta`` in gridpad outside the meta table's owners."""
    found: list[str] = []
    for path in sorted((root / "gridpad").rglob("*.py")):
        rel = path.relative_to(root)
        if rel in META_OWNERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(rel))):
            if isinstance(node, ast.Attribute) and node.attr in ("get_meta", "set_meta"):
                found.append(f"{rel}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_nothing_outside_the_store_touches_its_connection() -> None:
    offenders = connection_uses(ROOT)
    assert offenders == [], "Store._conn is private to gridpad/store; use gridpad.app, a store " \
        "module, store.db or Store.executemany:\n" + "\n".join(offenders)


def test_the_meta_table_is_read_and_written_through_device_meta_only() -> None:
    offenders = meta_primitive_uses(ROOT)
    assert offenders == [], "use gridpad.store.device_meta.DeviceMeta:\n" + "\n".join(offenders)


def test_the_checks_find_what_they_forbid(tmp_path: Path) -> None:
    ui = tmp_path / "gridpad" / "ui"
    ui.mkdir(parents=True)
    (ui / "sneaky.py").write_text(
        "def wipe(store):\n"
        "    store.conn.execute('DELETE FROM person')\n"
        "    ctx.db._store._conn.execute('DELETE FROM unit')\n"
        "    getattr(store, '_conn')\n"
        "    store.set_meta('grids', '[]')\n", encoding="utf-8")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "task").write_text("python -c 'open_store(p).conn.execute(1)'\n",
                                               encoding="utf-8")
    store = tmp_path / "gridpad" / "store"
    store.mkdir()
    (store / "repo.py").write_text("def get(store):\n    return store._conn.execute('SELECT 1')\n",
                                   encoding="utf-8")
    server = tmp_path / "sync" / "server"
    server.mkdir(parents=True)
    (server / "push.py").write_text("class Batch:\n    def run(self):\n        self.conn.execute(1)\n",
                                    encoding="utf-8")

    assert connection_uses(tmp_path) == [
        "gridpad/ui/sneaky.py:2: store.conn",
        "gridpad/ui/sneaky.py:3: ctx.db._store._conn",
        "gridpad/ui/sneaky.py:4: getattr(store, '_conn')",
        "scripts/task:1: python -c 'open_store(p).conn.execute(1)'",
    ]
    assert meta_primitive_uses(tmp_path) == ["gridpad/ui/sneaky.py:5: store.set_meta"]


def test_every_meta_key_is_documented() -> None:
    from gridpad.store.device_meta import KEYS

    doc = (ROOT / "docs" / "internals.md").read_text(encoding="utf-8")
    assert [k for k in KEYS if f"`{k}`" not in doc] == []


if __name__ == "__main__":  # tests/unit/test_contracts_have_teeth.py runs this on a copied tree
    import sys

    offenders = connection_uses(Path.cwd()) + meta_primitive_uses(Path.cwd())
    print("\n".join(offenders) or "no store connection or meta primitive used outside the store")
    sys.exit(1 if offenders else 0)
