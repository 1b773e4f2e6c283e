"""Queries of several terms in the one search box: an address or name plus a room, as typed at a door."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridpad.core import search_query as sq
from gridpad.store import people, repo, search, search_terms
from gridpad.store.db import Store, connect, open_store

ZW_ID = "441900199001011231"
ZW_PHONE = "13812345678"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "gridpad.sqlite")
    jx = repo.insert(s, "building", {"grid_id": "g1", "name": "锦厦花园3栋",
                                     "address": "东城街道主山社区锦厦路12号"})
    xy = repo.insert(s, "building", {"grid_id": "g1", "address": "南城街道兴业路18号", "road": "兴业路",
                                     "door_no": "18号"})
    units = {(b, room): repo.insert(s, "unit", {"grid_id": "g1", "building_id": b, "room_no": room})
             for b, room in ((jx, "301"), (jx, "302"), (xy, "301"), (xy, "302"), (xy, "1302"))}

    def move_in(name: str, unit: str, **fields: str) -> str:
        _, tenancy = people.register_tenant(s, {"grid_id": "g1", "name": name, **fields},
                                            {"unit_id": unit, "move_in_at": "2024-01-01"})
        return tenancy

    move_in("张伟", units[jx, "301"], id_number=ZW_ID, phone=ZW_PHONE)
    move_in("张伟", units[xy, "302"], phone="13900002222")
    move_in("张伟强", units[xy, "302"])
    move_in("陈静", units[xy, "1302"])
    people.move_out(s, move_in("王芳", units[xy, "301"]), "2024-06-30", "退租")
    repo.insert(s, "person", {"grid_id": "g1", "name": "张伟", "phone": "13700003333"}, id="p-nohome")
    yield s
    s.close()


def _hits(store: Store, query: str, **kw: int) -> list[tuple[str, str, str]]:
    """(kind, title, the place a person lives, masked) — enough to tell two 张伟 apart."""
    return [(h.kind, h.title, h.subtitle.split(" · ")[-1] if h.kind == "person" else "")
            for h in search.search(store, query, **kw)]


def test_terms_split_on_spaces_full_width_spaces_and_commas() -> None:
    assert sq.split_terms(" 锦厦　301，张伟,zw、5678 ") == ["锦厦", "301", "张伟", "zw", "5678"]
    assert sq.split_terms("张伟") == ["张伟"]
    assert sq.place_and_room("兴业路18号302") == ("兴业路18号", "302")
    assert sq.place_and_room("锦厦302室") == ("锦厦", "302")
    assert sq.place_and_room("张伟") is None and sq.place_and_room("1302") is None


def test_building_name_and_room_finds_the_unit_then_who_lives_there(store: Store) -> None:
    assert _hits(store, "锦厦 301") == [("unit", "锦厦花园3栋 301", ""), ("person", "张*", "锦厦花园3栋 301")]


def test_address_and_room_however_separated(store: Store) -> None:
    expected = [("unit", "兴业路18号 302", ""),
                ("person", "张*", "兴业路18号 302"), ("person", "张*强", "兴业路18号 302"),
                ("unit", "兴业路18号 1302", ""),  # 302 inside 1302: a substring, ranked last
                ("person", "陈*", "兴业路18号 1302")]
    assert _hits(store, "兴业路18号 302") == expected
    for query in ("兴业路18号　302", "兴业路18号，302", "兴业路18号,302", "302 兴业路18号",
                  "  兴业路18号  302 "):
        assert _hits(store, query) == expected, query
    # Typed without a space: matches nothing whole, so read as the address and the room.
    assert _hits(store, "兴业路18号302") == expected
    assert _hits(store, "锦厦301") == _hits(store, "锦厦 301")
    # A word that matches whole keeps its single-term meaning (no address + room reading).
    assert _hits(store, "兴业路18") == [("building", "兴业路18号", "")]
    assert _hits(store, "兴业路18号302室") == expected


def test_name_and_room_picks_the_person_at_that_door(store: Store) -> None:
    hits = search.search(store, "张伟 302")
    assert [(h.kind, h.title, h.subtitle.split(" · ")[-1]) for h in hits] == [
        ("person", "张*", "兴业路18号 302"), ("person", "张*强", "兴业路18号 302")]
    assert hits[0].score > hits[1].score  # exact name before a longer one
    assert _hits(store, "zw 302") == _hits(store, "张伟 302")  # pinyin initials as the name
    assert _hits(store, "张伟 锦厦") == [("person", "张*", "锦厦花园3栋 301")]
    assert _hits(store, "张伟，兴业路18号，302") == _hits(store, "张伟 302")


def test_every_term_must_match(store: Store) -> None:
    assert _hits(store, "锦厦 999") == []
    assert _hits(store, "张伟 nonexistent") == []
    assert _hits(store, "陈静 302") == [("person", "陈*", "兴业路18号 1302")]  # 1302 contains 302
    assert _hits(store, "陈静 301") == []
    # A moved-out tenant no longer matches through the old home; the unit still does.
    assert _hits(store, "兴业路18号 301") == [("unit", "兴业路18号 301", "")]
    assert _hits(store, "王芳 301") == []


def test_id_and_phone_tails_combine_with_a_name(store: Store) -> None:
    assert _hits(store, f"张伟 {ZW_ID[-4:]}") == [("person", "张*", "锦厦花园3栋 301")]
    # No home: found by name and phone (the subtitle ends with the masked phone).
    assert _hits(store, "张伟 3333") == [("person", "张*", "137****3333")]
    assert _hits(store, "3333 302") == []


def test_own_matches_rank_before_matches_through_the_place(store: Store) -> None:
    titles = _hits(store, "锦厦 花园")
    assert titles[0] == ("building", "锦厦花园3栋", "")  # both words in its own name
    assert set(titles[1:]) == {("person", "张*", "锦厦花园3栋 301"), ("unit", "锦厦花园3栋 301", ""),
                               ("unit", "锦厦花园3栋 302", "")}


def test_paging_walks_the_same_ranking(store: Store) -> None:
    everyone = _hits(store, "兴业路18号 302", limit=50)
    pages = [h for off in range(0, 6, 2) for h in _hits(store, "兴业路18号 302", limit=2, offset=off)]
    assert pages == everyone and len(everyone) == 5
    assert _hits(store, "兴业路18号 302", limit=5, offset=5) == []


def test_results_stay_masked(store: Store) -> None:
    hits = search.search(store, "锦厦 301")
    text = json.dumps([[h.title, h.subtitle] for h in hits], ensure_ascii=False)
    assert ZW_ID not in text and ZW_PHONE not in text and "张伟" not in text
    assert "441900********1231" in text and "138****5678" in text


def test_new_tenant_is_found_by_address_and_room_at_once(store: Store) -> None:
    assert _hits(store, "锦厦 302") == [("unit", "锦厦花园3栋 302", "")]
    unit = store.db.execute("SELECT id FROM unit WHERE room_no = '302' AND building_id = "
                              "(SELECT id FROM building WHERE name = '锦厦花园3栋')").fetchone()[0]
    people.register_tenant(store, {"grid_id": "g1", "name": "刘洋"},
                           {"unit_id": unit, "move_in_at": "2024-03-01"})
    assert _hits(store, "锦厦 302") == [("unit", "锦厦花园3栋 302", ""), ("person", "刘*", "锦厦花园3栋 302")]
    assert _hits(store, "刘洋 302") == [("person", "刘*", "锦厦花园3栋 302")]


def test_numbers_only_match_units_and_their_residents(store: Store) -> None:
    assert _hits(store, "30 301") == [("unit", "锦厦花园3栋 301", ""), ("unit", "兴业路18号 301", ""),
                                      ("person", "张*", "锦厦花园3栋 301")]


def test_a_room_number_filters_but_never_drives(store: Store) -> None:
    search.refresh_index(store)
    conn = connect(store.path)  # readings() works on a connection: a plain one to the same file
    readings = search_terms.readings(conn, ["302", "张伟"])
    assert readings is not None and [q.text for q in readings] == ["张伟", "302"]
    assert search_terms.readings(conn, ["张伟", "nonexistent"]) is None
    conn.close()


def test_cli_takes_a_query_of_several_terms(store: Store, tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "gridpad", "--data-dir", str(tmp_path), "search", "锦厦 301"],
                         capture_output=True, text=True, timeout=60, check=True)
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(x["kind"], x["title"]) for x in lines] == [("unit", "锦厦花园3栋 301"), ("person", "张*")]
    assert ZW_PHONE not in out.stdout and ZW_ID not in out.stdout


def test_a_unit_moved_to_another_building_is_found_at_its_new_address(store: Store) -> None:
    assert _hits(store, "锦厦 302") == [("unit", "锦厦花园3栋 302", "")]
    unit, building = store.db.execute(
        "SELECT u.id, (SELECT id FROM building WHERE road = '兴业路') FROM unit u "
        "JOIN building b ON b.id = u.building_id WHERE b.name = '锦厦花园3栋' AND u.room_no = '302'"
    ).fetchone()
    repo.update(store, "unit", unit, {"building_id": building, "room_no": "305"})
    assert _hits(store, "锦厦 302") == []
    assert _hits(store, "兴业路18号 305") == [("unit", "兴业路18号 305", "")]


def test_an_index_built_before_room_keys_gains_them(store: Store) -> None:
    expected = _hits(store, "兴业路18号 302")
    lo, hi = search_terms.unit_key_range()
    keys = store.db.execute("SELECT key, doc_id FROM search_key WHERE key >= ? AND key < ? ORDER BY 1",
                              (lo, hi)).fetchall()
    assert len(keys) == 5  # one per unit
    store.db.execute("DELETE FROM search_key WHERE key >= ? AND key < ?", (lo, hi))
    assert _hits(store, "兴业路18号 302") == expected
    assert store.db.execute("SELECT key, doc_id FROM search_key WHERE key >= ? AND key < ? ORDER BY 1",
                              (lo, hi)).fetchall() == keys
    search.rebuild_index(store)
    assert _hits(store, "兴业路18号 302") == expected
