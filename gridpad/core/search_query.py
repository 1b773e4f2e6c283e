"""What the one search box understands: parsing a query and the keys a record is found by. No SQL.

A query is read every way it could be meant, and the store runs each reading:

* Chinese (or mixed) text: 1 character → name prefix; 2 → the bigram key table (2-character
  names and fragments); 3+ → the trigram full-text index (substring of names, addresses).
* Latin letters: pinyin initials of a name (``zw`` → 张伟, and as a prefix 张伟强).
* Digits (an ID number may end in X, which counts as one of its characters): 4+ → the tail of an
  ID number or phone ("002X" is the 证件号后4位 of …1231002X); any → a room number.

Several terms (split on spaces, full-width spaces and commas: "锦厦 301", "张伟，302") must each
match the hit or the place it is in: a person's own keys or their current unit/building, a unit's
room number or its building, a building's own text. One word ending in a room number
("兴业路18号302") that matches nothing whole is read as the address and the room.

Ranking levels: exact 3, prefix 2, substring 1; persons with an active tenancy get a half
point so they come first within a level.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from pypinyin import Style, lazy_pinyin

EXACT, PREFIX, SUBSTRING = 3, 2, 1
ACTIVE_BONUS = 0.5
MIN_TAIL_DIGITS = 4

_DIGITS = re.compile(r"\d+[xX]?")
_LETTERS = re.compile(r"[a-z]+")
#: Term separators after NFKC (full-width space and comma become " " and ","); 、 and ; too.
_SEPARATORS = re.compile(r"[\s,;、]+")
#: "兴业路18号302", "锦厦302室": a place (ending in a non-digit, with some Chinese) and a room.
_PLACE_ROOM = re.compile(r"(?P<place>(?=.*[^\x00-\x7f]).+[^\d-])-?(?P<room>\d{2,5}[a-z]?)[室房]?")

#: Surnames whose usual reading differs from pypinyin's default for the character alone.
_SURNAME_INITIALS = {
    "曾": "z", "单": "s", "解": "x", "仇": "q", "区": "o", "查": "z", "朴": "p", "盖": "g",
    "乐": "y", "覃": "q", "翟": "z", "缪": "m", "繁": "p", "召": "s", "尉": "y", "长": "c",
    "员": "y", "种": "c", "秘": "b", "隗": "w", "燕": "y", "华": "h", "任": "r", "洗": "x",
    "句": "g",
}

#: Compound surnames (复姓). Their readings come from pypinyin's phrase dictionary (尉迟 yù chí,
#: 长孙 zhǎng sūn, 万俟 mò qí, 澹台 tán tái), which the per-character reading cannot see.
#: 单于 is left out: today 单 (shàn) followed by a given name starting with 于 is far more common.
_COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "尉迟", "长孙", "万俟", "澹台", "令狐", "皇甫", "东方", "慕容",
    "公孙", "夏侯", "宇文", "轩辕", "端木", "呼延", "南宫", "申屠", "司徒", "司空", "钟离", "闻人",
    "赫连", "公冶", "宗政", "濮阳", "淳于", "太叔", "仲孙", "鲜于", "闾丘", "亓官", "司寇", "仉督",
    "颛孙", "巫马", "公西", "漆雕", "壤驷", "公良", "拓跋", "夹谷", "宰父", "谷梁", "段干", "百里",
    "东郭", "南门", "西门", "梁丘", "左丘", "东门", "第五", "公羊", "羊舌", "微生", "归海", "即墨",
    "达奚", "褚师", "纳兰", "完颜", "乐正", "子车",
})
#: Compound surnames pypinyin's phrase dictionary reads as ordinary words.
_COMPOUND_OVERRIDES = {"乐正": "yz", "子车": "zj"}


@dataclass(frozen=True)
class SearchQuery:
    """One query, normalised, with the readings that apply (``None``: does not apply)."""

    text: str
    name_prefix: str | None = None
    bigram: str | None = None
    substring: str | None = None
    initials: str | None = None
    #: Reversed digits (upper-case X) for the index on reversed ID numbers and phones.
    tail: str | None = None

    @property
    def empty(self) -> bool:
        return not self.text


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), trimmed, inner spaces collapsed, Latin lower-cased."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).lower()


def split_terms(raw: str) -> list[str]:
    """The terms of a query: normalised, split on spaces and commas, empty ones dropped."""
    return [t for t in _SEPARATORS.split(normalize(raw)) if t]


def place_and_room(term: str) -> tuple[str, str] | None:
    """``("兴业路18号", "302")`` for "兴业路18号302" (a place then a room number), else ``None``."""
    m = _PLACE_ROOM.fullmatch(term)
    return (m["place"], m["room"]) if m else None


def parse(raw: str) -> SearchQuery:
    q = normalize(raw)
    if not q:
        return SearchQuery("")
    n = len(q)
    tail = None
    if _DIGITS.fullmatch(q) and len(q) >= MIN_TAIL_DIGITS:
        tail = reverse_key(q)
    initials = q if _LETTERS.fullmatch(q) and n >= 2 else None
    return SearchQuery(
        text=q,
        name_prefix=q,
        bigram=q if n == 2 and not q.isascii() else None,
        substring=q if n >= 3 else None,
        initials=initials,
        tail=tail,
    )


def reverse_key(value: str) -> str:
    """Digits (and a final X) reversed, so "ends with 1234" becomes a prefix range on an index."""
    return "".join(ch for ch in value.upper() if ch.isdigit() or ch == "X")[::-1]


def phone_key(phone: str | None) -> str | None:
    """Reversed digits of a phone (spaces, dashes and +86 ignored)."""
    if not phone:
        return None
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", phone) if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):  # +86 mobile: keep the 11 digits people type
        digits = digits[2:]
    return digits[::-1] or None


def id_key(id_number: str | None) -> str | None:
    if not id_number:
        return None
    return reverse_key(unicodedata.normalize("NFKC", id_number)) or None


@lru_cache(maxsize=20_000)
def _char_initial(ch: str) -> str:
    if ch.isascii():
        return ch.lower() if ch.isalnum() else ""
    letters = lazy_pinyin(ch, style=Style.FIRST_LETTER, errors="ignore")
    return letters[0][:1].lower() if letters else ""


@cache
def _compound_initials(surname: str) -> str:
    if surname in _COMPOUND_OVERRIDES:
        return _COMPOUND_OVERRIDES[surname]
    return "".join(p[:1] for p in lazy_pinyin(surname, style=Style.FIRST_LETTER)).lower()


def _surname_initials(chars: list[str]) -> tuple[int, str]:
    """How many leading characters are the surname, and their initials (``(0, "")``: none known)."""
    pair = "".join(chars[:2])
    if len(chars) > 2 and pair in _COMPOUND_SURNAMES:  # a compound surname needs a given name after it
        return 2, _compound_initials(pair)
    if chars and chars[0] in _SURNAME_INITIALS:
        return 1, _SURNAME_INITIALS[chars[0]]
    return 0, ""


def initials(name: str | None, *, surname_first: bool = True) -> str | None:
    """Pinyin initials: 张伟强 → ``zwq``. Per character (cached: 200k names index in well under a
    second); the start of a person's name is read as a surname (曾 → z, 单 → s, 长孙 → zs)."""
    if not name:
        return None
    chars = [c for c in normalize(name) if not c.isspace()]
    skip, head = _surname_initials(chars) if surname_first else (0, "")
    return head + "".join(_char_initial(c) for c in chars[skip:]) or None


def bigrams(text: str | None) -> list[str]:
    """Distinct 2-character windows of ``text`` (words split on spaces), in order of appearance."""
    if not text:
        return []
    seen: dict[str, None] = {}
    for word in normalize(text).split():
        for i in range(len(word) - 1):
            seen.setdefault(word[i:i + 2], None)
    return list(seen)


def fts_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase (quotes doubled), so punctuation is matched, not parsed."""
    return '"' + text.replace('"', '""') + '"'


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix`` (for range scans)."""
    return prefix + "\U0010ffff"
