"""Form drafts: nothing typed is lost on an error, on switching screens or on a crash.

Each open form writes its values (debounced, on every change) to ``<data dir>/drafts/<key>.json``
and deletes it after a successful save. Files are written atomically (temp file + rename), so a
crash mid-write leaves the previous draft. Drafts hold what the user typed, including ID numbers,
so they live beside the database in the same private data dir and are never logged.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


class Drafts:
    def __init__(self, data_dir: Path) -> None:
        self.directory = data_dir / "drafts"

    def _path(self, key: str) -> Path:
        return self.directory / f"{_SAFE.sub('_', key)}.json"

    def save(self, key: str, values: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._path(key)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(values, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)

    def load(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def discard(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list_keys(self) -> list[str]:
        if not self.directory.exists():
            return []
        return sorted(p.stem for p in self.directory.glob("*.json"))
