"""Display masking (domain.md §2.8)."""

from __future__ import annotations

from gridpad.core.masking import mask_birth_date, mask_id_number, mask_name, mask_phone


def test_id_number_masks() -> None:
    assert mask_id_number("441900199003071238") == "441900********1238"
    assert mask_id_number("441900199003071238", privileged=False) == "4****************8"
    assert mask_id_number("E12345678") == "E*******8"  # too short to show 6+4
    assert mask_id_number(None) == "" and mask_id_number("") == ""
    assert mask_id_number("12") == "**"


def test_phone_masks() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0769-22345678") == "0769-****5678"
    assert mask_phone("020-87654321") == "020-****4321"
    assert mask_phone(None) == ""
    assert mask_phone("123") == "***"


def test_name_masks() -> None:
    assert mask_name("张小明") == "张*明"
    assert mask_name("李四") == "李*"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_name("王") == "*"
    assert mask_name("John Smith") == "J*** S****"
    assert mask_name(None) == ""


def test_masks_never_leak_the_middle() -> None:
    number = "430524199604113516"
    masked = mask_id_number(number, privileged=False)
    assert len(masked) == len(number) and masked.count("*") == 16


def test_birth_date_keeps_the_year_only() -> None:
    # A masked 18-digit ID number hides exactly YYYYMMDD: the date beside it must not fill them in.
    assert mask_birth_date("1949-12-31") == "1949-**-**"
    assert mask_birth_date(None) == "" and mask_birth_date("") == ""
    assert mask_birth_date("31/12") == "*****"  # odd input still masks
