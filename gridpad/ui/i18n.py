"""Interface language: Simplified Chinese by default, English at run time.

Strings are written in English with ``tr()``; ``resources/i18n/gridpad_zh_CN.ts`` (pyside6-lupdate)
holds the Chinese, compiled to .qm by scripts/setup. Switching language swaps the translator; Qt
then sends every widget a LanguageChange event, on which screens call their ``retranslate()``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator, Signal

from gridpad.ui.resources import I18N

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"


def tr(text: str) -> str:
    """Translate outside a QObject; pyside6-lupdate files bare ``tr("…")`` calls under the empty
    context, which is the one used here."""
    return QCoreApplication.translate("", text)


def _compiled(lang: str) -> Path | None:
    """The .qm for ``lang``, compiling the .ts if the build step has not run (a fresh checkout)."""
    ts = I18N / f"gridpad_{lang}.ts"
    qm = ts.with_suffix(".qm")
    if ts.exists() and (not qm.exists() or ts.stat().st_mtime > qm.stat().st_mtime):
        lrelease = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.BinariesPath)) / "lrelease"
        beside_python = Path(sys.executable).parent / "pyside6-lrelease"  # the venv's, if not on PATH
        for tool in (str(lrelease), str(beside_python), "pyside6-lrelease"):
            try:
                subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], check=True, capture_output=True)
                break
            except (OSError, subprocess.CalledProcessError):
                continue
    return qm if qm.exists() else None


class Translations(QObject):
    """Owns the installed translators.

    Signals:
        language_changed(str): after a switch (widgets also get QEvent.LanguageChange).
    """

    language_changed = Signal(str)

    def __init__(self, parent: QObject | None = None, prefs: Path | None = None) -> None:
        super().__init__(parent)
        self.language = "en"
        self._translators: list[QTranslator] = []
        #: Where the user's choice is kept (JSON), so Settings' choice survives a restart.
        self._prefs = prefs

    def saved_language(self) -> str | None:
        if self._prefs is None:
            return None
        try:
            lang = json.loads(self._prefs.read_text(encoding="utf-8")).get("language")
        except (OSError, ValueError, AttributeError):
            return None
        return lang if lang in LANGUAGES else None

    def start(self, lang: str | None) -> None:
        """At start-up: ``--lang`` if given, else the language last chosen, else Chinese."""
        self.set_language(lang or self.saved_language() or DEFAULT_LANGUAGE, remember=False)

    def set_language(self, lang: str | None, remember: bool = True) -> None:
        lang = lang or DEFAULT_LANGUAGE
        if lang not in LANGUAGES:
            raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(LANGUAGES)}")
        assert QCoreApplication.instance() is not None, "create the QApplication first"
        self.uninstall()
        if lang != "en":
            qm = _compiled(lang)
            if qm is not None:
                self._install(str(qm))
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            self._install(f"qtbase_{lang}", qt_dir)
        QLocale.setDefault(QLocale(lang))
        self.language = lang
        if remember and self._prefs is not None:
            self._prefs.parent.mkdir(parents=True, exist_ok=True)
            self._prefs.write_text(json.dumps({"language": lang}), encoding="utf-8")
        self.language_changed.emit(lang)

    def uninstall(self) -> None:
        """Remove this object's translators (they are process-wide; a closed window must not
        leave its language behind for the next one)."""
        for t in self._translators:
            QCoreApplication.removeTranslator(t)
        self._translators = []

    def _install(self, name: str, directory: str = "") -> None:
        translator = QTranslator(self)
        if translator.load(name, directory):
            QCoreApplication.installTranslator(translator)
            self._translators.append(translator)
