"""Reading a search-box query (pure, no database)."""

from __future__ import annotations

from gridpad.core import search_query as sq


def test_readings_by_shape_of_query() -> None:
    assert sq.parse("张").name_prefix == "张" and sq.parse("张").bigram is None
    two = sq.parse(" 张伟 ")
    assert (two.text, two.bigram, two.substring, two.initials, two.tail) == ("张伟", "张伟", None, None, None)
    three = sq.parse("锦厦花园")
    assert three.substring == "锦厦花园" and three.bigram is None
    letters = sq.parse("ZW")
    assert (letters.initials, letters.tail) == ("zw", None)
    assert sq.parse("z").initials is None  # one letter matches too much to be useful
    assert sq.parse("123").tail is None  # three digits: a room, not a tail
    tail = sq.parse("1234X")
    assert tail.tail == "X4321"


def test_an_id_tail_of_four_characters_may_end_in_x() -> None:
    # 证件号后4位 of …849X is "849X": the X is one of the four characters, typed either case.
    assert sq.parse("849X").tail == "X948"
    assert sq.parse("002x").tail == "X200"
    assert sq.parse("８４９Ｘ").tail == "X948"
    assert sq.parse("49X").tail is None
    assert sq.parse("１２３４").tail == "4321"  # full-width digits from a Chinese IME
    assert sq.parse("   ").empty


def test_keys_for_records() -> None:
    assert sq.initials("张伟强") == "zwq"
    assert sq.initials("曾伟") == "zw"
    assert sq.initials("宏图花园3栋", surname_first=False) == "hthy3d"
    assert sq.initials("万俟路", surname_first=False) == "wql"  # a place: no surname reading
    assert sq.initials(None) is None
    assert sq.bigrams("锦厦 花园园") == ["锦厦", "花园", "园园"]
    assert sq.phone_key("+86 138-1234-5678") == "87654321831"
    assert sq.id_key("44190019900101123x") == "X32110100991009144"
    assert sq.fts_phrase('a"b') == '"a""b"'
    assert sq.prefix_upper_bound("zw") > "zwzzzz"


def test_compound_surnames_read_as_surnames() -> None:
    # 尉迟 yù chí, 长孙 zhǎng sūn, 万俟 mò qí (pypinyin's phrase readings); 句 as a surname is gōu.
    assert sq.initials("尉迟敬") == "ycj"
    assert sq.initials("长孙无忌") == "zswj"
    assert sq.initials("万俟丽") == "mql"
    assert sq.initials("句磊") == "gl"
    assert sq.initials("乐正绫") == "yzl"
    assert sq.initials("长孙") == "cs"  # no given name after it: 长 (cháng) and a given name 孙
    assert sq.initials("单于明") == "sym"  # 单 (shàn) + 于明, not the rare 单于
