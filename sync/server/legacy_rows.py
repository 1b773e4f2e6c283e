"""Rows stored before the server judged whole rows: find those that break the shared rules, and
put the identifiers that can be read into canonical form.

Neither blocks anything: such a row still pulls and stays editable (a push is refused only for
failures it touches or adds, :func:`sync.rules.records.errors_after_edit`), so a device can fix it.
Findings name the table, row id, field and rule, never a value (ID numbers and phones are personal).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sync import hlc, merge
from sync.protocol import RuleBreach
from sync.rules.normalise import CANONICAL_RULES, canonical_fields
from sync.rules.records import validate_record
from sync.schema import TABLES
from sync.server import db

#: server_meta entry: the stored identifiers were put in canonical form (once per database).
CANONICAL_MARK = "canonical_identifiers"
SERVER_AUTHOR = "server"


@dataclass(frozen=True)
class Breach:
    table: str
    row_id: str
    field: str
    rule: str


def _live_rows(conn: Connection, table: str) -> Iterator[dict[str, object]]:
    t = db.synced[table]
    names = ["id", *TABLES[table].column_names]
    q = sa.select(t.c.id, *(t.c[c] for c in TABLES[table].column_names)).where(t.c.deleted == 0)
    for r in conn.execute(q.order_by(t.c.id)):
        yield dict(zip(names, r, strict=True))


def _scan(conn: Connection) -> list[tuple[Breach, str]]:
    out: list[tuple[Breach, str]] = []
    for table in TABLES:
        for row in _live_rows(conn, table):
            fields = {k: v for k, v in row.items() if k != "id"}
            out += [(Breach(table, str(row["id"]), e.field, e.rule), str(row["grid_id"]))
                    for e in validate_record(table, fields)]
    return out


def _record(conn: Connection, found: list[tuple[Breach, str]]) -> None:
    conn.execute(db.rule_breach.delete())
    if found:
        conn.execute(db.rule_breach.insert(), [
            {"tbl": b.table, "row_id": b.row_id, "field": b.field, "rule": b.rule, "grid_id": grid}
            for b, grid in found])


def breaches(engine: Engine) -> list[Breach]:
    """Every failure of every live row, as :func:`validate_record` judges a whole record; the list
    devices are given (``GET /v1/rule-breaches``) is renewed from it."""
    with db.write_tx(engine) as conn:
        found = _scan(conn)
        _record(conn, found)
    return [b for b, _grid in found]


def device_breaches(conn: Connection, grids: Iterable[str], limit: int = 1000) -> list[RuleBreach]:
    rb = db.rule_breach
    q = (sa.select(rb.c.tbl, rb.c.row_id, rb.c.field, rb.c.rule).where(rb.c.grid_id.in_(sorted(grids)))
         .order_by(rb.c.tbl, rb.c.row_id, rb.c.field).limit(limit))
    return [RuleBreach(table=t, id=i, field=f, rule=r) for t, i, f, r in conn.execute(q).all()]


def refresh(conn: Connection, keys: Iterable[tuple[str, str]]) -> None:
    """Judge again the listed rows among ``keys`` (rows a push just wrote): a fixed row leaves the
    list, a tombstone too. Rows not listed stay unlisted: a push never adds a failure."""
    rb = db.rule_breach
    by_table: dict[str, list[str]] = {}
    for table, row_id in keys:
        by_table.setdefault(table, []).append(row_id)
    for table, ids in by_table.items():
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            listed = {r[0] for r in conn.execute(sa.select(rb.c.row_id).distinct().where(
                rb.c.tbl == table, rb.c.row_id.in_(chunk))).all()}
            if not listed:
                continue
            conn.execute(rb.delete().where(rb.c.tbl == table, rb.c.row_id.in_(sorted(listed))))
            t = db.synced[table]
            cols = TABLES[table].column_names
            q = sa.select(t.c.id, *(t.c[c] for c in cols)).where(t.c.id.in_(sorted(listed)), t.c.deleted == 0)
            rows = []
            for r in conn.execute(q).all():
                fields = dict(zip(cols, r[1:], strict=True))
                rows += [{"tbl": table, "row_id": r[0], "field": e.field, "rule": e.rule,
                          "grid_id": fields["grid_id"]} for e in validate_record(table, fields)]
            if rows:
                conn.execute(rb.insert(), rows)


def normalise_stored(conn: Connection) -> int:
    """Put readable identifiers of stored rows in canonical form, each rewrite a new server write
    (new server_seq, field stamped by the server) so devices pull it, then list the rows that still
    break a rule. Runs once per database; returns the number of rows rewritten."""
    done = conn.execute(sa.select(db.server_meta.c.value)
                        .where(db.server_meta.c.name == CANONICAL_MARK)).first()
    if done is not None:
        return 0
    seqs = db.SeqAllocator(conn)
    author = merge.Author(hlc.send(0, hlc.now_ms()), SERVER_AUTHOR)
    rewritten = 0
    for table, spec in TABLES.items():
        cols = [c.name for c in spec.columns if c.rule in CANONICAL_RULES]
        if not cols:
            continue
        t = db.synced[table]
        updates = []
        for row in _live_rows(conn, table):
            values = {c: row[c] for c in cols if isinstance(row[c], str)}
            if not values:
                continue
            canon = canonical_fields(table, values, row)
            changed = {c: v for c, v in canon.items() if v != values[c]}
            if changed:
                updates.append((str(row["id"]), changed))
        for row_id, changed in updates:
            raw = json.loads(conn.execute(sa.select(t.c.field_meta).where(t.c.id == row_id)).scalar_one())
            seq = seqs.next()
            meta = merge.stamp_raw(raw, changed, seq, author)
            conn.execute(t.update().where(t.c.id == row_id).values(
                **changed, server_seq=seq, field_meta=json.dumps(meta, sort_keys=True)))
            rewritten += 1
    seqs.save()
    _record(conn, _scan(conn))
    conn.execute(db.server_meta.insert().values(name=CANONICAL_MARK, value="1"))
    return rewritten
