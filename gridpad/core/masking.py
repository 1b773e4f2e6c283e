"""Display masking of personal data (domain.md §2.8): what lists and cards show by default.

The full value is shown only on an explicit, logged "查看" action elsewhere; these functions
never fail on odd input (a half-typed value still masks), and ``None`` masks to ``""``.
"""

from __future__ import annotations

import re

_LANDLINE = re.compile(r"^(0\d{2,3})-(\d+)$")


def _stars(n: int) -> str:
    return "*" * max(n, 0)


def mask_id_number(value: str | None, privileged: bool = True) -> str:
    """``441900********1238`` (privileged: first 6, last 4) or ``4****************8``."""
    if not value:
        return ""
    v = value.strip()
    n = len(v)
    if privileged and n >= 14:  # an 18-digit number keeps 8 hidden; shorter ones keep ≥4 hidden
        return v[:6] + _stars(n - 10) + v[-4:]
    if n >= 3:
        return v[0] + _stars(n - 2) + v[-1]
    return _stars(n)


def mask_birth_date(value: str | None) -> str:
    """``1949-**-**``: the year only. A masked 18-digit ID number hides exactly the birth date
    (``110105********002X``), so wherever one is masked the full date must not sit beside it."""
    if not value:
        return ""
    v = value.strip()
    year = v[:4]
    if len(v) >= 4 and year.isdigit():
        return year + "".join("*" if ch.isdigit() else ch for ch in v[4:])
    return _stars(len(v))


def mask_phone(value: str | None) -> str:
    """``138****5678`` for a mobile; ``0769-****5678`` for a landline (area code kept)."""
    if not value:
        return ""
    v = value.strip()
    m = _LANDLINE.match(v)
    if m:
        area, local = m.groups()
        if len(local) <= 4:
            return f"{area}-{_stars(len(local))}"
        return f"{area}-{_stars(len(local) - 4)}{local[-4:]}"
    n = len(v)
    if n >= 11:
        return v[:3] + _stars(n - 7) + v[-4:]
    if n > 4:
        return _stars(n - 4) + v[-4:]
    return _stars(n)


def mask_name(value: str | None) -> str:
    """``张*明`` (3+ characters: first and last kept), ``李*`` (2), Latin names per word ``J*** S****``."""
    if not value:
        return ""
    v = value.strip()
    if " " in v:  # Latin-script names: keep each word's initial
        return " ".join(w[0] + _stars(len(w) - 1) for w in v.split())
    n = len(v)
    if n == 1:
        return "*"
    if n == 2:
        return v[0] + "*"
    return v[0] + _stars(n - 2) + v[-1]
