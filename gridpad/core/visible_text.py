"""Text made safe to show: control and other invisible characters written out as ``<ESC>``, ``<U+9B>``.

The same notation zxing-cpp uses for the QR codes it reads, so a decoded text looks the same
whichever backend read it, and a terminal or a spreadsheet never receives a raw escape sequence.
"""

from __future__ import annotations

import unicodedata

_ASCII_NAMES = ("NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF",
                "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
                "SUB", "ESC", "FS", "GS", "RS", "US")
#: Unicode categories with nothing to see: controls, format characters, surrogates, private use,
#: unassigned, line and paragraph separators.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 32:
        return f"<{_ASCII_NAMES[code]}>"
    if code == 127:
        return "<DEL>"
    return f"<U+{code:02X}>" if code < 256 else f"<U+{code:04X}>"


def escape_invisible(text: str, keep: str = "") -> str:
    """``text`` with every invisible character (except those in ``keep``) written out by name."""
    if text.isprintable():
        return text  # the common case: nothing to do
    return "".join(c if c in keep or unicodedata.category(c) not in _INVISIBLE else _escape(c)
                   for c in text)
