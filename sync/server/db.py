"""Server storage: SQLAlchemy Core tables for SQLite and PostgreSQL, engines, transactions.

Every synced table of :mod:`sync.schema` becomes a table of the same name with the schema's
columns plus ``server_seq``, ``deleted``, ``field_meta`` (``{field: [modified_seq, hlc,
device_id]}``) and the row's checksum digest (``digest``, ``digest_seq``). ``server_seq`` comes
from one counter row that every writing transaction locks first, so sequence order is commit
order and a pull cursor can never skip a row.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sync.schema import TABLES, ColumnType

metadata = sa.MetaData()

_TYPES: dict[ColumnType, Any] = {
    "text": sa.Text, "date": sa.Text, "json": sa.Text,  # json: canonical JSON text, as on the device
    "int": sa.BigInteger, "real": sa.Float, "bool": sa.SmallInteger,  # bool: 0/1, as on the wire
}


def _synced(name: str) -> sa.Table:
    spec = TABLES[name]
    cols: list[sa.Column[Any]] = [sa.Column("id", sa.String(64), primary_key=True)]
    for c in spec.columns:
        cols.append(sa.Column(c.name, _TYPES[c.type], nullable=c.name != "grid_id"))
    cols += [
        sa.Column("server_seq", sa.BigInteger, nullable=False),
        sa.Column("deleted", sa.SmallInteger, nullable=False, server_default="0"),
        sa.Column("field_meta", sa.Text, nullable=False, server_default="{}"),
        # The row's checksum digest (sync.protocol.row_values_digest, hex), valid while
        # digest_seq == server_seq: every write takes a new server_seq, so a writer that does not
        # set it leaves a stale digest that checksums recompute instead of trusting.
        sa.Column("digest", sa.String(64)),
        sa.Column("digest_seq", sa.BigInteger),
    ]
    return sa.Table(name, metadata, *cols,
                    sa.Index(f"ix_{name}_grid_seq", "grid_id", "server_seq"),
                    sa.Index(f"ix_{name}_seq", "server_seq"))


synced: dict[str, sa.Table] = {name: _synced(name) for name in TABLES}

counter = sa.Table("counter", metadata,
                   sa.Column("name", sa.String(32), primary_key=True),
                   sa.Column("value", sa.BigInteger, nullable=False))

#: Bumped when a change needs more than new tables/columns; an older server refuses a newer database.
SCHEMA_VERSION = 1

server_meta = sa.Table("server_meta", metadata,
                       sa.Column("name", sa.String(32), primary_key=True),
                       sa.Column("value", sa.Text, nullable=False))

server_secret = sa.Table("server_secret", metadata,
                         sa.Column("name", sa.String(32), primary_key=True),
                         sa.Column("value", sa.Text, nullable=False))

ledger = sa.Table("ledger", metadata,
                  sa.Column("device_id", sa.String(64), primary_key=True),
                  sa.Column("change_id", sa.BigInteger, primary_key=True),
                  sa.Column("server_seq", sa.BigInteger, nullable=False),
                  sa.Column("applied", sa.SmallInteger, nullable=False),
                  sa.Column("conflicts", sa.Integer, nullable=False),
                  # The change's content (sync.server.push.change_digest): the same id with other
                  # content is a reused id (a restored device), refused loudly. NULL: made before.
                  sa.Column("digest", sa.String(32), nullable=True))

conflict = sa.Table("conflict", metadata,
                    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                    sa.Column("tbl", sa.String(32), nullable=False),
                    sa.Column("row_id", sa.String(64), nullable=False),
                    sa.Column("grid_id", sa.Text, nullable=False, index=True),
                    sa.Column("kind", sa.String(16), nullable=False),
                    sa.Column("field", sa.String(64), nullable=False),
                    sa.Column("kept_value", sa.Text, nullable=False),  # JSON text
                    sa.Column("lost_value", sa.Text, nullable=False),
                    sa.Column("kept_device", sa.String(64), nullable=False),
                    sa.Column("kept_hlc", sa.BigInteger, nullable=False),
                    sa.Column("lost_device", sa.String(64), nullable=False),
                    sa.Column("lost_hlc", sa.BigInteger, nullable=False),
                    sa.Column("server_seq", sa.BigInteger, nullable=False),
                    sa.Column("resolved_at_ms", sa.BigInteger),
                    sa.Column("resolved_by", sa.String(64)),
                    sa.Column("resolution", sa.String(16)))

town = sa.Table("town", metadata,
                sa.Column("code", sa.String(64), primary_key=True),
                sa.Column("name", sa.Text, nullable=False))

village = sa.Table("village", metadata,
                   sa.Column("code", sa.String(64), primary_key=True),
                   sa.Column("name", sa.Text, nullable=False),
                   sa.Column("town_code", sa.String(64), nullable=False))

app_user = sa.Table("app_user", metadata,
                    sa.Column("name", sa.String(100), primary_key=True),
                    sa.Column("role", sa.String(16), nullable=False))

user_grid = sa.Table("user_grid", metadata,
                     sa.Column("user_name", sa.String(100), primary_key=True),
                     sa.Column("grid_id", sa.String(64), primary_key=True))

device = sa.Table("device", metadata,
                  sa.Column("id", sa.String(64), primary_key=True),
                  sa.Column("user_name", sa.String(100), nullable=False),
                  sa.Column("name", sa.Text),
                  sa.Column("secret_hash", sa.String(64), nullable=False),
                  sa.Column("revoked", sa.SmallInteger, nullable=False, server_default="0"),
                  sa.Column("enrolled_at_ms", sa.BigInteger, nullable=False),
                  sa.Column("last_sync_ms", sa.BigInteger),
                  sa.Column("backlog", sa.BigInteger),
                  sa.Column("photo_backlog", sa.BigInteger),
                  # The highest change clock the device's pushes carried: a change at or below it
                  # may be one the ledger holds under another id (sync.server.push._known_content).
                  sa.Column("max_hlc", sa.BigInteger))

enroll_code = sa.Table("enroll_code", metadata,
                       sa.Column("code_hash", sa.String(64), primary_key=True),
                       sa.Column("user_name", sa.String(100), nullable=False),
                       sa.Column("role", sa.String(16), nullable=False),
                       sa.Column("grids", sa.Text, nullable=False),  # JSON list, as issued
                       sa.Column("expires_at_ms", sa.BigInteger, nullable=False),
                       sa.Column("used_at_ms", sa.BigInteger),
                       sa.Column("device_id", sa.String(64)))

#: The device's Ed25519 public key (base64 raw): tokens are given for a signature, never a secret.
#: Devices enrolled before it have no row here and must enroll again.
device_key = sa.Table("device_key", metadata,
                      sa.Column("device_id", sa.String(64), primary_key=True),
                      sa.Column("public_key", sa.String(64), nullable=False))

#: The counter of the last unlock code issued for a device (sync.unlock_code): each code takes the next.
device_unlock = sa.Table("device_unlock", metadata,
                         sa.Column("device_id", sa.String(64), primary_key=True),
                         sa.Column("counter", sa.BigInteger, nullable=False))

#: What administrators did that IT must be able to answer for later (who, when, what, to which
#: device). Never a secret: an unlock code's row names its counter, not the code.
admin_audit = sa.Table("admin_audit", metadata,
                       sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                       sa.Column("at_ms", sa.BigInteger, nullable=False),
                       sa.Column("actor", sa.String(100), nullable=False),
                       sa.Column("action", sa.String(32), nullable=False),
                       sa.Column("device_id", sa.String(64)),
                       sa.Column("detail", sa.Text, nullable=False, server_default=""))

#: Single-use, short-lived token challenges (POST /v1/challenge, spent by POST /v1/token).
auth_challenge = sa.Table("auth_challenge", metadata,
                          sa.Column("nonce", sa.String(64), primary_key=True),
                          sa.Column("device_id", sa.String(64), nullable=False),
                          sa.Column("expires_at_ms", sa.BigInteger, nullable=False))

photo_file = sa.Table("photo_file", metadata,
                      sa.Column("sha256", sa.String(64), primary_key=True),
                      sa.Column("size", sa.BigInteger),
                      sa.Column("received", sa.BigInteger, nullable=False),
                      sa.Column("complete", sa.SmallInteger, nullable=False, server_default="0"),
                      sa.Column("uploaded_by", sa.String(64)))

#: Unfinished uploads, one per (photo, device): another device's upload of the same photo (or a
#: false size) cannot block it. Bytes in ``photos/<sha256>.<device tag>.part``.
photo_upload = sa.Table("photo_upload", metadata,
                        sa.Column("sha256", sa.String(64), primary_key=True),
                        sa.Column("device_id", sa.String(64), primary_key=True),
                        sa.Column("size", sa.BigInteger, nullable=False),
                        sa.Column("received", sa.BigInteger, nullable=False))

#: Rows the central system moved to another grid (sync.server.grid_transfer): the old grid's
#: devices pull a marker at the move's server_seq and drop their copy.
moved_row = sa.Table("moved_row", metadata,
                     sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                     sa.Column("tbl", sa.String(32), nullable=False),
                     sa.Column("row_id", sa.String(64), nullable=False),
                     sa.Column("from_grid", sa.String(64), nullable=False),
                     sa.Column("to_grid", sa.String(64), nullable=False),
                     sa.Column("server_seq", sa.BigInteger, nullable=False),
                     sa.Index("ix_moved_row_from_seq", "from_grid", "server_seq"))

#: Stored rows that break the shared rules (sync.server.legacy_rows), what devices list for correction.
rule_breach = sa.Table("rule_breach", metadata,
                       sa.Column("tbl", sa.String(32), primary_key=True),
                       sa.Column("row_id", sa.String(64), primary_key=True),
                       sa.Column("field", sa.String(64), primary_key=True),
                       sa.Column("rule", sa.String(64), primary_key=True),
                       sa.Column("grid_id", sa.String(64), nullable=False, index=True))

# --- hazards and staff (issue 11 §4): the central side of the hazard workflow -----------------

#: Organisations the centre dispatches to (消防救援, 住建, …); ``town`` None serves every town.
org = sa.Table("org", metadata,
               sa.Column("name", sa.String(100), primary_key=True),
               sa.Column("town", sa.String(64)))

#: Staff of the town centre (``town``) and of departments (``org``): no grids, no devices; they
#: sign in with a password (argon2 hash) for a short-lived token (sync.server.staff).
staff_user = sa.Table("staff_user", metadata,
                      sa.Column("name", sa.String(100), primary_key=True),
                      sa.Column("role", sa.String(16), nullable=False),  # centre | department
                      sa.Column("town", sa.String(64)),
                      sa.Column("org", sa.String(100)),
                      sa.Column("password_hash", sa.Text, nullable=False),
                      sa.Column("created_at_ms", sa.BigInteger, nullable=False))

#: Consecutive failed sign-ins per name (known or not), for throttling; cleared by a success.
staff_login = sa.Table("staff_login", metadata,
                       sa.Column("name", sa.String(100), primary_key=True),
                       sa.Column("failures", sa.Integer, nullable=False),
                       sa.Column("locked_until_ms", sa.BigInteger, nullable=False))

#: A hazard: where it is and what it came from, plus a cache of the fold of its events for
#: listing (state, handler, level, deadline). The events are the truth (sync.server.hazards).
hazard = sa.Table("hazard", metadata,
                  sa.Column("id", sa.String(64), primary_key=True),
                  sa.Column("grid_id", sa.String(64), nullable=False),
                  sa.Column("town", sa.String(64), nullable=False),
                  sa.Column("building_id", sa.String(64)),
                  sa.Column("unit_id", sa.String(64)),
                  sa.Column("inspection_id", sa.String(64)),
                  sa.Column("item_id", sa.String(32)),
                  sa.Column("category", sa.Text),
                  sa.Column("department", sa.String(100)),  # suggested by the item's template
                  sa.Column("level", sa.String(16)),
                  sa.Column("reporter", sa.String(100), nullable=False),
                  sa.Column("created_at_ms", sa.BigInteger, nullable=False),
                  sa.Column("state", sa.String(24), nullable=False),
                  sa.Column("handler", sa.String(100)),
                  sa.Column("version", sa.Integer, nullable=False),
                  sa.Column("urgent", sa.SmallInteger, nullable=False, server_default="0"),
                  sa.Column("supervision", sa.String(16), nullable=False, server_default="none"),
                  sa.Column("deadline_stage", sa.String(16)),
                  sa.Column("deadline_start_ms", sa.BigInteger),
                  sa.Column("deadline_due_ms", sa.BigInteger),
                  sa.Column("updated_at_ms", sa.BigInteger, nullable=False),
                  sa.Index("ix_hazard_town_state", "town", "state"),
                  sa.Index("ix_hazard_grid", "grid_id"))

#: The append-only timeline (sync.rules.hazard_workflow.HazardEvent), ``seq`` 1, 2, … per hazard
#: in the server's order; ``dispatched_to`` names a dispatch's department, so a department lists
#: what was ever dispatched to it.
hazard_event = sa.Table("hazard_event", metadata,
                        sa.Column("id", sa.String(64), primary_key=True),
                        sa.Column("hazard_id", sa.String(64), nullable=False),
                        sa.Column("seq", sa.Integer, nullable=False),
                        sa.Column("action", sa.String(24), nullable=False),
                        sa.Column("actor", sa.Text, nullable=False),  # JSON of Actor.to_dict()
                        sa.Column("actor_user", sa.String(100), nullable=False),
                        sa.Column("actor_role", sa.String(16), nullable=False),
                        sa.Column("at_ms", sa.BigInteger, nullable=False),
                        sa.Column("note", sa.Text, nullable=False, server_default=""),
                        sa.Column("photos", sa.Text, nullable=False, server_default="[]"),
                        sa.Column("params", sa.Text, nullable=False, server_default="{}"),
                        sa.Column("seen", sa.Integer),
                        sa.Column("dispatched_to", sa.String(100)),
                        sa.UniqueConstraint("hazard_id", "seq", name="uq_hazard_event_seq"),
                        sa.Index("ix_hazard_event_dispatched", "dispatched_to"))

SEQ = "server_seq"


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the database lock up front: no lock upgrade deadlocks between pushes.
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class NewerDatabaseError(RuntimeError):
    pass


def migrate(engine: Engine) -> None:
    """Create missing tables, add columns that sync.schema gained since the database was made, and
    put identifiers stored before the server normalised them in canonical form (once).

    Refuses (``NewerDatabaseError``) a database a newer server made, instead of damaging it."""
    metadata.create_all(engine)
    inspector = sa.inspect(engine)
    with engine.begin() as conn:
        version = conn.execute(sa.select(server_meta.c.value)
                               .where(server_meta.c.name == "schema_version")).scalar()
        if version is None:
            conn.execute(server_meta.insert().values(name="schema_version", value=str(SCHEMA_VERSION)))
        elif int(version) > SCHEMA_VERSION:
            raise NewerDatabaseError(f"the database has schema version {version}; this gridpad-server "
                                     f"knows up to {SCHEMA_VERSION}: upgrade the server")
        for name, table in [*synced.items(), (ledger.name, ledger), (device.name, device)]:
            have = {c["name"] for c in inspector.get_columns(name)}
            for col in table.columns:
                if col.name not in have:
                    ddl = sa.schema.CreateColumn(col).compile(dialect=engine.dialect)
                    conn.exec_driver_sql(f'ALTER TABLE "{name}" ADD COLUMN {ddl}')
        if conn.execute(sa.select(counter.c.value).where(counter.c.name == SEQ)).first() is None:
            conn.execute(counter.insert().values(name=SEQ, value=0))
    from sync.server.legacy_rows import normalise_stored  # it writes through this module's tables

    with write_tx(engine) as conn:
        normalise_stored(conn)


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A transaction that may write; SQLite: BEGIN IMMEDIATE."""
    with engine.connect().execution_options(immediate=True) as conn, conn.begin():
        yield conn


@contextmanager
def read_tx(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn, conn.begin():
        yield conn


class SeqAllocator:
    """Hands out server_seq values inside one transaction; holds the counter row's lock."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        row = conn.execute(sa.select(counter.c.value).where(counter.c.name == SEQ)
                           .with_for_update()).one()
        self.value: int = int(row[0])
        self._start = self.value

    def next(self) -> int:
        self.value += 1
        return self.value

    def save(self) -> None:
        if self.value != self._start:
            self._conn.execute(counter.update().where(counter.c.name == SEQ).values(value=self.value))


def _marks(conn: Connection, n: int) -> list[str]:
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"  # sqlite3 / psycopg
    return [mark] * n


def insert_many(conn: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT ``rows`` (each holding every column of ``table``) with one driver executemany.

    SQLAlchemy's own executemany compiles parameters per row (~30 us each): a 500-change push
    spent a third of its server time there."""
    names = [c.name for c in table.columns]
    q = conn.dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {q(table.name)} ({', '.join(q(n) for n in names)}) "
           f"VALUES ({', '.join(_marks(conn, len(names)))})")
    conn.exec_driver_sql(sql, [tuple(r[n] for n in names) for r in rows])


def update_many(conn: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]],
                key: str = "id") -> None:
    """UPDATE every other column of the rows whose ``key`` matches, as :func:`insert_many` does."""
    names = [c.name for c in table.columns if c.name != key]
    q = conn.dialect.identifier_preparer.quote
    mark = _marks(conn, 1)[0]
    sql = (f"UPDATE {q(table.name)} SET {', '.join(f'{q(n)} = {mark}' for n in names)} "
           f"WHERE {q(key)} = {mark}")
    conn.exec_driver_sql(sql, [(*(r[n] for n in names), r[key]) for r in rows])

