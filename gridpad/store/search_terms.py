"""SQL for the search box: one term's candidate documents, and queries of several terms.

A query of several terms ("锦厦 301", "张伟 302") finds persons, units and buildings where every
term matches the hit itself or the place it is in:

* a person: its own document, or the unit or building of a current (active) tenancy;
* a unit: its own document (room number) or its building's;
* a building: its own document (name and address).

The term with the fewest candidates (a sample, weighted by how many hits a unit or building fans
out to) drives: its documents are expanded to the hits they cover (a building to itself, its units
and its residents; a unit to itself and its residents). Every other term is checked on each hit's
own and place documents with the same levels as a single term (exact 3, prefix 2, substring 1).
A room number ("301": thousands of units town-wide) never drives while another term can; it is
checked while a building's units are listed, so residents of other units are never looked at.
So a broad term only ever filters and loses nothing to its cap. Limits that keep a keystroke
fast: a driving term expands at most ``BUILDING_CAP`` buildings and ``EXPANSION_CAP`` hits (a
whole community plus a room shows that many; typing more narrows it).

A hit's score is the mean of its terms' levels, plus the active-tenancy bonus for a person who
matched a term on their own keys (one found only through their home has that tenancy by
definition: the bonus would put every resident above the unit itself). Ties go to hits matching
more terms on their own document, then to the shorter name, as for one term.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from gridpad.core import search_query as sq

#: Candidates taken from each reading; a 1-letter-ish reading beyond this is refined by typing on.
CANDIDATE_CAP = 2_000
#: Hits a driving term may expand to (a building fans out to ~40); beyond this, type more.
EXPANSION_CAP = 6_000
#: Buildings a driving term expands (a whole community's worth is narrowed by typing more).
BUILDING_CAP = 250
#: Rough hits per document of a kind when its term drives (a unit: itself and ~2 residents;
#: a building: itself, ~12 units, ~28 residents in the 200k demo grid).
FANOUT = {"person": 1, "unit": 3, "building": 40}
#: Candidates looked at to estimate a term's size (choosing the driver must stay cheap).
ESTIMATE_SAMPLE = 600

#: Room keys in ``search_key``: SEP building id SEP room (normalised). A bigram key is two
#: characters, so the two never meet; a building's units are one range of the primary key.
UNIT_KEY_SEP = "\x01"


def unit_key(building_id: str, room: str) -> str:
    return f"{UNIT_KEY_SEP}{building_id}{UNIT_KEY_SEP}{room}"


def unit_key_range() -> tuple[str, str]:
    """Bounds of every room key (to tell an index built before they existed)."""
    return UNIT_KEY_SEP, sq.prefix_upper_bound(UNIT_KEY_SEP)


ACTIVE_TENANCY = ("t._deleted = 0 AND (t.move_out_at IS NULL OR t.move_out_at > date('now'))")


def candidates_sql(q: sq.SearchQuery, key: str = "") -> tuple[str, dict[str, Any]]:
    """``SELECT doc_id, level`` rows (a UNION ALL, duplicates possible) of documents matching ``q``;
    parameters are named with ``key`` so several terms can share one statement."""
    parts: list[str] = []
    params: dict[str, Any] = {f"q{key}": q.text, "cap": CANDIDATE_CAP}

    def ranged(column: str, value: str, name: str) -> None:
        name += key
        params[name], params[name + "_hi"] = value, sq.prefix_upper_bound(value)
        parts.append(f"SELECT * FROM (SELECT doc_id, CASE WHEN {column} = :{name} THEN {sq.EXACT} "
                     f"ELSE {sq.PREFIX} END FROM search_doc "
                     f"WHERE {column} >= :{name} AND {column} < :{name}_hi LIMIT :cap)")

    if q.name_prefix:
        params[f"p{key}_hi"] = sq.prefix_upper_bound(q.name_prefix)
        parts.append(f"SELECT * FROM (SELECT doc_id, 0 FROM search_doc WHERE name >= :q{key} "
                     f"AND name < :p{key}_hi LIMIT :cap)")
    if q.bigram:
        params[f"bigram{key}"] = q.bigram
        parts.append(f"SELECT * FROM (SELECT doc_id, {sq.SUBSTRING} FROM search_key "
                     f"WHERE key = :bigram{key} LIMIT :cap)")
    if q.substring:
        params[f"fts{key}"] = sq.fts_phrase(q.substring)
        parts.append(f"SELECT * FROM (SELECT rowid, {sq.SUBSTRING} FROM search_fts "
                     f"WHERE search_fts MATCH :fts{key} LIMIT :cap)")
    if q.initials:
        ranged("initials", q.initials, "ini")
    if q.tail:
        ranged("id_rev", q.tail, "idt")
        ranged("phone_rev", q.tail, "pht")
    return " UNION ALL ".join(parts), params


def name_level_sql(key: str = "", doc: str = "d") -> str:
    """The level a document's own name adds (exact or prefix of the term ``:q{key}``)."""
    return (f"CASE WHEN {doc}.name = :q{key} THEN {sq.EXACT} "
            f"WHEN substr({doc}.name, 1, length(:q{key})) = :q{key} THEN {sq.PREFIX} ELSE 0 END")


def level_sql(q: sq.SearchQuery, key: str, params: dict[str, Any], doc: str = "c") -> str:
    """The level (0: no match) of term ``q`` on document row ``doc``: the single-term readings as a
    row check, so a term too broad to list is still checked exactly."""
    hi = sq.prefix_upper_bound
    params[f"q{key}"], params[f"q{key}_hi"] = q.text, hi(q.text)
    exact = [f"{doc}.name = :q{key}"]
    prefix = [f"({doc}.name >= :q{key} AND {doc}.name < :q{key}_hi)"]
    if q.initials:
        params[f"i{key}"], params[f"i{key}_hi"] = q.initials, hi(q.initials)
        exact.append(f"{doc}.initials = :i{key}")
        prefix.append(f"({doc}.initials >= :i{key} AND {doc}.initials < :i{key}_hi)")
    if q.tail:
        params[f"t{key}"], params[f"t{key}_hi"] = q.tail, hi(q.tail)
        for col in ("id_rev", "phone_rev"):
            exact.append(f"{doc}.{col} = :t{key}")
            prefix.append(f"({doc}.{col} >= :t{key} AND {doc}.{col} < :t{key}_hi)")
    whens = [f"WHEN {' OR '.join(exact)} THEN {sq.EXACT}", f"WHEN {' OR '.join(prefix)} THEN {sq.PREFIX}"]
    if q.substring or q.bigram:
        # The indexed text: a person's or unit's is its name; a building's is read from the FTS5
        # content table (a plain rowid lookup, ~4x cheaper than a lookup through the FTS table).
        whens.append(f"WHEN instr(CASE WHEN {doc}.kind = 'building' THEN (SELECT c0 FROM search_fts_content "
                     f"WHERE id = {doc}.doc_id) ELSE {doc}.name END, :q{key}) > 0 THEN {sq.SUBSTRING}")
    return f"CASE {' '.join(whens)} ELSE 0 END"


def estimate(conn: sqlite3.Connection, q: sq.SearchQuery) -> int:
    """About how many hits ``q`` would drive to, from a sample of at most ``ESTIMATE_SAMPLE``
    candidates (0: no document matches it at all)."""
    union, params = candidates_sql(q)
    params["sample"] = ESTIMATE_SAMPLE
    rows = conn.execute(f"SELECT d.kind, count(*) FROM (SELECT DISTINCT doc_id FROM ({union}) "
                        "LIMIT :sample) c JOIN search_doc d ON d.doc_id = c.doc_id GROUP BY d.kind",
                        params).fetchall()
    return sum(FANOUT.get(kind, 1) * n for kind, n in rows)


def place_only(q: sq.SearchQuery) -> bool:
    """A term no person's own keys can match (a short number: a room, not an ID or phone tail),
    so a person matches it only through their unit or building."""
    return q.text.isdigit() and q.tail is None


def has_candidates(conn: sqlite3.Connection, q: sq.SearchQuery) -> bool:
    union, params = candidates_sql(q)
    return conn.execute(f"SELECT 1 FROM ({union}) LIMIT 1", params).fetchone() is not None


def readings(conn: sqlite3.Connection, terms: list[str]) -> list[sq.SearchQuery] | None:
    """Each term parsed, the driving one first (``None``: some term matches nothing). A term that
    matches nothing but reads as place + room ("兴业路18号302") stands for those two terms."""
    queries: list[sq.SearchQuery] = []
    for term in terms:
        q = sq.parse(term)
        if has_candidates(conn, q):
            queries.append(q)
            continue
        split = sq.place_and_room(term)
        if split is None:
            return None
        parts = [sq.parse(part) for part in split]
        if not all(has_candidates(conn, part) for part in parts):
            return None
        queries.extend(parts)
    # A room number never drives while another term can: it lists thousands of units (capped),
    # and as a filter it prunes a building's units before their residents are looked at.
    drivers = [i for i, q in enumerate(queries) if not place_only(q)] or list(range(len(queries)))
    sizes = {i: estimate(conn, queries[i]) for i in drivers} if len(drivers) > 1 else {}
    order = sorted(range(len(queries)), key=lambda i: (i not in drivers, sizes.get(i, 0), i))
    return [queries[i] for i in order]


def search_terms(conn: sqlite3.Connection, queries: list[sq.SearchQuery], limit: int,
                 offset: int) -> list[tuple[str, str, float]]:
    """``(kind, ref_id, score)`` best first for terms that must all match; ``queries[0]`` drives.

    Room-number terms (:func:`place_only`) are matched while expanding, on the unit and building
    documents at hand, so a building's other units and their residents are never looked at. Other
    terms are checked afterwards on each hit's own document and the places it is in."""
    driver, others = queries[0], queries[1:]
    union, params = candidates_sql(driver, "0")
    params.update(limit=limit, offset=max(offset, 0), ecap=EXPANSION_CAP, bcap=BUILDING_CAP, n=len(queries))
    rooms = [(f"r{i}", q) for i, q in enumerate(others) if place_only(q)]
    rest = [(f"o{i}", q) for i, q in enumerate(others) if not place_only(q)]
    active = ACTIVE_TENANCY

    def lv(key: str, q: sq.SearchQuery, doc: str) -> str:
        return f"coalesce({level_sql(q, key, params, doc)}, 0)"  # 0 for a missing (NULL) document

    def room_cols(unit: str | None, building: str) -> tuple[str, str]:
        """``, … AS p_r0, …``: each room term's level on this unit or its building (columns
        ``{building}_r0``, …), and how many of them the unit itself matches."""
        if unit is None:
            return "".join(f", {building}_{k} AS p_{k}" for k, _ in rooms), "0"
        cols = "".join(f", max({lv(k, q, unit)}, {building}_{k}) AS p_{k}" for k, q in rooms)
        return cols, " + ".join(f"({lv(k, q, unit)} > 0)" for k, q in rooms) or "0"

    # A building's units come from their room keys; before a unit's document is read, each room
    # term must appear in the room the key holds (every level of a number implies it) or match
    # the building.
    params.update(sep=UNIT_KEY_SEP, top=sq.prefix_upper_bound(""))
    room_key = " AND ".join(f"(bdrv.bd_{k} > 0 OR instr(substr(k.key, length(bdrv.ref_id) + 3), :q{k}) > 0)"
                            for k, _ in rooms) or "1"
    r_names = "".join(f", p_{k}" for k, _ in rooms)
    r_all = " AND ".join(f"p_{k} > 0" for k, _ in rooms) or "1"
    b_levels = "".join(f", {lv(k, q, 'bd')} AS bd_{k}" for k, q in rooms)
    u_cols, u_own = room_cols("x", "bdrv.bd")
    du_cols, du_own = room_cols("x", "du.ub")
    b_cols, _ = room_cols(None, "bdrv.bd")
    b_own = " + ".join(f"(bdrv.bd_{k} > 0)" for k, _ in rooms) or "0"
    # A driving person matches a room through any current home: the best level over them.
    p_cols = "".join(
        f", (SELECT max(max({lv(k, q, 'ux')}, {lv(k, q, 'bx')})) FROM tenancy t "
        "LEFT JOIN search_doc ux ON ux.ref_id = t.unit_id AND ux.kind = 'unit' "
        "LEFT JOIN search_doc bx ON bx.ref_id = t.building_id AND bx.kind = 'building' "
        f"WHERE t.person_id = drv.ref_id AND {active}) AS p_{k}" for k, q in rooms)
    max_rooms = "".join(f", max(p_{k}) AS p_{k}" for k, _ in rooms)
    unit_building = ("LEFT JOIN unit u ON u.id = drv.ref_id "
                     "LEFT JOIN search_doc ub ON ub.ref_id = u.building_id AND ub.kind = 'building'")
    ub_levels = "".join(f", {lv(k, q, 'ub')} AS ub_{k}" for k, q in rooms)
    sql_rooms = f"""
        WITH cand(doc_id, level) AS ({union}),
        drv AS MATERIALIZED (
            SELECT d.doc_id, d.kind, d.ref_id, max(max(c.level), {name_level_sql("0")}) AS level
            FROM cand c JOIN search_doc d ON d.doc_id = c.doc_id GROUP BY d.doc_id),
        bdrv AS MATERIALIZED (
            SELECT b.doc_id, b.ref_id, b.level{b_levels} FROM (SELECT * FROM drv WHERE kind = 'building'
                ORDER BY level DESC, doc_id LIMIT :bcap) b JOIN search_doc bd ON bd.doc_id = b.doc_id),
        udrv AS MATERIALIZED (
            SELECT drv.doc_id, drv.ref_id, drv.level{ub_levels} FROM drv {unit_building}
            WHERE drv.kind = 'unit'),
        units AS MATERIALIZED (
            SELECT * FROM (
                SELECT x.doc_id, x.ref_id AS unit_id, bdrv.level, {u_own} AS own{u_cols}
                FROM bdrv CROSS JOIN search_key k
                    ON k.key >= :sep || bdrv.ref_id || :sep AND k.key < :sep || bdrv.ref_id || :sep || :top
                CROSS JOIN search_doc x ON x.doc_id = k.doc_id
                WHERE {room_key}
                UNION ALL
                SELECT x.doc_id, du.ref_id, du.level, 1 + {du_own} AS own{du_cols}
                FROM udrv du CROSS JOIN search_doc x ON x.doc_id = du.doc_id)
            WHERE {r_all}),
        ent AS (
            SELECT * FROM (SELECT doc_id, level, 1 + {b_own} AS own{b_cols} FROM bdrv) WHERE {r_all}
            UNION ALL
            SELECT * FROM (SELECT doc_id, level, 1 AS own{p_cols} FROM drv WHERE kind = 'person')
                WHERE {r_all}
            UNION ALL
            SELECT doc_id, level, own{r_names} FROM units
            UNION ALL
            SELECT x.doc_id, units.level, 0{r_names.replace(", p_", ", units.p_")} FROM units
                CROSS JOIN tenancy t ON t.unit_id = units.unit_id
                CROSS JOIN search_doc x ON x.ref_id = t.person_id AND x.kind = 'person' WHERE {active}
            UNION ALL
            SELECT * FROM (SELECT x.doc_id, bdrv.level, 0{b_cols} FROM bdrv
                CROSS JOIN tenancy t ON t.building_id = bdrv.ref_id
                CROSS JOIN search_doc x ON x.ref_id = t.person_id AND x.kind = 'person'
                WHERE t.unit_id IS NULL AND {active}) WHERE {r_all}),
        hit AS MATERIALIZED (
            SELECT e.doc_id, d.kind, d.ref_id, d.name, d.active, max(e.level) AS level,
                   max(e.own) AS own{max_rooms}
            FROM (SELECT * FROM ent LIMIT :ecap) e JOIN search_doc d ON d.doc_id = e.doc_id
            GROUP BY e.doc_id)"""
    room_total = "".join(f" + h.p_{k}" for k, _ in rooms)
    if not rest:
        # (CROSS JOIN keeps SQLite's join order: from the few driving rows outwards, never a scan.)
        sql = f"""{sql_rooms}
            SELECT h.kind, h.ref_id, (h.level{room_total}) * 1.0 / :n
                   + h.active * (h.own > 0) * {sq.ACTIVE_BONUS} AS score
            FROM hit h
            ORDER BY score DESC, h.own DESC, length(h.name), h.name, h.doc_id
            LIMIT :limit OFFSET :offset"""
        return [(k, r, float(s)) for k, r, s in conn.execute(sql, params).fetchall()]
    levels = [level_sql(q, key, params) for key, q in rest]
    cols = "".join(f", {lvl} AS l_{k}" for lvl, (k, _) in zip(levels, rest, strict=True))
    best = "".join(f", max(l_{k}) AS l_{k}" for k, _ in rest)
    own = " + ".join(f"max(own * (l_{k} > 0))" for k, _ in rest)
    total = "".join(f" + v.l_{k}" for k, _ in rest)
    every = " AND ".join(f"v.l_{k} > 0" for k, _ in rest)
    sql = f"""{sql_rooms},
        place(doc_id, place_id) AS (
            SELECT doc_id, doc_id FROM hit
            UNION ALL
            SELECT hit.doc_id, x.doc_id FROM hit CROSS JOIN unit u ON u.id = hit.ref_id
                CROSS JOIN search_doc x ON x.ref_id = u.building_id AND x.kind = 'building'
                WHERE hit.kind = 'unit'
            UNION ALL
            SELECT hit.doc_id, x.doc_id FROM hit CROSS JOIN tenancy t ON t.person_id = hit.ref_id
                CROSS JOIN search_doc x ON x.ref_id = t.unit_id AND x.kind = 'unit'
                WHERE hit.kind = 'person' AND {active}
            UNION ALL
            SELECT hit.doc_id, x.doc_id FROM hit CROSS JOIN tenancy t ON t.person_id = hit.ref_id
                CROSS JOIN search_doc x ON x.ref_id = t.building_id AND x.kind = 'building'
                WHERE hit.kind = 'person' AND {active}),
        v AS (SELECT doc_id{best}, {own} AS own
              FROM (SELECT p.doc_id, p.doc_id = p.place_id AS own{cols}
                    FROM place p JOIN search_doc c ON c.doc_id = p.place_id)
              GROUP BY doc_id)
        SELECT h.kind, h.ref_id, (h.level{room_total}{total}) * 1.0 / :n
               + h.active * (h.own + v.own > 0) * {sq.ACTIVE_BONUS} AS score
        FROM v CROSS JOIN hit h ON h.doc_id = v.doc_id
        WHERE {every}
        ORDER BY score DESC, h.own + v.own DESC, length(h.name), h.name, h.doc_id
        LIMIT :limit OFFSET :offset"""
    return [(k, r, float(s)) for k, r, s in conn.execute(sql, params).fetchall()]
