"""Validation failures in the user's language: field label + the rule, with its parameters.

``FieldError.rule`` is a stable code (``id_number.check_digit``) and ``params`` its values
(``expected``); the English message of the rule is only the fallback for a code not listed here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("Rules", text)


def field_label(name: str) -> str:
    labels = {
        "id_type": _t("ID type"), "id_number": _t("ID number"), "name": _t("Name"),
        "gender": _t("Gender"), "birth_date": _t("Date of birth"), "ethnicity": _t("Ethnicity"),
        "hukou_address": _t("Household registration address"), "phone": _t("Mobile phone"),
        "employer": _t("Employer"), "unit_id": _t("Room"), "move_in_at": _t("Move-in date"),
        "relation_to_head": _t("Relation to the tenant"), "move_out_at": _t("Move-out date"),
        "move_out_reason": _t("Reason for moving out"), "address": _t("Address"),
        "building_type": _t("Building type"), "floors_above": _t("Floors above ground"),
        "rental_rooms": _t("Rooms for rent"), "max_occupants": _t("Occupant limit"),
        "inspection_cycle_days": _t("Inspection cycle (days)"), "room_no": _t("Room number"),
        "floor": _t("Floor"), "area_m2": _t("Area (m²)"), "layout": _t("Layout"),
        "monthly_rent": _t("Monthly rent"), "landlord_name": _t("Landlord name"),
        "landlord_phone": _t("Landlord phone"), "role": _t("Role"), "name_cn": _t("Name"),
        "building_id": _t("Building"), "grid_id": _t("Grid"),
    }
    return labels.get(name, name)


def rule_text(rule: str, params: dict[str, Any], fallback: str = "") -> str:
    """The rule broken, without the field name (the form shows it under the field)."""
    p = {k: str(v) for k, v in (params or {}).items()}
    texts = {
        "id_number.empty": _t("Enter the ID number"),
        "id_number.length": _t("Wrong length: an ID number has 18 characters, this has {length}"),
        "id_number.format": _t("Wrong format: 17 digits followed by a digit or X"),
        "id_number.date_invalid": _t("Birth date {date} in the number is not a real date"),
        "id_number.date_too_early": _t("Birth date {date} in the number is before 1900"),
        "id_number.date_future": _t("Birth date {date} in the number is in the future"),
        "id_number.check_digit": _t("Check digit is wrong: should be {expected}"),
        "id_number.area_unknown": _t("Area code {area_code} does not exist"),
        "id_number.hmt_prefix": _t("A residence permit number starts with 810000, 820000 or 830000"),
        "id_number.pr_prefix": _t("A 2023 permanent residence card number starts with 9"),
        "id_type.unknown": _t("Unknown ID type"),
        "phone.empty": _t("Enter the phone number"),
        "phone.format": _t("Digits only (an optional +86 is fine)"),
        "phone.mobile_length": _t("A mobile number has 11 digits, this has {length}"),
        "phone.mobile_prefix": _t("A mobile number starts with 13 to 19"),
        "phone.area_code_missing": _t("A landline needs its area code, e.g. 0769-22345678"),
        "phone.landline_invalid": _t("Not a valid landline number"),
        "required": _t("Required"),
        "enum": _t("Choose one of the listed values"),
        "non_negative": _t("Must be 0 or more"),
        "positive": _t("Must be more than 0"),
        "year": _t("Not a valid year"),
        "date": _t("Not a valid date (YYYY-MM-DD)"),
        "type": _t("Wrong kind of value"),
        "int": _t("Must be a whole number"),
        "real": _t("Must be a number"),
        "tenancy.move_out_before_move_in": _t("Move-out date is before the move-in date {move_in_at}"),
        "person.gender_mismatch": _t("Does not match the ID number"),
        "person.birth_date_mismatch": _t("Does not match the ID number's birth date {expected}"),
        "enum.unknown": _t("Choose one of the listed values"),
        "exists": _t("Not found; choose again"),
    }
    template = texts.get(rule)
    if template is None:
        # Codes like "gender.enum" or "floors_above.non_negative": use the part after the dot.
        tail = rule.rsplit(".", 1)[-1]
        template = texts.get(tail)
    if template is None:
        return fallback or rule
    try:
        return template.format(**p)
    except (KeyError, IndexError):
        return template


def error_text(error: Any) -> str:
    """One line naming the field and the rule, e.g. "ID number: check digit is wrong: should be 8"."""
    field = getattr(error, "field", "")
    rule = rule_text(getattr(error, "rule", ""), getattr(error, "params", {}) or {},
                     getattr(error, "message", ""))
    return _t("{field}: {rule}").format(field=field_label(field), rule=rule)
