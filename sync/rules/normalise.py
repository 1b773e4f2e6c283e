"""Canonical forms of the identifiers people type: one function for the device and the server.

ID numbers lose spaces, become half-width and upper case (``" 110105 19491231 002x "`` →
``11010519491231002X``; an old 15-digit number becomes 18); phones lose ``+86``, separators and
full-width digits (``"＋８６ １３８-0013 8000"`` → ``13800138000``); credit codes likewise. A value
is rewritten only when its rule reads it (the rule returns the canonical form): what it cannot read
is left as typed, for validation to report. ID search and phone tail search rely on these forms.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from sync.rules.errors import RuleError
from sync.rules.idnumber import ID_TYPES, infer_id_type, validate_id_number
from sync.rules.phone import validate_phone
from sync.rules.uscc import validate_uscc
from sync.schema import table as schema_table

#: Rules whose value has a canonical form (the rule name as in ``Column.rule``).
CANONICAL_RULES = frozenset({"id_number", "phone", "uscc"})


def _canonical(rule: str, value: str, context: Mapping[str, Any]) -> str:
    if rule == "id_number":
        id_type = str(context.get("id_type") or infer_id_type(value))
        if id_type not in ID_TYPES:
            return value
        return validate_id_number(value, id_type).normalized
    if rule == "phone":
        return validate_phone(value)
    return validate_uscc(value)


def canonical_fields(table: str, fields: Mapping[str, Any],
                     context: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``fields`` with every identifier column in canonical form. ``context``: the rest of the row
    (an update's stored values), for rules that depend on another column (the ID type)."""
    tbl = schema_table(table)
    row = {**(context or {}), **fields}
    out = dict(fields)
    for name, value in fields.items():
        if not isinstance(value, str) or name not in tbl.column_names:
            continue
        rule = tbl.column(name).rule
        if rule in CANONICAL_RULES:
            with contextlib.suppress(RuleError):
                out[name] = _canonical(rule, value, row)
    return out
