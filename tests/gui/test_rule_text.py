"""Every rule code the shared value checks can raise reads as a sentence in the user's language,
not as the code or the English fallback the server would send."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from gridpad.ui.i18n import Translations
from gridpad.ui.rule_text import rule_text
from sync.rules.errors import FieldError
from sync.rules.values import check_id, check_json, check_number, check_text

REFUSALS = [
    check_id("有 空格"), check_id("x" * 65), check_text("name", "a\x00b", 100),
    check_text("name", "a\x1bb", 100), check_text("name", "长" * 101, 100),
    check_number("area_m2", float("inf"), whole=False), check_number("area_m2", 1e301, whole=False),
    check_json("fire_facilities", '["a\\u0000"]', 10_000),
]


@pytest.mark.parametrize("error", REFUSALS, ids=lambda e: e.rule if e else "none")
def test_each_value_refusal_has_a_chinese_sentence(qapp: QApplication, error: FieldError | None) -> None:
    assert error is not None
    translations = Translations()
    translations.set_language("zh_CN")
    try:
        text = rule_text(error.rule, error.params, fallback="FALLBACK")
    finally:
        translations.set_language("en")
    assert text != "FALLBACK" and text != error.rule
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    assert "{" not in text  # every parameter filled in


def test_a_change_set_aside_gives_the_servers_rule_as_the_forms_word_it(qapp: QApplication) -> None:
    from gridpad.ui.held_view import held_reason

    assert held_reason("text.control", None) == "Contains an invisible control character: retype it"
    # The check character is never named, by the forms or here (the server sends none anyway).
    assert held_reason("id_number.check_digit", None) == (
        "The number does not add up: compare every digit with the card")
    # A rule the forms word with a value the server never sends: worded without it, not half-filled.
    assert held_reason("person.birth_date_mismatch", None) == "Does not match the birth date in the ID number"
    assert held_reason("no.such_rule", None) == "breaks the server's rule \u201cno.such_rule\u201d"
    assert held_reason("grid_change", None).startswith("moves the record to another grid")


@pytest.mark.parametrize("rule", ["id_number.check_digit", "uscc.check_digit"])
def test_a_wrong_check_character_asks_to_compare_with_the_card(qapp: QApplication, rule: str) -> None:
    """Told "应为 3", people change the last digit instead of re-reading the card: the sentence asks
    for the number to be compared with the document and names no character, even if one is given."""
    translations = Translations()
    translations.set_language("zh_CN")
    try:
        text = rule_text(rule, {"expected": "3"})
    finally:
        translations.set_language("en")
    assert "3" not in text and "应为" not in text
    assert "核对" in text
    assert "compare every" in rule_text(rule, {"expected": "3"})
