"""HK/Macau/Taiwan residence permits given without their ID type, and the test vectors of a public
validator checked against ours.

The vectors below are taken from jxlwqq/id-validator.py (``test_validator.py``,
https://github.com/jxlwqq/id-validator.py, MIT licence). That project's default (non-strict) mode
accepts an area code created after the birth date, as ours does (DESIGN.md: a number keeps the
code of the place where it was first assigned); its strict mode is deliberately not ours.
"""

from __future__ import annotations

import csv
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from gridpad.cli import main
from gridpad.config import db_path
from sync.rules.errors import RuleError
from sync.rules.idnumber import convert_15_to_18, infer_id_type, validate_id_number
from sync.rules.records import validate_record

TAIWAN = "830000199201300022"  # a 台湾居民居住证 number with a right check digit
HONG_KONG = "810000199408230021"

# jxlwqq/id-validator.py test_is_valid (non-strict mode): number → valid?
JXLWQQ_IS_VALID = [
    ("440308199901101512", True),
    ("610104620927690", True),
    (HONG_KONG, True),
    (TAIWAN, True),
    ("500154199301135886", True),  # born before the area code was published (non-strict mode)
    ("411082198901010002", True),  # likewise
    ("500154199804106120", True),
    ("440308199901101513", False),  # check digit
    ("44030819990110", False),  # length
    ("111111199901101512", False),  # area code
    ("440308199902301512", False),  # birth date
    ("610104620932690", False),  # birth date (15 digits)
    ("44040119580101000X", True),  # a legacy code: 珠海市市辖区
    ("140120197901010008", True),  # a legacy code: 太原市市区
]

# jxlwqq/id-validator.py test_get_info: number → (birth date, sex 1 male / 0 female, province, county).
JXLWQQ_GET_INFO = [
    ("440308199901101512", "1999-01-10", 1, "广东省", "盐田区"),
    ("362324198001010014", "1980-01-01", 1, "江西省", "丰城县"),
    ("362324198101010011", "1981-01-01", 1, "江西省", "丰城县"),
    ("362324198201010019", "1982-01-01", 1, "江西省", "铅山县"),
    ("430302199312194239", "1993-12-19", 1, "湖南省", "雨湖区"),
]


def _valid(number: str) -> bool:
    try:
        validate_id_number(number)  # no ID type given, as in their API
    except RuleError:
        return False
    return True


@pytest.mark.parametrize(("number", "valid"), JXLWQQ_IS_VALID)
def test_jxlwqq_is_valid_vectors_agree_with_ours(number: str, valid: bool) -> None:
    assert _valid(number) is valid


@pytest.mark.parametrize(("number", "born", "sex", "province", "county"), JXLWQQ_GET_INFO)
def test_jxlwqq_get_info_vectors_agree_with_ours(number: str, born: str, sex: int, province: str,
                                                county: str) -> None:
    info = validate_id_number(number)
    assert info.birth_date == date.fromisoformat(born)
    assert info.gender == ("1" if sex == 1 else "2")
    assert info.area_code == number[:6]
    assert (info.area_name or "").startswith(province)
    if number[:6] == "362324" and born < "1982":
        # python-stdnum's GB/T 2260 history (ours) knows 362324 only as 铅山县; jxlwqq's table
        # has it as 丰城县 before 1982. The area name is shown, never used to accept or refuse.
        assert info.area_name == "江西省铅山县"
    else:
        assert (info.area_name or "").endswith(county)


def test_jxlwqq_upgrade_of_a_15_digit_number_is_valid() -> None:
    assert _valid(convert_15_to_18("610104620927690"))


@pytest.mark.parametrize(("number", "region"), [(TAIWAN, "台湾"), (HONG_KONG, "香港"),
                                                ("820000199001010029", "澳门")])
def test_a_number_without_its_type_starting_8x0000_is_a_residence_permit(number: str, region: str) -> None:
    assert infer_id_type(number) == "HMT_RESIDENCE_PERMIT"
    info = validate_id_number(number)
    assert info.area_name == region and info.birth_date is not None
    assert infer_id_type("11010519491231002X") == "RESIDENT_ID"
    assert infer_id_type("8300001992013000") == "RESIDENT_ID"  # too short: the length rule speaks


def test_a_residence_permit_number_typed_as_a_resident_id_names_the_type_to_choose() -> None:
    with pytest.raises(RuleError) as exc:
        validate_id_number(TAIWAN, "RESIDENT_ID")
    assert exc.value.error.rule == "id_number.hmt_as_resident"
    assert "residence permit" in exc.value.error.message and "area code" not in exc.value.error.message


def test_the_shared_record_rules_read_the_type_from_the_number() -> None:
    person = {"grid_id": "g1", "name": "林小美", "id_number": TAIWAN, "gender": "2",
              "birth_date": "1992-01-30"}
    assert validate_record("person", person) == []  # as the server judges a pushed row
    wrong = validate_record("person", {**person, "birth_date": "1992-01-31"})
    assert [e.rule for e in wrong] == ["person.birth_date_mismatch"]  # read as a permit, not ignored


def test_import_of_a_sheet_with_only_an_id_column_stores_residence_permits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "社区登记.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["姓名", "身份证号码", "手机号码", "房屋地址", "房间号", "入住时间"])
        w.writerow(["林小美", TAIWAN, "13800138000", "东莞市万江街道金龙路1号", "301", "2024-03-01"])
        w.writerow(["陈大文", HONG_KONG, "13900139000", "东莞市万江街道金龙路1号", "302", "2024-03-01"])
        w.writerow(["王芳", "11010519491231002X", "13700137000", "东莞市万江街道金龙路1号", "303",
                    "2024-03-01"])
    data = tmp_path / "data"
    code = main(["--data-dir", str(data), "import", str(sheet), "--grid", "44190000500101"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "imported 3" in out and "rejected 0" in out
    with sqlite3.connect(db_path(data)) as c:
        stored = dict(c.execute("SELECT id_number, id_type FROM person WHERE name != ''").fetchall())
    c.close()
    assert stored[TAIWAN] == "HMT_RESIDENCE_PERMIT"
    assert stored[HONG_KONG] == "HMT_RESIDENCE_PERMIT"  # no longer a resident ID of "香港特别行政区"
    assert stored["11010519491231002X"] == "RESIDENT_ID"
