"""ID document numbers (domain.md §3): the mainland resident ID and the other types.

Resident IDs (GB 11643-1999): ``AAAAAA YYYYMMDD SSS C``; the check character is ISO 7064
MOD 11-2, computed by ``stdnum.cn.ric``. The area code is accepted if it existed in any year
of the GB/T 2260 history (see :mod:`sync.rules.areas`), never only if it existed in the birth
year. Every failure raises :class:`RuleError` with its own rule code.

HK/Macau/Taiwan residents' residence permits (港澳台居民居住证, since 2018) have the same shape with
810000 / 820000 / 830000 in place of the area code; no resident ID starts so (GB/T 2260 lists
810000 and 820000 for the regions, but resident IDs were never issued there). A number given
without its type (a sheet with only 身份证号码) is read by :func:`infer_id_type`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from stdnum.cn import ric

from sync.rules.areas import lookup_area
from sync.rules.errors import RuleError, fail

FIELD = "id_number"
Gender = Literal["1", "2"]

#: Types whose number is a resident ID (children use the household booklet's number).
RESIDENT_TYPES = frozenset({"RESIDENT_ID", "TEMP_RESIDENT_ID", "HOUSEHOLD_BOOKLET"})
HMT_PREFIXES = {"810000": "香港", "820000": "澳门", "830000": "台湾"}

_PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    "HK_MACAU_TRAVEL_PERMIT": (re.compile(r"^[HM]\d{8}(\d{2})?$"), "H or M followed by 8 or 10 digits"),
    "TW_TRAVEL_PERMIT": (re.compile(r"^(\d{8}|\d{10}|\d{8}[A-Z]{1,2})$"),
                         "8 digits (card) or a 10-character booklet number"),
    "CN_PASSPORT": (re.compile(r"^(E[A-HJ-NP-Z0-9]\d{7}|[GDSP]\d{8})$"),
                    "E + 8 characters, or G/D/S/P + 8 digits"),
    "FOREIGN_PASSPORT": (re.compile(r"^[A-Z0-9]{5,17}$"), "5 to 17 letters or digits"),
    "FOREIGN_PR_2017": (re.compile(r"^[A-Z]{3}\d{12}$"), "3 letters followed by 12 digits"),
}
ID_TYPES = (*sorted(RESIDENT_TYPES), "HMT_RESIDENCE_PERMIT", *_PATTERNS, "FOREIGN_PR_2023", "OTHER")

_EIGHTEEN = re.compile(r"^\d{17}[\dX]$")
_OTHER_MAX = 64
_EARLIEST_YEAR = 1900


@dataclass(frozen=True)
class IdInfo:
    normalized: str
    birth_date: date | None = None
    gender: Gender | None = None
    area_code: str | None = None
    area_name: str | None = None


def normalize(value: str) -> str:
    """Half-width (NFKC), no spaces, upper case (so a trailing ``x`` becomes ``X``)."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def check_digit(first17: str) -> str:
    """The MOD 11-2 check character for 17 digits."""
    return ric.calc_check_digit(first17 + "0")  # stdnum expects the number incl. a check slot


def convert_15_to_18(value: str) -> str:
    """An old 15-digit ID (``AAAAAA YYMMDD SSS``) as 18 digits: insert ``19``, add the check digit."""
    v = normalize(value)
    if len(v) != 15:
        raise fail(FIELD, "id_number.length", f"an old ID number has 15 digits, got {len(v)}",
                   length=str(len(v)))
    if not v.isdigit():
        raise fail(FIELD, "id_number.format", "an old 15-digit ID number has digits only")
    first17 = v[:6] + "19" + v[6:]
    return first17 + check_digit(first17)


def _birth_date(digits: str, today: date) -> date:
    try:
        born = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise fail(FIELD, "id_number.date_invalid",
                   "the birth date in the ID number is not a real date", date=digits) from None
    if born.year < _EARLIEST_YEAR:
        raise fail(FIELD, "id_number.date_too_early",
                   f"the birth date in the ID number is before {_EARLIEST_YEAR}",
                   date=born.isoformat())
    if born > today:
        raise fail(FIELD, "id_number.date_future",
                   "the birth date in the ID number is in the future", date=born.isoformat())
    return born


def _check(number: str) -> None:
    # The expected character is never reported: told "should be 3", people change the last digit
    # to fit instead of finding the digit they misread. They are asked to re-read the card.
    if number[17] != check_digit(number[:17]):
        raise fail(FIELD, "id_number.check_digit",
                   "the check digit does not fit the other digits: compare the whole number with the card")


def _gender(number: str) -> Gender:
    return "1" if int(number[16]) % 2 else "2"


def _eighteen(v: str, kind: str) -> None:
    if len(v) != 18:
        raise fail(FIELD, "id_number.length", f"a {kind} has 18 characters, got {len(v)}",
                   length=str(len(v)))
    if not _EIGHTEEN.match(v):
        raise fail(FIELD, "id_number.format", f"a {kind} is 17 digits followed by a digit or X")


def infer_id_type(value: object) -> str:
    """The type of a number given without one: a HK/Macau/Taiwan residence permit when it has 18
    characters and starts with 810000, 820000 or 830000, else a resident ID."""
    v = normalize(value) if isinstance(value, str) else ""
    return "HMT_RESIDENCE_PERMIT" if len(v) == 18 and v[:6] in HMT_PREFIXES else "RESIDENT_ID"


def validate_resident_id(value: str, today: date | None = None) -> IdInfo:
    today = today or date.today()
    v = normalize(value)
    if len(v) == 15 and v.isdigit():
        _birth_date("19" + v[6:12], today)  # report a bad date in the old number's own terms
        v = convert_15_to_18(v)
    _eighteen(v, "resident ID number")
    if v[:6] in HMT_PREFIXES:
        raise fail(FIELD, "id_number.hmt_as_resident",
                   f"a number starting with {v[:6]} is a HK/Macau/Taiwan residence permit, not a resident "
                   "ID: choose that ID type", prefix=v[:6])
    born = _birth_date(v[6:14], today)
    area = lookup_area(v[:6])
    if area is None:
        raise fail(FIELD, "id_number.area_unknown",
                   "the area code (first 6 digits) never existed in GB/T 2260", area_code=v[:6])
    _check(v)
    return IdInfo(v, born, _gender(v), v[:6], area.name_for(born.year))


def _validate_hmt(v: str, today: date) -> IdInfo:
    _eighteen(v, "HK/Macau/Taiwan residence permit number")
    if v[:6] not in HMT_PREFIXES:
        raise fail(FIELD, "id_number.hmt_prefix",
                   "a HK/Macau/Taiwan residence permit number starts with 810000, 820000 or 830000")
    born = _birth_date(v[6:14], today)
    _check(v)
    return IdInfo(v, born, _gender(v), v[:6], HMT_PREFIXES[v[:6]])


def _validate_pr_2023(v: str, today: date) -> IdInfo:
    _eighteen(v, "2023 permanent residence card number")
    if v[0] != "9":
        raise fail(FIELD, "id_number.pr_prefix", "a 2023 permanent residence card number starts with 9")
    _check(v)
    # The internal layout is not confirmed (domain.md §3.2): read the date only if it is one.
    try:
        born: date | None = _birth_date(v[6:14], today)
    except RuleError:
        born = None
    return IdInfo(v, born)


def validate_id_number(value: str, id_type: str | None = None, *, today: date | None = None) -> IdInfo:
    """Validate and normalise ``value`` as a number of ``id_type`` (``None``: not given, so
    :func:`infer_id_type`); raise :class:`RuleError`."""
    if not isinstance(value, str) or not normalize(value):
        raise fail(FIELD, "id_number.empty", "ID number is empty")
    today = today or date.today()
    id_type = id_type or infer_id_type(value)
    if id_type in RESIDENT_TYPES:
        return validate_resident_id(value, today)
    v = normalize(value)
    if id_type == "HMT_RESIDENCE_PERMIT":
        return _validate_hmt(v, today)
    if id_type == "FOREIGN_PR_2023":
        return _validate_pr_2023(v, today)
    if id_type in _PATTERNS:
        pattern, shape = _PATTERNS[id_type]
        if not pattern.match(v):
            raise fail(FIELD, "id_number.format", f"a {id_type} number is {shape}",
                       id_type=id_type, shape=shape)
        return IdInfo(v)
    if id_type == "OTHER":
        text = " ".join(unicodedata.normalize("NFKC", value).split())
        if len(text) > _OTHER_MAX:
            raise fail(FIELD, "id_number.length", f"at most {_OTHER_MAX} characters", length=str(len(text)))
        return IdInfo(text)
    raise fail("id_type", "id_type.unknown", "unknown ID type", value=str(id_type)[:40])


def make_resident_id(area_code: str, born: date, sequence: int) -> str:
    """A checksum-valid resident ID (for demo data and tests): odd ``sequence`` is male."""
    first17 = f"{area_code}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)
