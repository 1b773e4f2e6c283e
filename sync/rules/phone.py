"""Mainland phone numbers (domain.md §3.4), parsed with ``phonenumbers``.

Normal forms: a mobile is its 11 digits (``13812345678``); a landline is ``0AREA-LOCAL``
(Dongguan: ``0769-22345678``). ``+86``/``0086``, spaces, dashes and brackets are dropped.
Mobiles are checked with the pragmatic ``^1[3-9]\\d{9}$``, not the allocated-segment list,
because new segments appear before libraries learn them.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from sync.rules.errors import fail

FIELD = "phone"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_JUNK = re.compile(r"[\s\-()（）.]")
DONGGUAN_AREA = "769"


def _digits(value: str) -> str:
    v = _JUNK.sub("", unicodedata.normalize("NFKC", value))
    if v.startswith("+86"):
        v = v[3:]
    elif v.startswith("0086"):
        v = v[4:]
    elif len(v) == 13 and v.startswith("861"):
        v = v[2:]
    return v


def validate_phone(value: str) -> str:
    """The normalised number, or :class:`~sync.rules.errors.RuleError`."""
    if not isinstance(value, str) or not value.strip():
        raise fail(FIELD, "phone.empty", "phone number is empty")
    v = _digits(value)
    if not v.isdigit():
        raise fail(FIELD, "phone.format", "a phone number has digits only (and an optional +86)")
    if v.startswith("1"):
        if len(v) != 11:
            raise fail(FIELD, "phone.mobile_length", f"a mobile number has 11 digits, got {len(v)}",
                       length=str(len(v)))
        if not _MOBILE.match(v):
            raise fail(FIELD, "phone.mobile_prefix", "a mobile number starts with 13 to 19")
        return v
    if not v.startswith("0"):
        raise fail(FIELD, "phone.area_code_missing",
                   "a landline needs its area code, e.g. 0769-22345678 in Dongguan")
    try:
        parsed = phonenumbers.parse(v, "CN")
    except phonenumbers.NumberParseException:
        raise fail(FIELD, "phone.landline_invalid", "not a valid landline number") from None
    nsn = phonenumbers.national_significant_number(parsed)
    if nsn.startswith(DONGGUAN_AREA):
        if len(nsn) != 11:
            raise fail(FIELD, "phone.landline_invalid",
                       "a Dongguan landline is 0769 followed by 8 digits")
        return f"0{DONGGUAN_AREA}-{nsn[3:]}"
    if not phonenumbers.is_valid_number(parsed):
        raise fail(FIELD, "phone.landline_invalid", "not a valid landline number")
    area_len = phonenumbers.length_of_geographical_area_code(parsed)
    if area_len == 0:
        raise fail(FIELD, "phone.landline_invalid", "not a valid landline number")
    return f"0{nsn[:area_len]}-{nsn[area_len:]}"
