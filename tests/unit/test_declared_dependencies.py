"""The `sync` package installs with no Qt and no app, the app with no server: what each part
imports must be declared by the distribution's dependencies (base) or by the extra of that part."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]

#: Which requirement lists (``base`` = [project].dependencies, else an optional extra) declare the
#: third-party imports of each part of `sync`. The longest matching prefix wins.
PARTS: dict[str, tuple[str, ...]] = {
    "sync": ("base",),
    "sync.labels": ("base", "labels"),
    "sync.server": ("base", "server"),
    "gridpad": ("base", "app"),
}


def _dist_name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def declared(pyproject: Path, lists: tuple[str, ...]) -> set[str]:
    """Distribution names in those requirement lists, following ``gridpad[extra]`` self-references."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    extras: dict[str, list[str]] = project.get("optional-dependencies", {})
    names: set[str] = set()
    todo = list(lists)
    seen: set[str] = set()
    while todo:
        which = todo.pop()
        if which in seen:
            continue
        seen.add(which)
        for req in project["dependencies"] if which == "base" else extras.get(which, []):
            name = _dist_name(req)
            if name == project["name"]:
                todo.extend(x.strip() for x in req.split("[", 1)[1].split("]", 1)[0].split(","))
            else:
                names.add(name)
    return names


def undeclared_imports(root: Path) -> list[str]:
    """One line per third-party import of `sync` or `gridpad` not declared for its part."""
    graph = grimp.build_graph("sync", "gridpad", include_external_packages=True, cache_dir=None)
    to_dists = {k: {d.lower().replace("_", "-") for d in v} for k, v in packages_distributions().items()}
    problems = []
    for module in sorted(graph.modules):
        if module.split(".")[0] not in PARTS:
            continue
        part = max((p for p in PARTS if module == p or module.startswith(p + ".")), key=len)
        allowed = declared(root / "pyproject.toml", PARTS[part])
        for target in sorted(graph.find_modules_directly_imported_by(module)):
            top = target.split(".")[0]
            if top in PARTS or top in sys.stdlib_module_names or top == "__future__":
                continue
            dists = to_dists.get(top, {top})
            if not dists & allowed:
                problems.append(f"{module} imports {top} ({', '.join(sorted(dists))}), "
                                f"not declared for {part} by {', '.join(PARTS[part])}")
    return problems


def test_sync_imports_only_what_its_part_declares() -> None:
    assert undeclared_imports(ROOT) == []


def test_the_check_sees_an_undeclared_import(tmp_path: Path) -> None:
    """The base list does not declare reportlab: a rule module importing it must be reported."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert "reportlab" not in declared(pyproject, ("base",))
    assert "reportlab" in declared(pyproject, ("base", "labels"))
    assert {"fastapi", "pydantic"} <= declared(pyproject, ("base", "server"))


if __name__ == "__main__":  # used by tests/unit/test_contracts_have_teeth.py on a copied tree
    found = undeclared_imports(Path.cwd())
    print("\n".join(found) or "sync's imports are all declared")
    sys.exit(1 if found else 0)
