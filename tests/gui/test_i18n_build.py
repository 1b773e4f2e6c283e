"""Translations are build products: the app never compiles a .ts, and a missing .qm for the chosen
language is an error the user sees, never a silent English UI."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from gridpad.ui import i18n
from gridpad.ui.resources import I18N


@pytest.fixture
def sources_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout whose translations were never built: the .ts is there, the .qm is not."""
    folder = tmp_path / "i18n"
    folder.mkdir()
    shutil.copy(I18N / "gridpad_zh_CN.ts", folder)
    monkeypatch.setattr(i18n, "I18N", folder)
    return folder


def test_a_missing_translation_is_an_error_and_is_not_built_at_run_time(
        qapp: QApplication, sources_only: Path, caplog: pytest.LogCaptureFixture) -> None:
    translations = i18n.Translations()
    expected = r"zh_CN translation is not built .*gridpad_zh_CN\.qm is missing.*scripts/setup"
    with caplog.at_level(logging.ERROR, logger="gridpad.ui.i18n"), \
            pytest.raises(i18n.MissingTranslationError, match=expected):
        translations.set_language("zh_CN")
    assert [r.levelname for r in caplog.records] == ["ERROR"]
    assert sorted(p.name for p in sources_only.iterdir()) == ["gridpad_zh_CN.ts"]  # no lrelease ran
    assert translations.language == "en"
    assert QCoreApplication.translate("", "Today") == "Today"


def test_english_needs_no_compiled_translation(qapp: QApplication, sources_only: Path) -> None:
    translations = i18n.Translations()
    translations.set_language("en")
    assert translations.language == "en"


def test_an_unreadable_translation_is_an_error(qapp: QApplication, sources_only: Path) -> None:
    (sources_only / "gridpad_zh_CN.qm").write_bytes(b"not a translation")
    with pytest.raises(i18n.MissingTranslationError, match="not a readable translation"):
        i18n.Translations().set_language("zh_CN")


def test_the_built_translation_is_chinese(qapp: QApplication) -> None:
    translations = i18n.Translations()
    translations.set_language("zh_CN")
    try:
        assert QCoreApplication.translate("TodayScreen", "Today") == "今日任务"
    finally:
        translations.set_language("en")
