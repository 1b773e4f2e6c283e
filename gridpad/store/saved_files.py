"""The files the app saved for the user inside the data dir (exports, import error files): listed as
they are written, so a revocation wipe (``gridpad.sync_client.wipe``) removes exactly them and never
a file the user put there."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

#: The files the app saved for the user inside the data dir, one path (relative to it) a line.
LEDGER = "written-files.txt"


def note_written(data_dir: Path, paths: Iterable[Path]) -> list[Path]:
    """Remember the ``paths`` (files the app just wrote for the user) that lie inside ``data_dir``,
    so a wipe removes them; returns the others, which a wipe will not touch."""
    root = Path(data_dir).resolve()
    inside: list[str] = []
    outside: list[Path] = []
    for path in paths:
        full = Path(path).resolve()
        if full.is_relative_to(root):
            inside.append(full.relative_to(root).as_posix())
        else:
            outside.append(Path(path))
    if inside:
        ledger = root / LEDGER
        known = set(ledger.read_text(encoding="utf-8").splitlines()) if ledger.exists() else set()
        with ledger.open("a", encoding="utf-8") as f:
            f.writelines(f"{p}\n" for p in inside if p not in known)
    return outside


def outside_warning(path: Path) -> str:
    return (f"{path} holds ID numbers and phones in clear and is outside the data dir: if this tablet "
            "is revoked, the wipe will not remove it; delete it once it has served")
