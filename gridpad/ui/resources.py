"""Bundled resources: the stylesheet with its tokens, the CJK font, translations, icons."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDir
from PySide6.QtGui import QColor, QFontDatabase

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
STYLESHEET = RESOURCES / "styles" / "gridpad.qss"
FONTS = RESOURCES / "fonts"
I18N = RESOURCES / "i18n"
ICONS = RESOURCES / "icons"

_TOKEN_LINE = re.compile(r"^@token\s+(\w+)\s+(\S+)\s*$", re.MULTILINE)
_TOKEN_USE = re.compile(r"@(\w+)")


@dataclass(frozen=True)
class Theme:
    """The style tokens of gridpad.qss and the stylesheet with them filled in."""

    tokens: dict[str, str]
    stylesheet: str

    def color(self, name: str) -> QColor:
        return QColor(self.tokens[name])


def load_theme(path: Path = STYLESHEET) -> Theme:
    raw = path.read_text(encoding="utf-8")
    tokens = dict(_TOKEN_LINE.findall(raw))
    body = _TOKEN_LINE.sub("", raw)

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in tokens:
            raise KeyError(f"{path.name}: unknown style token @{name}")
        return str(tokens[name])

    return Theme(tokens, _TOKEN_USE.sub(fill, body))


def register_fonts() -> list[str]:
    """Register the bundled CJK font(s); returns the family names Qt now knows."""
    families: list[str] = []
    for file in sorted(FONTS.glob("*.tt[cf]")) + sorted(FONTS.glob("*.otf")):
        font_id = QFontDatabase.addApplicationFont(str(file))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families


def register_icon_path() -> None:
    """``QIcon("icons:name.svg")`` without a .qrc build step (as Anki does)."""
    QDir.addSearchPath("icons", str(ICONS))
