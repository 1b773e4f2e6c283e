"""Enumerations, building rules, the 3-working-day report rule."""

from __future__ import annotations

from datetime import date

import pytest

from sync.rules import enums
from sync.rules.buildings import default_max_occupants, is_overcrowded, is_scale_rental
from sync.rules.errors import RuleError
from sync.rules.tenancy import calendar_covers, is_report_late, is_working_day, report_deadline


def test_enum_tables() -> None:
    assert len(enums.ETHNICITY) == 58
    assert enums.ETHNICITY["01"] == "汉族" and enums.ETHNICITY["56"] == "基诺族"
    assert enums.ETHNICITY["98"] == "外国血统中国籍人士"
    assert set(enums.GENDER) == {"1", "2", "0", "9"}
    assert enums.RELATION["01"] == "本人" and enums.RELATION["99"] == "非亲属"
    for table in enums.ENUMS.values():
        assert len(set(table.values())) == len(table)  # labels unambiguous, so to_code is too


def test_to_code_and_label() -> None:
    assert enums.to_code("building_type", "农民房") == "VILLAGE_HOUSE"
    assert enums.to_code("building_type", "village_house") == "VILLAGE_HOUSE"
    assert enums.to_code("tenancy_role", "承租人") == "HEAD_TENANT"
    assert enums.to_code("ethnicity", "1") == "01"
    assert enums.label("move_out_reason", "LEFT_DONGGUAN") == "离莞"
    with pytest.raises(RuleError) as exc:
        enums.to_code("gender", "unknown-ish", "gender")
    assert exc.value.error.rule == "enum.unknown" and exc.value.error.params["enum"] == "gender"


def test_scale_rental_thresholds() -> None:
    assert not is_scale_rental(19, 29)
    assert is_scale_rental(20, 0) and is_scale_rental(0, 30) and is_scale_rental(None, 30)
    assert not is_scale_rental(None, None)


def test_max_occupants_from_area() -> None:
    assert default_max_occupants(17.5) == 4
    assert default_max_occupants(17.5, min_area_per_person=5) == 3
    assert default_max_occupants(12.0, 4) == 3
    assert default_max_occupants(2.0) == 1
    assert default_max_occupants(None) is None
    assert is_overcrowded(5, 17.5) and not is_overcrowded(4, 17.5)


def test_report_deadline_counts_working_days() -> None:
    # Friday 2024-03-01 → Mon, Tue, Wed: due Wednesday 2024-03-06
    assert report_deadline(date(2024, 3, 1)) == date(2024, 3, 6)
    assert not is_report_late(date(2024, 3, 1), date(2024, 3, 6))
    assert is_report_late(date(2024, 3, 1), date(2024, 3, 7))
    assert is_report_late(date(2024, 3, 1), None, today=date(2024, 3, 7))
    assert not is_report_late(date(2024, 3, 1), None, today=date(2024, 3, 6))


def test_holidays_and_make_up_days() -> None:
    if not calendar_covers(date(2024, 10, 1)):
        pytest.fail("chinesecalendar should know 2024")
    # National Day 2024: Oct 1–7 off; Sunday Sep 29 and Saturday Oct 12 were working days.
    assert not is_working_day(date(2024, 10, 1))
    assert is_working_day(date(2024, 9, 29)) and is_working_day(date(2024, 10, 12))
    assert report_deadline(date(2024, 9, 30)) == date(2024, 10, 10)


def test_unknown_years_fall_back_to_weekdays() -> None:
    assert not calendar_covers(date(2099, 1, 1))
    assert report_deadline(date(2099, 1, 2)) == date(2099, 1, 7)  # Friday → Wednesday


def test_id_type_enum_matches_the_validators() -> None:
    from sync.rules.idnumber import ID_TYPES

    assert set(ID_TYPES) == set(enums.ID_TYPE)
