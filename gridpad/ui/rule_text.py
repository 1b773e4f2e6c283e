"""Validation failures in the user's language: field label + the rule, with its parameters.

``FieldError.rule`` is a stable code (``id_number.check_digit``) and ``params`` its values
(``length``); the English message of the rule is only the fallback for a code not listed here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication


def tr(text: str) -> str:
    return QCoreApplication.translate("Rules", text)


def field_label(name: str) -> str:
    labels = {
        "id_type": tr("ID type"), "id_number": tr("ID number"), "name": tr("Name"),
        "gender": tr("Gender"), "birth_date": tr("Date of birth"), "ethnicity": tr("Ethnicity"),
        "hukou_address": tr("Household registration address"), "phone": tr("Mobile phone"),
        "employer": tr("Employer"), "unit_id": tr("Room"), "move_in_at": tr("Move-in date"),
        "relation_to_head": tr("Relation to the tenant"), "move_out_at": tr("Move-out date"),
        "move_out_reason": tr("Reason for moving out"), "address": tr("Address"),
        "building_type": tr("Building type"), "floors_above": tr("Floors above ground"),
        "rental_rooms": tr("Rooms for rent"), "max_occupants": tr("Occupant limit"),
        "inspection_cycle_days": tr("Inspection cycle (days)"), "room_no": tr("Room number"),
        "floor": tr("Floor"), "area_m2": tr("Area (m²)"), "layout": tr("Layout"),
        "monthly_rent": tr("Monthly rent"), "landlord_name": tr("Landlord name"),
        "landlord_phone": tr("Landlord phone"), "role": tr("Role"), "name_cn": tr("Name"),
        "building_id": tr("Building"), "grid_id": tr("Grid"),
    }
    return labels.get(name, name)


def rule_text(rule: str, params: dict[str, Any], fallback: str = "") -> str:
    """The rule broken, without the field name (the form shows it under the field)."""
    p = {k: str(v) for k, v in (params or {}).items()}
    texts = {
        "id_number.empty": tr("Enter the ID number"),
        "id_number.length": tr("Wrong length: an ID number has 18 characters, this has {length}"),
        "id_number.format": tr("Wrong format: 17 digits followed by a digit or X"),
        "id_number.date_invalid": tr("Birth date {date} in the number is not a real date"),
        "id_number.date_too_early": tr("Birth date {date} in the number is before 1900"),
        "id_number.date_future": tr("Birth date {date} in the number is in the future"),
        "id_number.check_digit": tr("The number does not add up: compare every digit with the card"),
        "id_number.area_unknown": tr("Area code {area_code} does not exist"),
        "id_number.hmt_prefix": tr("A residence permit number starts with 810000, 820000 or 830000"),
        "id_number.hmt_as_resident": tr("A number starting with {prefix} is a HK/Macau/Taiwan residence "
                                        "permit: choose that ID type"),
        "id_number.pr_prefix": tr("A 2023 permanent residence card number starts with 9"),
        "id_type.unknown": tr("Unknown ID type"),
        "uscc.check_digit": tr("The code does not add up: compare every character with the business "
                               "licence"),
        "phone.empty": tr("Enter the phone number"),
        "phone.format": tr("Digits only (an optional +86 is fine)"),
        "phone.mobile_length": tr("A mobile number has 11 digits, this has {length}"),
        "phone.mobile_prefix": tr("A mobile number starts with 13 to 19"),
        "phone.area_code_missing": tr("A landline needs its area code, e.g. 0769-22345678"),
        "phone.landline_invalid": tr("Not a valid landline number"),
        "required": tr("Required"),
        "enum": tr("Choose one of the listed values"),
        "non_negative": tr("Must be 0 or more"),
        "positive": tr("Must be more than 0"),
        "year": tr("Not a valid year"),
        "date": tr("Not a valid date (YYYY-MM-DD)"),
        "type": tr("Wrong kind of value"),
        "int": tr("Must be a whole number"),
        "real": tr("Must be a number"),
        "tenancy.move_out_before_move_in": tr("Move-out date is before the move-in date {move_in_at}"),
        "tenancy.unit_required": tr("Choose the room the tenant lives in"),
        "tenancy.already_here": tr("Already lives in this room"),
        "tenancy.already_placed": tr("Already has a room: record a move-out and register them again"),
        "tenancy.unit_in_other_building": tr("Choose a room of the building they live in"),
        "person.id_number_known": tr("Already registered to another person: use the card above "
                                     "instead of adding a second record"),
        "person.gender_mismatch": tr("Does not match the ID number"),
        "person.birth_date_mismatch": tr("Does not match the ID number's birth date {expected}"),
        "enum.unknown": tr("Choose one of the listed values"),
        "exists": tr("Not found; choose again"),
        "id.format": tr("Not a valid record id (letters A-Z, digits and _ . : - only)"),
        "id.length": tr("A record id has at most {max} characters"),
        "text.nul": tr("Contains a character that cannot be stored (NUL)"),
        "text.control": tr("Contains an invisible control character: retype it"),
        "text.too_long": tr("Too long: at most {max} characters, this has {length}"),
        "json.too_long": tr("Too long: at most {max} characters, this has {length}"),
        "number.not_finite": tr("Must be an ordinary number"),
        "number.range": tr("Number out of range"),
        "json.value": tr("Contains a value that cannot be stored"),
        "reference.out_of_scope": tr("Belongs to a grid this tablet does not hold"),
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
    """One line naming the field and the rule, e.g. "ID number: Wrong length: …"."""
    field = getattr(error, "field", "")
    rule = rule_text(getattr(error, "rule", ""), getattr(error, "params", {}) or {},
                     getattr(error, "message", ""))
    return tr("{field}: {rule}").format(field=field_label(field), rule=rule)
