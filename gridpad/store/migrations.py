"""Schema migrations, applied at start-up.

Local tables (outbox, clocks, search index, audit, form drafts) are named sqlite-utils migrations recorded in
``_sqlite_migrations``. The synced tables follow :data:`sync.schema.TABLES`: missing tables and
columns are added and the capture triggers regenerated whenever that schema changes, so a column
added to the schema reaches existing databases without a hand-written step.

``PRAGMA user_version`` holds ``major * 1000 + minor``. A file whose major is newer than this app's
is refused (its meaning may have changed); a newer minor only added things and opens fine.
"""

from __future__ import annotations

import hashlib
import json

import sqlite_utils
from sqlite_utils.migrations import Migrations

from gridpad.store import capture
from gridpad.store.errors import StoreVersionError
from sync.schema import TABLES, ColumnType

SCHEMA_MAJOR = 1
SCHEMA_MINOR = 3  # 1: the local draft table; 2: changes the server refused, set aside;
#                   3: the synced inspection table (made from sync.schema by sync_synced_tables)

_SQL_TYPES: dict[ColumnType, str] = {
    "text": "TEXT", "date": "TEXT", "json": "TEXT", "int": "INTEGER", "bool": "INTEGER", "real": "REAL",
}

#: Columns worth an index where the table has them (lookups by parent and by ID number).
_INDEXED = ("grid_id", "building_id", "unit_id", "person_id", "id_number", "owner_id")

migrations = Migrations("gridpad")


@migrations(name="0001_local_tables")
def _local_tables(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
        CREATE TABLE outbox (
            change_id INTEGER PRIMARY KEY AUTOINCREMENT,
            tbl TEXT NOT NULL,
            row_id TEXT NOT NULL,
            op TEXT NOT NULL,
            fields TEXT NOT NULL,
            base_seq INTEGER NOT NULL DEFAULT 0,
            hlc INTEGER NOT NULL
        );
        CREATE INDEX outbox_row ON outbox(tbl, row_id);
        CREATE TABLE hlc_state (value INTEGER NOT NULL);
        INSERT INTO hlc_state(value) VALUES (0);
        CREATE TABLE capture_state (suppressed INTEGER NOT NULL);
        INSERT INTO capture_state(suppressed) VALUES (0);
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            tbl TEXT NOT NULL,
            row_id TEXT NOT NULL,
            field TEXT
        );
        CREATE INDEX audit_row ON audit(tbl, row_id);
        CREATE TABLE search_dirty (tbl TEXT NOT NULL, row_id TEXT NOT NULL,
                                   PRIMARY KEY (tbl, row_id)) WITHOUT ROWID;
        CREATE TABLE search_doc (
            doc_id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            ref_id TEXT NOT NULL,
            name TEXT NOT NULL,
            initials TEXT,
            id_rev TEXT,
            phone_rev TEXT,
            active INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX search_doc_ref ON search_doc(ref_id, kind);
        CREATE INDEX search_doc_name ON search_doc(name);
        CREATE INDEX search_doc_initials ON search_doc(initials) WHERE initials IS NOT NULL;
        CREATE INDEX search_doc_id_rev ON search_doc(id_rev) WHERE id_rev IS NOT NULL;
        CREATE INDEX search_doc_phone_rev ON search_doc(phone_rev) WHERE phone_rev IS NOT NULL;
        CREATE TABLE search_key (key TEXT NOT NULL, doc_id INTEGER NOT NULL,
                                 PRIMARY KEY (key, doc_id)) WITHOUT ROWID;
        CREATE INDEX search_key_doc ON search_key(doc_id);
        CREATE VIRTUAL TABLE search_fts USING fts5(text, tokenize = 'trigram');
        """
    )


@migrations(name="0002_synced_tables")
def _synced_tables(db: sqlite_utils.Database) -> None:
    sync_synced_tables(db)


@migrations(name="0003_outbox_without_row_index")
def _outbox_without_row_index(db: sqlite_utils.Database) -> None:
    # The (tbl, row_id) index cost more than the row insert itself on every captured change;
    # the outbox is scanned instead (it is small once pushed).
    db.execute("DROP INDEX IF EXISTS outbox_row")


@migrations(name="0004_change_ids_from_hlc_state")
def _change_ids_from_hlc_state(db: sqlite_utils.Database) -> None:
    # AUTOINCREMENT rewrote sqlite_sequence on every captured change; the counter now lives in the
    # hlc_state row each change updates anyway. Ids still only grow and are never reused.
    capture.drop_triggers(db)
    db.executescript(
        """
        ALTER TABLE hlc_state ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
        UPDATE hlc_state SET change_seq = max(
            coalesce((SELECT max(change_id) FROM outbox), 0),
            coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0));
        CREATE TABLE outbox_new (
            change_id INTEGER PRIMARY KEY,
            tbl TEXT NOT NULL,
            row_id TEXT NOT NULL,
            op TEXT NOT NULL,
            fields TEXT NOT NULL,
            base_seq INTEGER NOT NULL DEFAULT 0,
            hlc INTEGER NOT NULL
        );
        INSERT INTO outbox_new SELECT change_id, tbl, row_id, op, fields, base_seq, hlc FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_new RENAME TO outbox;
        """
    )
    capture.install_triggers(db)


@migrations(name="0005_search_sees_the_outbox")
def _search_sees_the_outbox(db: sqlite_utils.Database) -> None:
    # Captured changes mark the search index through their outbox rows (change_id > outbox_seen).
    db.execute("CREATE TABLE search_state (outbox_seen INTEGER NOT NULL)")
    db.execute("INSERT INTO search_state(outbox_seen) SELECT change_seq FROM hlc_state")
    capture.install_triggers(db)


@migrations(name="0006_local_drafts")
def _local_drafts(db: sqlite_utils.Database) -> None:
    # Unsaved form values (gridpad.store.drafts): local only, no capture triggers, never synced.
    db.execute("CREATE TABLE draft (key TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at TEXT NOT NULL)")


@migrations(name="0007_held_changes")
def _held_changes(db: sqlite_utils.Database) -> None:
    # Outbox rows the server refused, kept with its reason (rule and field: never a value), and
    # rows whose refused change was discarded (the local value is not on the server). Local only.
    db.executescript(
        """
        CREATE TABLE outbox_held (
          change_id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, row_id TEXT NOT NULL,
          error TEXT NOT NULL, rule TEXT NOT NULL, field TEXT, held_at TEXT NOT NULL);
        CREATE TABLE not_on_server (
          tbl TEXT NOT NULL, row_id TEXT NOT NULL, fields TEXT NOT NULL, rule TEXT NOT NULL,
          field TEXT, discarded_at TEXT NOT NULL, PRIMARY KEY (tbl, row_id));
        """
    )


@migrations(name="0008_search_reads_compound_surnames")
def _search_reads_compound_surnames(db: sqlite_utils.Database) -> None:
    # Pinyin initials now read compound surnames (长孙 zs, 万俟 mq) and 句 (g): index every person
    # again at the next search (a bulk rebuild when there are many).
    db.execute("INSERT OR IGNORE INTO search_dirty(tbl, row_id) SELECT 'person', id FROM person")


#: Meta key of the synced tables' shape as last migrated (listed with the others in device_meta.KEYS).
SCHEMA_FINGERPRINT_KEY = "schema_fingerprint"


def schema_fingerprint() -> str:
    shape: dict[str, list[tuple[str, str]]] = {
        name: [(c.name, c.type) for c in t.columns] for name, t in TABLES.items()
    }
    shape["_capture"] = [(capture.TRIGGER_VERSION, "")]
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:16]


def sync_synced_tables(db: sqlite_utils.Database) -> None:
    """Create/extend every synced table to match :data:`sync.schema.TABLES`; regenerate triggers."""
    existing = set(db.table_names())
    for name, table in TABLES.items():
        if name not in existing:
            cols = ",\n  ".join(f"{c.name} {_SQL_TYPES[c.type]}" for c in table.columns)
            db.execute(
                f"CREATE TABLE {name} (\n  id TEXT PRIMARY KEY,\n  {cols},\n"
                "  _server_seq INTEGER NOT NULL DEFAULT 0,\n  _deleted INTEGER NOT NULL DEFAULT 0\n)"
            )
        else:
            have = {r[1] for r in db.execute(f"PRAGMA table_info({name})").fetchall()}
            for c in table.columns:
                if c.name not in have:
                    db.execute(f"ALTER TABLE {name} ADD COLUMN {c.name} {_SQL_TYPES[c.type]}")
        for col in _INDEXED:
            if col in table.column_names:
                db.execute(f"CREATE INDEX IF NOT EXISTS {name}_{col} ON {name}({col})")
    capture.install_triggers(db)
    db.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (SCHEMA_FINGERPRINT_KEY, schema_fingerprint()),
    )


def file_version(db: sqlite_utils.Database) -> tuple[int, int]:
    value = int(db.execute("PRAGMA user_version").fetchone()[0])
    return value // 1000, value % 1000


def check_version(db: sqlite_utils.Database) -> None:
    major, minor = file_version(db)
    if major > SCHEMA_MAJOR:
        raise StoreVersionError(
            f"this database was written by a newer GridPad (schema {major}.{minor}); this app knows "
            f"schema {SCHEMA_MAJOR}.{SCHEMA_MINOR} and will not open it: update GridPad"
        )


def apply(db: sqlite_utils.Database) -> None:
    """Apply pending migrations; call inside a write transaction."""
    check_version(db)
    migrations.apply(db)
    row = db.execute("SELECT value FROM meta WHERE key = ?", (SCHEMA_FINGERPRINT_KEY,)).fetchone()
    if row is None or row[0] != schema_fingerprint():
        sync_synced_tables(db)
    major, minor = file_version(db)
    if (major, minor) < (SCHEMA_MAJOR, SCHEMA_MINOR):
        db.execute(f"PRAGMA user_version = {SCHEMA_MAJOR * 1000 + SCHEMA_MINOR}")
