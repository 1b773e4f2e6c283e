"""Validate and normalise a record of a synced table (:data:`sync.schema.TABLES`).

``validate_record`` checks, per column: unknown columns, required values, the column type
(text/int/real/bool/date ISO ``YYYY-MM-DD``/json) and the rule named in ``Column.rule`` (see
:data:`RULES`); then cross-field checks (a person's gender and birth date must agree with a
resident ID number). It returns every failure, not just the first, so a form can mark them all.

``normalize_record`` turns what people type into stored form first: strings stripped (blank
becomes ``None``), dates in ISO form, enum labels to codes, ID numbers/phones/credit codes to
their normal form. Values it cannot read are left as they are, for ``validate_record`` to report.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from functools import partial

from sync.rules import enums, values
from sync.rules.errors import FieldError, RuleError, fail
from sync.rules.idnumber import ID_TYPES, infer_id_type, validate_id_number
from sync.rules.inspection_records import JUDGED_TOGETHER as INSPECTION_JUDGED_TOGETHER
from sync.rules.inspection_records import edit_errors as inspection_edit_errors
from sync.rules.inspection_records import inspection_errors
from sync.rules.normalise import canonical_fields
from sync.rules.phone import validate_phone
from sync.rules.uscc import validate_uscc
from sync.schema import DELETED, Column
from sync.schema import table as schema_table

#: Keys a record may carry besides the schema's columns (storage bookkeeping that travels).
BOOKKEEPING: Mapping[str, str] = {"id": "text", DELETED: "bool"}

_EARLIEST_BUILT_YEAR = 1800


def _non_negative(field: str, value: object, record: Mapping[str, object]) -> object:
    if isinstance(value, int | float) and value < 0:
        raise fail(field, "non_negative", f"must be 0 or more, got {value}", value=str(value))
    return value


def _positive(field: str, value: object, record: Mapping[str, object]) -> object:
    if isinstance(value, int | float) and value <= 0:
        raise fail(field, "positive", f"must be more than 0, got {value}", value=str(value))
    return value


def _year(field: str, value: object, record: Mapping[str, object]) -> object:
    last = date.today().year + 1
    if isinstance(value, int) and not _EARLIEST_BUILT_YEAR <= value <= last:
        raise fail(field, "year", f"must be a year between {_EARLIEST_BUILT_YEAR} and {last}, got {value}",
                   value=str(value), min=str(_EARLIEST_BUILT_YEAR), max=str(last))
    return value


def _enum_rule(name: str, field: str, value: object, record: Mapping[str, object]) -> object:
    return enums.check(name, str(value), field)


def _id_number(field: str, value: object, record: Mapping[str, object]) -> object:
    id_type = str(record.get("id_type") or infer_id_type(value))
    if id_type not in ID_TYPES:
        return value  # the id_type column reports its own bad code; the number cannot be judged
    try:
        return validate_id_number(str(value), id_type).normalized
    except RuleError as exc:
        raise RuleError(exc.error.for_field(field)) from None


def _wrap(fn: Callable[[str], str]) -> Callable[[str, object, Mapping[str, object]], object]:
    def rule(field: str, value: object, record: Mapping[str, object]) -> object:
        try:
            return fn(str(value))
        except RuleError as exc:
            raise RuleError(exc.error.for_field(field)) from None
    return rule


def _ref(field: str, value: object, record: Mapping[str, object]) -> object:
    err = values.check_id(value, field)
    if err:
        raise RuleError(err)
    return value


RuleFn = Callable[[str, object, Mapping[str, object]], object]

#: Every rule name :mod:`sync.schema` may put in ``Column.rule``; called as ``rule(field, value, record)``.
RULES: Mapping[str, RuleFn] = {
    "non_negative": _non_negative, "positive": _positive, "year": _year, "ref": _ref,
    "id_number": _id_number, "phone": _wrap(validate_phone), "uscc": _wrap(validate_uscc),
    **{name: partial(_enum_rule, name) for name in enums.ENUMS},
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _type_error(col: Column, value: object) -> FieldError | None:
    t = col.type
    ok: bool
    if t == "text":
        ok = isinstance(value, str)
    elif t == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif t == "real":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif t == "bool":
        ok = value in (0, 1) and isinstance(value, int)
    elif t == "date":
        ok = isinstance(value, str) and bool(_ISO_DATE.match(value)) and _parses(value)
    else:  # json
        ok = isinstance(value, dict | list) or (isinstance(value, str) and _is_json(value))
    if ok:
        return None
    expected = {"text": "text", "int": "a whole number", "real": "a number", "bool": "0 or 1 (no/yes)",
                "date": "a date YYYY-MM-DD", "json": "JSON"}[t]
    # The value is not quoted: it may be personal data (a name typed into the wrong column).
    return FieldError(col.name, f"type.{t}", f"{col.name}: must be {expected}", {"expected": t})


def _parses(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_json(value: str) -> bool:
    try:
        values.parse_json(value)
    except ValueError:
        return False
    return True


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _bookkeeping_errors(fields: Mapping[str, object]) -> list[FieldError]:
    errors = []
    for key, kind in BOOKKEEPING.items():
        if key in fields and not _blank(fields[key]):
            err = _type_error(Column(key, kind), fields[key])  # type: ignore[arg-type]
            if err is None and key == "id":
                err = values.check_id(fields[key])
            if err:
                errors.append(err)
    return errors


def validate_record(table: str, fields: Mapping[str, object], *, partial: bool = False) -> list[FieldError]:
    """Every failure in ``fields`` (empty list: valid). ``partial``: an update, so absent
    required columns are fine (present ones must still not be blank). Raises ``KeyError`` for
    an unknown table."""
    tbl = schema_table(table)
    errors: list[FieldError] = []
    known = set(tbl.column_names)
    for key in fields:
        if key not in known and key not in BOOKKEEPING:
            errors.append(FieldError(key, "unknown_column", f"{key}: {table} has no such column",
                                     {"table": table}))
    errors += _bookkeeping_errors(fields)
    bad: set[str] = set()
    for col in tbl.columns:
        if col.name not in fields:
            if col.required and not partial:
                errors.append(FieldError(col.name, "required", f"{col.name}: is required"))
            continue
        value = fields[col.name]
        if _blank(value):
            if col.required:
                errors.append(FieldError(col.name, "required", f"{col.name}: is required"))
            continue
        err = _type_error(col, value) or values.check_value(col, value)
        if err is None and col.rule is not None:
            try:
                RULES[col.rule](col.name, value, fields)
            except RuleError as exc:
                err = exc.error
        if err is not None:
            errors.append(err)
            bad.add(col.name)
    check = _CROSS_CHECKS.get(table)
    if check:
        errors.extend(check(fields, bad))
    return errors


def value_errors(table: str, fields: Mapping[str, object]) -> list[FieldError]:
    """The failures each value has on its own (type, id, text, number and JSON rules of
    :mod:`sync.rules.values`): what an update can be judged by before the row it changes is known.
    Raises ``KeyError`` for an unknown table."""
    tbl = schema_table(table)
    errors: list[FieldError] = []
    for col in tbl.columns:
        value = fields.get(col.name)
        if col.name in fields and not _blank(value):
            err = _type_error(col, value) or values.check_value(col, value)
            if err is not None:
                errors.append(err)
    return errors


def errors_after_edit(table: str, before: Mapping[str, object], after: Mapping[str, object],
                      touched: Iterable[str]) -> list[FieldError]:
    """What an edit is refused for: every failure of the whole row ``after`` that is in a field the
    edit ``touched`` or that ``before`` did not have. The result is judged, not the past: a row
    stored before a rule existed stays editable, and an edit that fixes it is accepted."""
    edited = set(touched)
    final = _EDIT_CHECKS[table](before, after, edited) if table in _EDIT_CHECKS else []
    if final:
        return final
    # Only the touched fields and those judged together with them can fail anew: the rest are
    # unchanged, so their failures (if any) are old ones. A one-field edit costs one field's check.
    group = _JUDGED_TOGETHER.get(table, frozenset())
    relevant = edited | group if edited & group else edited
    errors = validate_record(table, {k: v for k, v in after.items() if k in relevant}, partial=True)
    if not errors:
        return []
    old = {(e.field, e.rule) for e in validate_record(
        table, {k: v for k, v in before.items() if k in relevant}, partial=True)}
    return [e for e in errors if e.field in edited or (e.field, e.rule) not in old]


def _person_checks(fields: Mapping[str, object], bad: set[str]) -> list[FieldError]:
    number = fields.get("id_number")
    if _blank(number) or "id_number" in bad or "id_type" in bad:
        return []
    try:
        info = validate_id_number(str(number), str(fields.get("id_type") or "") or None)
    except RuleError:
        return []
    out: list[FieldError] = []
    gender = fields.get("gender")
    if info.gender and gender in ("1", "2") and gender != info.gender:
        out.append(FieldError("gender", "person.gender_mismatch",
                              "gender: does not match the gender in the ID number",
                              {"expected": info.gender}))
    born = fields.get("birth_date")
    if info.birth_date and isinstance(born, str) and "birth_date" not in bad \
            and born != info.birth_date.isoformat():
        expected = info.birth_date.isoformat()
        out.append(FieldError("birth_date", "person.birth_date_mismatch",
                              "birth_date: does not match the birth date in the ID number",
                              {"expected": expected}))
    return out


def _tenancy_checks(fields: Mapping[str, object], bad: set[str]) -> list[FieldError]:
    moved_in, moved_out = fields.get("move_in_at"), fields.get("move_out_at")
    if isinstance(moved_in, str) and isinstance(moved_out, str) and not {"move_in_at", "move_out_at"} & bad \
            and moved_out < moved_in:
        return [FieldError("move_out_at", "tenancy.move_out_before_move_in",
                           "move_out_at: is before the move-in date",
                           {"move_in_at": moved_in})]
    return []


def _inspection_checks(fields: Mapping[str, object], bad: set[str]) -> list[FieldError]:
    if bad & INSPECTION_JUDGED_TOGETHER:
        return []  # a column of the rule is malformed: its own error says so
    return inspection_errors(fields)


_CROSS_CHECKS: dict[str, Callable[[Mapping[str, object], set[str]], list[FieldError]]] = {
    "person": _person_checks, "tenancy": _tenancy_checks, "inspection": _inspection_checks,
}
#: Per table, rules on the change itself (before -> after), not only on the row it makes.
EditCheck = Callable[[Mapping[str, object], Mapping[str, object], set[str]], list[FieldError]]
_EDIT_CHECKS: dict[str, EditCheck] = {
    "inspection": inspection_edit_errors,
}
#: Per table, the columns whose rules read each other (the cross checks above; an ID number's
#: rule reads its type): an edit of one is judged with all of them. Keep in step with the checks.
_JUDGED_TOGETHER: dict[str, frozenset[str]] = {
    "person": frozenset({"id_type", "id_number", "gender", "birth_date"}),
    "tenancy": frozenset({"move_in_at", "move_out_at"}),
    "inspection": INSPECTION_JUDGED_TOGETHER,
}

# --- normalisation -------------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_TRUE = {"1", "true", "yes", "y", "是", "有", "√"}
_FALSE = {"0", "false", "no", "n", "否", "无", "×"}


def _norm_date(value: object) -> object:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        v = value.strip()
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(v, fmt).date().isoformat()
            except ValueError:
                continue
    return value


def _norm_typed(col: Column, value: object) -> object:
    t = col.type
    if t == "date":
        return _norm_date(value)
    if isinstance(value, str):
        v = value.strip()
        try:
            if t == "int" and re.fullmatch(r"[+-]?\d+(\.0+)?", v):
                return int(v.split(".")[0])
            if t == "real":
                return float(v)
        except ValueError:  # int() of over 4300 digits too
            return v
        if t == "bool" and v.lower() in _TRUE | _FALSE:
            return 1 if v.lower() in _TRUE else 0
        return v
    if t == "bool" and isinstance(value, bool):
        return int(value)
    if t == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if t == "json" and isinstance(value, dict | list):
        try:
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        except (ValueError, RecursionError):
            return value  # validate_record says why
    return value


def normalize_record(table: str, fields: Mapping[str, object],
                     context: Mapping[str, object] | None = None) -> dict[str, object]:
    """``fields`` in stored form (see the module doc); unknown keys are kept for validation.
    ``context``: the rest of the row, when ``fields`` is an update (an ID number's type)."""
    tbl = schema_table(table)
    out: dict[str, object] = {}
    for key, value in fields.items():
        if isinstance(value, str):
            value = value.strip() or None
        if value is None or key not in tbl.column_names:
            out[key] = value
            continue
        col = tbl.column(key)
        value = _norm_typed(col, value)
        if col.rule is not None and col.rule in enums.ENUMS and isinstance(value, str):
            with contextlib.suppress(RuleError):
                value = enums.to_code(col.rule, value, key)
        out[key] = value
    return canonical_fields(table, out, context)
