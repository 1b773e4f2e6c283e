"""Interface language: Simplified Chinese by default, English at run time.

Strings are written in English with ``tr()``; ``resources/i18n/gridpad_zh_CN.ts`` (pyside6-lupdate)
holds the Chinese, compiled to .qm by scripts/setup (and build_installer.py); a missing .qm is an
error (MissingTranslationError), never a silent English UI. Switching language swaps the
translator; Qt then sends every widget a LanguageChange event, on which screens call their
``retranslate()``.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QObject,
    QTranslator,
    Signal,
)

from gridpad.ui.resources import I18N

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"

log = logging.getLogger(__name__)

# Qt's own strings that its Chinese catalogue (qtbase_zh_CN.qm) leaves in English: Qt 6 gave them
# accelerators ("Look in:" became "&Look in:") and the catalogue was not updated. Listed here so
# lupdate files them under Qt's context in our .ts; our translator answers what Qt's does not.
QT_GAPS = (
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
)


class MissingTranslationError(RuntimeError):
    """The compiled translation (.qm) of the chosen language is missing or unreadable: a build
    step did not run. Never papered over with an English UI."""


def app_name() -> str:
    """The app's one name in the language in use (GridPad; 网格通 in Chinese, as in the README)."""
    return tr("GridPad")


def tr(text: str) -> str:
    """Translate outside a QObject; pyside6-lupdate files bare ``tr("…")`` calls under the empty
    context, which is the one used here."""
    return QCoreApplication.translate("", text)


def compiled(lang: str, folder: Path | None = None) -> Path:
    """The .qm of ``lang``. It is a build product (scripts/setup, build_installer.py make it from
    the .ts); the app never compiles it. Raises MissingTranslationError when it is not there."""
    qm = (folder or I18N) / f"gridpad_{lang}.qm"
    if not qm.is_file():
        fix = ("reinstall GridPad" if getattr(sys, "frozen", False)
               else "run `bash scripts/setup` to build the translations")
        raise MissingTranslationError(f"the {lang} translation is not built ({qm} is missing): {fix}")
    return qm


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
        translator = None
        if lang != "en":
            try:  # before anything changes: a failed switch keeps the current language
                translator = self._load(compiled(lang))
            except MissingTranslationError as exc:
                log.error("%s", exc)
                raise
        self.uninstall()
        if translator is not None:
            QCoreApplication.installTranslator(translator)
            self._translators.append(translator)
            self._install_qt(lang)
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

    def _load(self, qm: Path) -> QTranslator:
        translator = QTranslator(self)
        if not translator.load(str(qm)):
            raise MissingTranslationError(f"{qm} is not a readable translation: rebuild it "
                                          "(`bash scripts/setup`)")
        return translator

    def _install_qt(self, lang: str) -> None:
        """Qt's own strings (file dialogs' "Look in:", standard buttons) in ``lang``: the copy the
        installer bundles next to ours first, else the one PySide6 ships. Without either, Qt's
        dialogs stay in English: logged, not fatal."""
        for folder in qt_translation_dirs():
            translator = QTranslator(self)
            if translator.load(qt_catalog(lang), str(folder)):
                QCoreApplication.installTranslator(translator)
                self._translators.append(translator)
                return
        log.warning("Qt's own %s translation (%s.qm) was not found; its dialogs stay in English",
                    lang, qt_catalog(lang))


def qt_catalog(lang: str) -> str:
    """The file name (without .qm) of Qt's translation of its own widgets and dialogs."""
    return f"qtbase_{lang}"


def qt_translation_dirs() -> list[Path]:
    """Where Qt's translations are looked for: ours (build_installer.py copies them there), then
    Qt's own folder."""
    return [I18N, Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
