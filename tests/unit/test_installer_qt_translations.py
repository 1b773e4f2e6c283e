"""The installer bundles Qt's own Chinese (file dialogs' "Look in:" → "查找范围：") where the app
looks for it first, next to its own translation (issue 10.12)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from PySide6.QtCore import QTranslator

from gridpad.ui.i18n import qt_catalog, qt_translation_dirs
from gridpad.ui.resources import I18N

ROOT = Path(__file__).resolve().parents[2]


def _build_installer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_installer", ROOT / "build_installer.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bundle_carries_qts_chinese_next_to_ours(tmp_path: Path) -> None:
    args = _build_installer().pyinstaller_args(tmp_path / "dist", tmp_path / "build", None, False)
    data = [args[i + 1] for i, a in enumerate(args) if a == "--add-data"]
    qt = [d for d in data if Path(d.split(":")[0]).name == f"{qt_catalog('zh_CN')}.qm"]
    assert len(qt) == 1 and qt[0].endswith(":resources/i18n")  # where the app looks first
    source = Path(qt[0].split(":")[0])
    translator = QTranslator()
    assert translator.load(str(source))
    assert translator.translate("QFileDialog", "Look in:") == "查找范围："
    assert qt_translation_dirs()[0] == I18N
