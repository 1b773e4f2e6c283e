"""The one search box over the local store: each kind of query, ranking, paging, masking, freshness."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridpad.store import people, repo, search
from gridpad.store.db import Store, open_store

ZHANG_WEI_ID = "441900199001011231"
ZHANG_WEI_PHONE = "13812345678"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "gridpad.sqlite")
    b1 = repo.insert(s, "building", {"grid_id": "g1", "name": "锦厦花园3栋",
                                     "address": "东城街道主山社区锦厦路12号"})
    b2 = repo.insert(s, "building", {"grid_id": "g1", "address": "南城街道宏图路8号", "road": "宏图路",
                                     "door_no": "8号"})
    u301 = repo.insert(s, "unit", {"grid_id": "g1", "building_id": b1, "room_no": "301"})
    u502 = repo.insert(s, "unit", {"grid_id": "g1", "building_id": b2, "room_no": "502"})
    people.register_tenant(s, {"grid_id": "g1", "name": "张伟", "id_number": ZHANG_WEI_ID,
                               "phone": ZHANG_WEI_PHONE}, {"unit_id": u301, "move_in_at": "2024-01-01"})
    repo.insert(s, "person", {"grid_id": "g1", "name": "张伟强", "phone": "13900001111"}, id="p-zwq")
    _, t = people.register_tenant(s, {"grid_id": "g1", "name": "李张伟", "phone": "13700002222"},
                                  {"unit_id": u502, "move_in_at": "2023-01-01"})
    people.move_out(s, t, "2023-06-30", "退租")
    repo.insert(s, "person", {"grid_id": "g1", "name": "王芳", "phone": "13600005678"}, id="p-wf")
    repo.insert(s, "person", {"grid_id": "g1", "name": "曾小军"}, id="p-zxj")
    yield s
    s.close()


def _names(store: Store, query: str, **kw: int) -> list[tuple[str, str]]:
    return [(h.kind, h.title) for h in search.search(store, query, **kw)]


def test_two_character_name_ranks_exact_then_prefix_then_substring(store: Store) -> None:
    assert _names(store, "张伟") == [("person", "张*"), ("person", "张*强"), ("person", "李*伟")]


def test_three_character_name_and_fragment(store: Store) -> None:
    assert _names(store, "张伟强") == [("person", "张*强")]
    assert _names(store, "伟强") == [("person", "张*强")]
    assert _names(store, "李张伟") == [("person", "李*伟")]


def test_pinyin_initials_exact_before_prefix(store: Store) -> None:
    assert _names(store, "zw") == [("person", "张*"), ("person", "张*强")]
    assert _names(store, "ZWQ") == [("person", "张*强")]
    assert _names(store, "zxj") == [("person", "曾*军")]  # 曾 read as the surname zeng


def test_compound_surnames_by_pinyin_initials(store: Store) -> None:
    for pid, name in (("p-ycj", "尉迟敬"), ("p-zswj", "长孙无忌"), ("p-mql", "万俟丽"), ("p-gl", "句磊")):
        repo.insert(store, "person", {"grid_id": "g1", "name": name}, id=pid)
    for typed, pid in (("ycj", "p-ycj"), ("zswj", "p-zswj"), ("mql", "p-mql"), ("gl", "p-gl")):
        assert [h.id for h in search.search(store, typed)] == [pid], typed


def test_an_index_built_before_compound_surnames_is_read_again(tmp_path: Path) -> None:
    s = open_store(tmp_path / "gridpad.sqlite")
    repo.insert(s, "person", {"grid_id": "g1", "name": "长孙无忌"}, id="p-zswj")
    search.refresh_index(s)
    with s.transaction():  # as an older app indexed it: 长 read alone as cháng
        s.db.execute("UPDATE search_doc SET initials = 'cswj' WHERE ref_id = 'p-zswj'")
        s.db.execute("DELETE FROM _sqlite_migrations WHERE name = '0008_search_reads_compound_surnames'")
    s.close()
    s = open_store(tmp_path / "gridpad.sqlite")
    try:
        assert [h.id for h in search.search(s, "zswj")] == ["p-zswj"]
    finally:
        s.close()


def test_id_number_tail(store: Store) -> None:
    hits = search.search(store, ZHANG_WEI_ID[-6:])
    assert [(h.kind, h.title) for h in hits] == [("person", "张*")]
    assert search.search(store, ZHANG_WEI_ID)[0].score > hits[0].score  # the whole number is exact


def test_id_tail_ending_in_x_finds_the_person(store: Store) -> None:
    repo.insert(store, "person", {"grid_id": "g1", "name": "陈雯", "id_number": "11010519491231002X"},
                id="p-cw")
    repo.insert(store, "person", {"grid_id": "g1", "name": "林海", "id_number": "44190019880109849x"},
                id="p-lh")
    for tail in ("002X", "002x", "1002X", "１００２Ｘ"):
        assert _names(store, tail) == [("person", "陈*")], tail
    assert _names(store, "849X") == [("person", "林*")]
    assert _names(store, "849x 林") == [("person", "林*")]


def test_phone_tail_and_full_width_digits(store: Store) -> None:
    assert _names(store, "5678") == [("person", "张*"), ("person", "王*")]  # active tenancy first
    assert _names(store, "００００５６７８") == [("person", "王*")]


def test_room_number(store: Store) -> None:
    assert _names(store, "301") == [("unit", "锦厦花园3栋 301")]
    assert _names(store, "50") == [("unit", "宏图路8号 502")]  # road and door number when unnamed


def test_address_fragments(store: Store) -> None:
    assert _names(store, "锦厦") == [("building", "锦厦花园3栋")]
    hits = search.search(store, "宏图路")
    assert [(h.kind, h.title, h.subtitle) for h in hits] == [("building", "宏图路8号", "南城街道宏图路8号")]
    assert _names(store, "主山社区锦厦") == [("building", "锦厦花园3栋")]
    assert _names(store, "nonexistent") == []
    assert _names(store, "  ") == []


def test_paging_walks_the_same_ranking(store: Store) -> None:
    everyone = _names(store, "张伟", limit=10)
    pages = _names(store, "张伟", limit=1) + _names(store, "张伟", limit=1, offset=1) + \
        _names(store, "张伟", limit=1, offset=2)
    assert pages == everyone
    assert _names(store, "张伟", limit=5, offset=3) == []


def test_results_show_personal_data_masked(store: Store) -> None:
    hit = search.search(store, "张伟")[0]
    text = json.dumps([hit.title, hit.subtitle], ensure_ascii=False)
    assert ZHANG_WEI_ID not in text and ZHANG_WEI_PHONE not in text and "张伟" not in text
    assert "441900********1231" in hit.subtitle and "138****5678" in hit.subtitle
    assert "锦厦花园3栋 301" in hit.subtitle


def test_raw_sql_edits_from_another_connection_are_found(store: Store) -> None:
    raw = sqlite3.connect(store.path)
    with raw:
        raw.execute("UPDATE person SET name = '王方', phone = '13600009999' WHERE id = 'p-wf'")
        raw.execute("INSERT INTO person(id, grid_id, name) VALUES ('p-new', 'g1', '欧阳娜娜')")
        raw.execute("UPDATE person SET _deleted = 1 WHERE id = 'p-zwq'")
    raw.close()
    assert _names(store, "王方") == [("person", "王*")]
    assert _names(store, "5678") == [("person", "张*")]
    assert _names(store, "9999") == [("person", "王*")]
    assert _names(store, "oynn") == [("person", "欧**娜")]
    assert _names(store, "阳娜") == [("person", "欧**娜")]
    assert _names(store, "张伟强") == []


def test_moving_in_lifts_a_person_in_the_ranking(store: Store) -> None:
    assert _names(store, "5678")[0] == ("person", "张*")
    unit = store.db.execute("SELECT id FROM unit WHERE room_no = '502'").fetchone()[0]
    people.register_tenant(store, {"id": "p-wf"}, {"unit_id": unit, "move_in_at": "2024-05-01"})
    tenancy = store.db.execute("SELECT id FROM tenancy WHERE person_id = (SELECT id FROM person "
                                 "WHERE name = '张伟')").fetchone()[0]
    people.move_out(store, tenancy, "2024-06-01", "换房")
    assert _names(store, "5678") == [("person", "王*"), ("person", "张*")]


def test_bulk_rebuild_matches_incremental(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    incremental = {q: search.search(store, q) for q in ("张伟", "zw", "5678", "301", "锦厦")}
    store.db.execute("INSERT INTO search_dirty SELECT 'person', id FROM person")
    monkeypatch.setattr(search, "BULK_REBUILD_AT", 1)
    assert {q: search.search(store, q) for q in incremental} == incremental


def test_cli_prints_jsonl_best_first(store: Store, tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "gridpad", "--data-dir", str(tmp_path), "search", "张伟",
                          "--limit", "2"], capture_output=True, text=True, timeout=60, check=True)
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(x["kind"], x["title"]) for x in lines] == [("person", "张*"), ("person", "张*强")]
    assert set(lines[0]) == {"kind", "id", "title", "subtitle", "score"}
    assert ZHANG_WEI_PHONE not in out.stdout


def test_cli_without_database_fails_in_one_line(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "gridpad", "--data-dir", str(tmp_path / "empty"), "search", "x"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and "no database" in out.stderr


def test_search_does_not_wait_for_another_writer(store: Store) -> None:
    repo.insert(store, "person", {"grid_id": "g1", "name": "孙悦"})
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # e.g. the sync worker applying a pulled page
    try:
        assert _names(store, "孙悦") == []  # not indexed yet, but no stall and no error
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _names(store, "孙悦") == [("person", "孙*")]


def test_bulk_inserted_rows_are_found(store: Store) -> None:
    people_ids = repo.insert_many(store, "person", [
        {"grid_id": "g1", "name": "诸葛亮"}, {"grid_id": "g1", "name": "诸葛瑾", "phone": "13500004321"}])
    assert _names(store, "诸葛") == [("person", "诸*亮"), ("person", "诸*瑾")]
    unit = store.db.execute("SELECT id, building_id FROM unit WHERE room_no = '301'").fetchone()
    repo.insert_many(store, "tenancy", [{"grid_id": "g1", "person_id": people_ids[1], "unit_id": unit[0],
                                         "building_id": unit[1], "move_in_at": "2024-02-01"}])
    hits = search.search(store, "诸葛")
    assert [h.title for h in hits] == ["诸*瑾", "诸*亮"]  # the one living here now comes first
    assert hits[0].subtitle.endswith("锦厦花园3栋 301")


def test_edits_pushed_before_any_search_are_still_indexed(store: Store) -> None:
    from gridpad.store import outbox

    search.refresh_index(store)
    repo.update(store, "person", "p-wf", {"name": "王菲"})
    outbox.ack(store, [c.change_id for c in outbox.pending(store)])  # a sync ran first
    assert outbox.count(store) == 0
    assert _names(store, "王菲") == [("person", "王*")]
    assert _names(store, "王芳") == []


def test_tenancy_moved_to_another_person_updates_both(store: Store) -> None:
    search.refresh_index(store)
    tenancy = store.db.execute("SELECT t.id FROM tenancy t JOIN person p ON p.id = t.person_id "
                                 "WHERE p.name = '张伟'").fetchone()[0]
    repo.update(store, "tenancy", tenancy, {"person_id": "p-wf"})
    assert _names(store, "5678") == [("person", "王*"), ("person", "张*")]
