"""Test-only keyring backend for subprocess tests: one JSON file in $GRIDPAD_TEST_KEYRING_DIR.

Select it with ``PYTHON_KEYRING_BACKEND=tests.support.file_keyring.FileKeyring`` (and the repo on
``PYTHONPATH``). The product never uses it: a real device keeps its secret in the OS keyring.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:  # typed, so tests may set it in-process (keyring's own is not)
        super().__init__()  # type: ignore[no-untyped-call]

    def _file(self) -> Path:
        folder = os.environ.get("GRIDPAD_TEST_KEYRING_DIR")
        if not folder:
            raise RuntimeError("FileKeyring needs GRIDPAD_TEST_KEYRING_DIR (test support only)")
        return Path(folder) / "keyring.json"

    def _load(self) -> dict[str, str]:
        path = self._file()
        return json.loads(path.read_text()) if path.exists() else {}

    def _save(self, items: dict[str, str]) -> None:
        path = self._file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(items))

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\x1f{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        items = self._load()
        items[f"{service}\x1f{username}"] = password
        self._save(items)

    def delete_password(self, service: str, username: str) -> None:
        items = self._load()
        items.pop(f"{service}\x1f{username}", None)
        self._save(items)
