"""Turning the cells of an office spreadsheet into clean values.

Office registries are typed by hand over years: full-width digits, stray spaces, ``2023.5.1``,
``2023年5月1日``, Excel date serials, ``+86 138-0000-0000``. Each function returns the clean value
or raises :class:`CellError` with a rule name and a plain message.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from gridpad.transfer.formula_guard import unguard

#: Excel's day zero for serial dates (1900 system, with its phantom 1900-02-29 accounted for).
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class CellError(ValueError):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def text(value: object) -> str:
    """Half-width, trimmed text with inner runs of whitespace collapsed ('' for an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = unguard(str(value))  # a cell an export or error file guarded against formulas
    if not s.isascii():  # NFKC only matters for full-width forms; skip it for plain ASCII
        s = unicodedata.normalize("NFKC", s)
    return " ".join(s.split())


def compact(value: object) -> str:
    """Text with every space removed (ID numbers, phones, codes)."""
    return "".join(text(value).split())


def id_number(value: object) -> str:
    """ID number as typed minus spaces, full-width forms and a lower-case x; a stray leading
    apostrophe (Excel's text marker) is dropped too.

    A number cell of 16+ digits has already lost its last digits to Excel (15 significant
    digits), so it is refused with a hint rather than read as a wrong number."""
    if isinstance(value, float) and abs(value) >= 1e15:
        raise CellError("id_number.numeric_cell",
                        "the cell is a number, so Excel has dropped the last digits; "
                        "format the column as text and type the number again")
    return compact(value).lstrip("'").upper()


def phone(value: object) -> str:
    """Phone without spaces, dashes, dots or brackets; ``+86``/``0086`` removed from mobiles."""
    s = re.sub(r"[\s\-.()（）]", "", text(value)).lstrip("'")
    for prefix in ("+86", "0086"):
        if s.startswith(prefix):
            s = s[len(prefix):]
    if s.startswith("86") and len(s) == 13 and s[2] == "1":
        s = s[2:]
    return s


_YMD = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{4,5}(\.\d+)?$")


def date(value: object) -> str:
    """ISO ``YYYY-MM-DD`` from a datetime cell, an Excel serial or one of the usual written forms."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(float(value))
    s = text(value)
    if not s:
        return ""
    m = _YMD.match(s) or _COMPACT.match(s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        try:
            return dt.date(y, mo, d).isoformat()
        except ValueError:
            raise CellError("date", "not a real calendar date") from None
    if _SERIAL.match(s):
        return _from_serial(float(s))
    raise CellError("date_format", "not a date (write it like 2023-05-01)")


def _from_serial(serial: float) -> str:
    # Serials before 1900-03-01 (61) are ambiguous in Excel; registry dates are never that old.
    if not 61 <= serial < 2958466:
        raise CellError("date", "not a date (the number is no date Excel knows)")
    return (_EXCEL_EPOCH + dt.timedelta(days=int(serial))).isoformat()


def number(value: object) -> float | None:
    """A number from ``35``, ``35.5``, ``35㎡`` or ``35平方米`` (None for an empty cell)."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    s = compact(value)
    s = re.sub(r"(平方米|平米|平方|㎡|m2|m²|元/月|元|米)$", "", s, flags=re.IGNORECASE)
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        raise CellError("number", "not a number") from None


def integer(value: object) -> int | None:
    """A whole number; floors may be written ``3楼``, ``3层`` or ``B1``/``-1`` for a basement."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer():
            return int(value)
        raise CellError("integer", "not a whole number")
    s = compact(value).upper()
    s = re.sub(r"(楼|层|F)$", "", s)
    basement = re.fullmatch(r"(?:B|负|地下)(\d+)", s)
    if basement:
        return -int(basement.group(1))
    try:
        return int(s)
    except ValueError:
        raise CellError("integer", "not a whole number") from None


def address_key(value: object) -> str:
    """The matching key of an address: no spaces, no leading province/city (they are implied)."""
    s = compact(value).upper()
    for prefix in ("广东省", "东莞市"):
        if s.startswith(prefix):
            s = s[len(prefix):]
    return s


def room_key(value: object) -> str:
    """The matching key of a room: ``302``, ``302室`` and ``302房`` are the same room."""
    return re.sub(r"(室|房|号房|号)$", "", compact(value).upper())
