"""Rows stored before the server judged whole rows: find those that break the shared rules, and
put the identifiers that can be read into canonical form.

Neither blocks anything: such a row still pulls and stays editable (a push is refused only for
failures it touches or adds, :func:`sync.rules.records.errors_after_edit`), so a device can fix it.
Findings name the table, row id, field and rule, never a value (ID numbers and phones are personal).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sync import hlc, merge
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


def breaches(engine: Engine) -> list[Breach]:
    """Every failure of every live row, as :func:`validate_record` judges a whole record."""
    out: list[Breach] = []
    with db.read_tx(engine) as conn:
        for table in TABLES:
            for row in _live_rows(conn, table):
                fields = {k: v for k, v in row.items() if k != "id"}
                out += [Breach(table, str(row["id"]), e.field, e.rule)
                        for e in validate_record(table, fields)]
    return out


def normalise_stored(conn: Connection) -> int:
    """Put readable identifiers of stored rows in canonical form, each rewrite a new server write
    (new server_seq, field stamped by the server) so devices pull it. Runs once per database;
    returns the number of rows rewritten."""
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
    conn.execute(db.server_meta.insert().values(name=CANONICAL_MARK, value="1"))
    return rewritten
