"""What any synced value may be, whatever its column: one definition for every device entry point
and the server's push.

A value the server would refuse must be refused where it is typed or imported, or it would sit in
the outbox and be refused at every sync. These checks hold for every column; the per-column rules
(ID numbers, phones, enums) are in :mod:`sync.rules.records`.

- ids (``id`` of a row, and references to rows: ``grid_id``, ``*_id``): 1 to 64 characters of
  ``A-Z a-z 0-9 _ . : -``;
- text: no NUL or other control character (tab and line breaks are fine), at most the column's
  ``max_length`` characters;
- numbers: finite; whole numbers within 64-bit range; other numbers under 1e300 in size (both
  databases hold them exactly as sent);
- JSON: valid JSON (no ``NaN``/``Infinity``), no NUL in any string, nested at most
  :data:`MAX_JSON_DEPTH` deep, at most the column's ``max_length`` characters as text.

Messages name the field and the rule, never the value (it may be personal data).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from sync.rules.errors import FieldError
from sync.schema import ID_MAX, Column

#: The id rule (pydantic ``pattern`` form; the protocol's ``Id`` uses it too).
ID_PATTERN = r"^[A-Za-z0-9_.:-]+$"
_ID = re.compile(ID_PATTERN)
INT_MAX = 2**63 - 1
#: Largest size of a ``real``: beyond it PostgreSQL and SQLite round differently (and 1e309 is inf).
REAL_LIMIT = 1e300
MAX_JSON_DEPTH = 32
#: C0 controls except tab, LF and CR, plus DEL: refused in text (NUL cannot be stored in PostgreSQL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _error(field: str, rule: str, message: str, **params: str) -> FieldError:
    return FieldError(field, rule, f"{field}: {message}", dict(params))


def check_id(value: object, field: str = "id") -> FieldError | None:
    """The id rule: ``None`` when ``value`` is a valid row id (or reference to one)."""
    if not isinstance(value, str) or not value:
        return _error(field, "id.format", "must be an id (text)")
    if len(value) > ID_MAX:
        return _error(field, "id.length", f"an id has at most {ID_MAX} characters",
                      max=str(ID_MAX), length=str(len(value)))
    if not _ID.match(value):
        return _error(field, "id.format", "an id has only letters A-Z, digits and _ . : -")
    return None


def check_text(field: str, value: str, max_length: int | None) -> FieldError | None:
    if "\x00" in value:
        return _error(field, "text.nul", "contains a NUL character")
    if _CONTROL.search(value):
        return _error(field, "text.control", "contains a control character")
    if max_length is not None and len(value) > max_length:
        return _error(field, "text.too_long", f"longer than {max_length} characters",
                      max=str(max_length), length=str(len(value)))
    return None


def check_number(field: str, value: int | float, *, whole: bool) -> FieldError | None:
    if isinstance(value, float) and not math.isfinite(value):
        return _error(field, "number.not_finite", "is not a finite number")
    # A Python int is stored as SQLite's 64-bit integer whatever the column (text too).
    if whole or isinstance(value, int):
        if not -INT_MAX <= value <= INT_MAX:
            return _error(field, "number.range", "is out of range (a whole number of at most 18 digits)")
    elif not abs(value) < REAL_LIMIT:
        return _error(field, "number.range", "is out of range (at most 1e300 in size)")
    return None


def json_problem(value: Any, depth: int = 0) -> str | None:
    """Why a parsed JSON value cannot be stored (``None``: it can)."""
    if depth > MAX_JSON_DEPTH:
        return f"nested more than {MAX_JSON_DEPTH} deep"
    if isinstance(value, str):
        return "contains a NUL character" if "\x00" in value else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return "contains a number that is not finite"
        return None if abs(value) < REAL_LIMIT else "contains a number out of range"
    if isinstance(value, dict):
        items: list[Any] = [*value.keys(), *value.values()]
    elif isinstance(value, list):
        items = value
    else:
        return "is not JSON"
    for item in items:
        problem = json_problem(item, depth + 1)
        if problem:
            return problem
    return None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(text: str) -> Any:
    """``json.loads`` that refuses ``NaN``/``Infinity`` and deep nesting (``ValueError``)."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError("nested too deep") from None


def check_json(field: str, value: Any, max_length: int | None) -> FieldError | None:
    """``value``: JSON text or a parsed value (dict/list)."""
    if isinstance(value, str):
        if max_length is not None and len(value) > max_length:
            return _error(field, "json.too_long", f"longer than {max_length} characters",
                          max=str(max_length), length=str(len(value)))
        try:
            value = parse_json(value)
        except ValueError:
            return _error(field, "type.json", "must be JSON")
    problem = json_problem(value)
    if problem:
        return _error(field, "json.value", problem)
    if not isinstance(value, str) and max_length is not None:
        try:
            size = len(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
        except (TypeError, ValueError, RecursionError):
            return _error(field, "type.json", "must be JSON")
        if size > max_length:
            return _error(field, "json.too_long", f"longer than {max_length} characters",
                          max=str(max_length), length=str(size))
    return None


def check_value(col: Column, value: object) -> FieldError | None:
    """The value rules for a value already of ``col``'s type (see the module doc)."""
    if col.rule == "ref":
        return check_id(value, col.name)
    if isinstance(value, str):
        if col.type == "json":
            return check_json(col.name, value, col.max_length)
        return check_text(col.name, value, col.max_length)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return check_number(col.name, value, whole=col.type == "int")
    if isinstance(value, dict | list):
        return check_json(col.name, value, col.max_length)
    return None
