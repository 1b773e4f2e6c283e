"""Cells of office spreadsheets → clean values; header spellings → import fields."""

from __future__ import annotations

import datetime as dt

import pytest

from gridpad.transfer import cleaning
from gridpad.transfer.headers import find_header_row, header_key
from gridpad.transfer.sheets import decode_csv


@pytest.mark.parametrize(
    "cell",
    [
        "2023.5.1",
        "2023年5月1日",
        "2023/05/01",
        "20230501",
        "2023-5-1",
        " 2023 年 5 月 1 日 ",
        "２０２３．５．１",
        45047,
        45047.0,
        "45047",
        dt.datetime(2023, 5, 1, 0, 0),
        dt.date(2023, 5, 1),
        "2023-05-01 00:00:00",
    ],
)
def test_dates_in_every_office_form_become_iso(cell: object) -> None:
    assert cleaning.date(cell) == "2023-05-01"


@pytest.mark.parametrize(
    ("cell", "rule"),
    [("2023.2.30", "date"), ("2023年13月1日", "date"), ("下个月", "date_format"), ("5/1", "date_format")],
)
def test_bad_dates_name_their_rule(cell: str, rule: str) -> None:
    with pytest.raises(cleaning.CellError) as exc:
        cleaning.date(cell)
    assert exc.value.rule == rule


def test_id_number_cells_lose_spaces_full_width_and_lower_case_x() -> None:
    assert cleaning.id_number(" 1101 0519 4912 3100 2x ") == "11010519491231002X"
    assert cleaning.id_number("４４１９００１９９００３０７１２３８") == "441900199003071238"
    assert cleaning.id_number("'441900199003071238") == "441900199003071238"
    assert cleaning.id_number(441900900307123) == "441900900307123"  # 15 digits fit in a number cell
    with pytest.raises(cleaning.CellError) as exc:
        cleaning.id_number(4.41900199003071e17)  # what Excel keeps of an 18-digit number
    assert exc.value.rule == "id_number.numeric_cell"


@pytest.mark.parametrize(
    "cell",
    [
        "138 0013 8000",
        "138-0013-8000",
        "+86 13800138000",
        "+86-138-0013-8000",
        "008613800138000",
        13800138000,
        "１３８００１３８０００",
    ],
)
def test_phone_cells_are_reduced_to_digits(cell: object) -> None:
    assert cleaning.phone(cell) == "13800138000"


def test_numbers_and_floors() -> None:
    assert cleaning.number("35㎡") == 35.0
    assert cleaning.number("12.5平方米") == 12.5
    assert cleaning.integer("3楼") == 3
    assert cleaning.integer("B1") == -1
    with pytest.raises(cleaning.CellError):
        cleaning.integer("三楼")


def test_address_and_room_keys_ignore_spelling_noise() -> None:
    assert cleaning.address_key("广东省东莞市万江街道 金龙路1号") == cleaning.address_key(
        "万江街道金龙路１号"
    )
    assert cleaning.room_key("302室") == cleaning.room_key("302") == cleaning.room_key("302房")
    assert cleaning.room_key("302") != cleaning.room_key("303")


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("姓名", "name"),
        ("公民身份号码", "id_number"),
        ("证件号码", "id_number"),
        ("身份证号", "id_number"),
        ("户籍地", "hukou_address"),
        ("手机号码", "phone"),
        ("服务处所", "employer"),
        ("标准地址", "address"),
        ("房屋地址", "address"),
        ("房间号", "room_no"),
        ("出租人", "landlord_name"),
        ("房东电话", "landlord_phone"),
        ("房东身份证", "landlord_id_number"),
        ("入住时间", "move_in_at"),
        ("与承租人关系", "relation_to_head"),
        ("*姓名", "name"),
        ("联系电话（手机）", "phone"),
        ("面 积", "area_m2"),
        ("备注", "note"),
        ("序号", None),
    ],
)
def test_header_variants(header: str, key: str | None) -> None:
    assert header_key(header) == key


def test_header_row_found_below_a_title_row() -> None:
    rows: list[list[object]] = [
        ["万江街道出租屋人员登记表", None, None],
        [None, None, None],
        ["序号", "姓名", "身份证号"],
        [1, "张三", "x"],
    ]
    assert find_header_row(rows) == 2


def test_csv_bytes_in_gbk_and_utf8_with_bom() -> None:
    text = "姓名,房东\n张伟,李四\n"
    assert decode_csv(text.encode("gbk")) == text
    assert decode_csv(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
