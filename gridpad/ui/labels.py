"""Labels for code-table values (``sync.rules.enums``): the Chinese label in a Chinese UI, an
English one otherwise. Records store codes, so switching language never changes data."""

from __future__ import annotations

from PySide6.QtCore import QLocale

from sync.rules import enums

_ENGLISH: dict[str, dict[str, str]] = {
    "gender": {"1": "Male", "2": "Female", "0": "Unknown", "9": "Not stated"},
    "relation": {
        "01": "Self", "02": "Head of household", "10": "Spouse", "11": "Husband", "12": "Wife",
        "20": "Son", "30": "Daughter", "50": "Parent", "51": "Father", "52": "Mother",
        "71": "Elder brother", "73": "Younger brother", "75": "Elder sister", "77": "Younger sister",
        "97": "Other relative", "99": "Not related",
    },
    "id_type": {
        "RESIDENT_ID": "Resident ID card", "TEMP_RESIDENT_ID": "Temporary resident ID card",
        "HOUSEHOLD_BOOKLET": "Household register", "HMT_RESIDENCE_PERMIT": "HK/Macao/Taiwan residence permit",
        "HK_MACAU_TRAVEL_PERMIT": "HK/Macao travel permit", "TW_TRAVEL_PERMIT": "Taiwan travel permit",
        "CN_PASSPORT": "Chinese passport", "FOREIGN_PASSPORT": "Foreign passport",
        "FOREIGN_PR_2017": "Foreign permanent residence card (2017)",
        "FOREIGN_PR_2023": "Foreign permanent residence card (2023)", "OTHER": "Other",
    },
    "building_type": {
        "VILLAGE_HOUSE": "Village house", "COLLECTIVE_BUILDING": "Collective building",
        "COMMERCIAL_HOUSING": "Commercial housing", "APARTMENT": "Apartment", "DORMITORY": "Dormitory",
        "MIXED_USE": "Mixed use", "SHOP_HOUSE": "Shop house", "SHED": "Simple shed", "OTHER": "Other",
    },
}


def chinese() -> bool:
    return QLocale().language() == QLocale.Language.Chinese


def enum_label(enum: str, code: str | None) -> str:
    if not code:
        return ""
    if chinese() or enum == "ethnicity":  # ethnic group names stay in Chinese (GB/T 3304)
        return enums.label(enum, code)
    english = _ENGLISH.get(enum, {}).get(code)
    if english:
        return english
    return code.replace("_", " ").capitalize() if code in enums.ENUMS[enum] else code


def options(enum: str) -> list[tuple[str, str]]:
    """(code, label) pairs in the code table's order."""
    return [(code, enum_label(enum, code)) for code in enums.ENUMS[enum]]
