"""Phone numbers and organisation credit codes."""

from __future__ import annotations

import pytest

from sync.rules.errors import RuleError
from sync.rules.phone import validate_phone
from sync.rules.uscc import make_uscc, validate_uscc


@pytest.mark.parametrize(("raw", "normal"), [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("+86 138-1234-5678", "13812345678"),
    ("0086 13812345678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),
    ("0769-22345678", "0769-22345678"),
    ("076922345678", "0769-22345678"),
    ("(0769) 2234 5678", "0769-22345678"),
    ("020 87654321", "020-87654321"),
])
def test_phones_normalise(raw: str, normal: str) -> None:
    assert validate_phone(raw) == normal


@pytest.mark.parametrize(("raw", "rule"), [
    ("", "phone.empty"),
    ("138-abcd-5678", "phone.format"),
    ("1381234567", "phone.mobile_length"),
    ("12345678901", "phone.mobile_prefix"),
    ("22345678", "phone.area_code_missing"),
    ("0769-2234567", "phone.landline_invalid"),
])
def test_bad_phones_say_why(raw: str, rule: str) -> None:
    with pytest.raises(RuleError) as exc:
        validate_phone(raw)
    assert exc.value.error.rule == rule
    assert exc.value.error.field == "phone"
    assert exc.value.error.message.startswith("phone: ")


def test_uscc() -> None:
    good = make_uscc("91441900" + "MA4W1234" + "5")
    assert validate_uscc(good.lower()) == good
    assert validate_uscc(good[:8] + "-" + good[8:]) == good
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(RuleError) as exc:
        validate_uscc(wrong)
    assert exc.value.error.rule == "uscc.check_digit"
    assert exc.value.error.params == {}  # never the character that would fit
    assert "compare the whole code with the business licence" in exc.value.error.message
    cases = (("9144190", "uscc.length"), ("9144190AMA4W12345X", "uscc.format"), ("  ", "uscc.empty"))
    for bad, rule in cases:
        with pytest.raises(RuleError) as exc:
            validate_uscc(bad)
        assert exc.value.error.rule == rule
