"""统一社会信用代码 (unified social credit code, GB 32100-2015) via ``stdnum.cn.uscc``."""

from __future__ import annotations

import unicodedata

from stdnum import exceptions
from stdnum.cn import uscc as _uscc

from sync.rules.errors import fail

FIELD = "uscc"


def normalize(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split()).replace("-", "").upper()


def validate_uscc(value: str) -> str:
    """The normalised 18-character code, or :class:`~sync.rules.errors.RuleError`."""
    if not isinstance(value, str) or not normalize(value):
        raise fail(FIELD, "uscc.empty", "credit code is empty")
    v = normalize(value)
    try:
        return str(_uscc.validate(v))
    except exceptions.InvalidLength:
        raise fail(FIELD, "uscc.length", f"a credit code has 18 characters, got {len(v)}",
                   length=str(len(v))) from None
    except exceptions.InvalidChecksum:
        # Never the expected character (see idnumber._check): the whole code is to be re-read.
        raise fail(FIELD, "uscc.check_digit", "the check character does not fit the other characters: "
                   "compare the whole code with the business licence") from None
    except exceptions.ValidationError:
        raise fail(FIELD, "uscc.format",
                   "a credit code is 8 digits then 10 digits or capital letters (no I, O, S, V, Z)") from None


def make_uscc(body17: str) -> str:
    """Append the check character to 17 characters (demo data and tests)."""
    return body17 + str(_uscc.calc_check_digit(body17))
