"""Resident ID and other ID types (domain.md §3)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.rules.areas import area_table, lookup_area
from sync.rules.errors import RuleError
from sync.rules.idnumber import (
    check_digit,
    convert_15_to_18,
    make_resident_id,
    validate_id_number,
)


def rule_of(value: str, id_type: str = "RESIDENT_ID") -> str:
    with pytest.raises(RuleError) as exc:
        validate_id_number(value, id_type)
    assert exc.value.error.field == "id_number"
    assert exc.value.error.message.startswith("id_number: ")
    return exc.value.error.rule


def test_standard_vector_is_valid() -> None:
    info = validate_id_number("11010519491231002X")
    assert info.normalized == "11010519491231002X"
    assert info.birth_date == date(1949, 12, 31)
    assert info.gender == "2"
    assert info.area_code == "110105"
    assert "朝阳区" in (info.area_name or "")


def test_lower_case_x_spaces_and_full_width_are_normalised() -> None:
    assert validate_id_number("11010519491231002x").normalized == "11010519491231002X"
    assert validate_id_number(" 110105 19491231 002X ").normalized == "11010519491231002X"
    full_width = "１１０１０５１９４９１２３１００２ｘ"
    assert validate_id_number(full_width).normalized == "11010519491231002X"


def test_bad_check_digit_asks_to_reread_the_card_and_never_gives_the_fitting_character() -> None:
    with pytest.raises(RuleError) as exc:
        validate_id_number("110105194912310021")
    err = exc.value.error
    assert err.rule == "id_number.check_digit"
    # Not in the parameters either: no screen, import message or error file can show "should be X".
    assert err.params == {}
    assert err.message == ("id_number: the check digit does not fit the other digits: "
                           "compare the whole number with the card")


def test_each_failure_has_its_own_rule() -> None:
    impossible = make_resident_id("110105", date(1949, 2, 1), 2).replace("19490201", "19490231")
    assert rule_of(impossible) == "id_number.date_invalid"
    assert rule_of(make_resident_id("999999", date(1990, 1, 1), 11)) == "id_number.area_unknown"
    assert rule_of("1101051949123100") == "id_number.length"
    assert rule_of("11010519491231002Y") == "id_number.format"
    assert rule_of(make_resident_id("110105", date(1899, 12, 31), 11)) == "id_number.date_too_early"
    future = date.today() + timedelta(days=2)
    assert rule_of(make_resident_id("110105", future, 11)) == "id_number.date_future"
    assert rule_of("") == "id_number.empty"


def test_dongguan_native_born_before_the_code_existed_is_valid() -> None:
    # 441900 was created in 1988; the number is assigned later, so 1987 births hold it.
    number = make_resident_id("441900", date(1987, 6, 15), 1)
    info = validate_id_number(number)
    assert info.area_code == "441900" and info.gender == "1"
    assert info.area_name == "广东省东莞市"
    for old_code, born in (("442502", date(1986, 3, 1)), ("442527", date(1970, 3, 1)),
                           ("442527", date(1995, 3, 1))):
        assert validate_id_number(make_resident_id(old_code, born, 22)).area_code == old_code


def test_area_table_keeps_history() -> None:
    old, current = lookup_area("442527"), lookup_area("441900")
    assert old is not None and not old.current
    assert current is not None and current.current
    assert lookup_area("999999") is None
    assert len(area_table()) > 3000


def test_fifteen_digit_ids_convert_to_eighteen() -> None:
    assert convert_15_to_18("110105491231002") == "11010519491231002X"
    assert validate_id_number("110105491231002").normalized == "11010519491231002X"
    assert rule_of("110105490231002") == "id_number.date_invalid"
    with pytest.raises(RuleError):
        convert_15_to_18("1101054912310")


def test_other_id_types() -> None:
    hk = "810000" + "19900101" + "003"
    hk += check_digit(hk)
    info = validate_id_number(hk, "HMT_RESIDENCE_PERMIT")
    assert info.birth_date == date(1990, 1, 1) and info.gender == "1" and info.area_name == "香港"
    shenzhen = make_resident_id("440300", date(1990, 1, 1), 3)
    assert rule_of(shenzhen, "HMT_RESIDENCE_PERMIT") == "id_number.hmt_prefix"
    pr = "94441019800101001"
    assert validate_id_number(pr + check_digit(pr), "FOREIGN_PR_2023").normalized.startswith("9444")
    wrong = pr + ("0" if check_digit(pr) != "0" else "1")
    assert rule_of(wrong, "FOREIGN_PR_2023") == "id_number.check_digit"
    assert validate_id_number("h12345678", "HK_MACAU_TRAVEL_PERMIT").normalized == "H12345678"
    assert rule_of("X12345678", "HK_MACAU_TRAVEL_PERMIT") == "id_number.format"
    assert validate_id_number("12345678", "TW_TRAVEL_PERMIT").normalized == "12345678"
    assert validate_id_number("EA1234567", "CN_PASSPORT").normalized == "EA1234567"
    assert validate_id_number("G12345678", "CN_PASSPORT").normalized == "G12345678"
    assert rule_of("EI1234567", "CN_PASSPORT") == "id_number.format"
    assert validate_id_number("ab 123456", "FOREIGN_PASSPORT").normalized == "AB123456"
    assert validate_id_number("USA123456789012", "FOREIGN_PR_2017").normalized == "USA123456789012"
    assert validate_id_number("  some  paper ", "OTHER").normalized == "some paper"
    with pytest.raises(RuleError) as exc:
        validate_id_number("123", "NOPE")
    assert exc.value.error.field == "id_type"


_CODES = sorted(area_table())


@settings(max_examples=300, deadline=None)
@given(code=st.sampled_from(_CODES), born=st.dates(date(1900, 1, 1), date.today()),
       seq=st.integers(0, 999))
def test_any_generated_number_validates_and_round_trips(code: str, born: date, seq: int) -> None:
    number = make_resident_id(code, born, seq)
    info = validate_id_number(number.lower())
    assert info.normalized == number
    assert info.birth_date == born
    assert info.gender == ("1" if seq % 2 else "2")
    assert info.area_code == code
    # any single changed check character is caught
    wrong = "0" if number[-1] != "0" else "1"
    with pytest.raises(RuleError):
        validate_id_number(number[:-1] + wrong)
