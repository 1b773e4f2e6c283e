"""The inspection table reaches databases made before it: the tablet's file and the server's, on
SQLite and PostgreSQL (issue 11, item 1)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from support.live_server import BACKENDS, backend_url

from gridpad.store import migrations, outbox, repo
from gridpad.store.db import open_store
from sync.schema import TABLES
from sync.server import db


def test_a_tablet_file_from_before_gets_the_inspection_table_and_captures_it(tmp_path: Path) -> None:
    path = tmp_path / "gridpad.sqlite"
    open_store(path).close()
    # The file as schema 1.2 left it: no inspection table (its triggers go with it).
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE inspection")
    conn.execute("UPDATE meta SET value = 'before-inspections' WHERE key = ?",
                 (migrations.SCHEMA_FINGERPRINT_KEY,))
    conn.execute("PRAGMA user_version = 1002")
    conn.commit()
    conn.close()

    store = open_store(path)
    try:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == 1003
        iid = repo.insert(store, "inspection", {"grid_id": "g1", "building_id": "b1", "template_code":
                                                "RENTAL_FIRE", "template_version": 1, "status": "draft"})
        assert [(c.table, c.row_id, c.fields["status"]) for c in outbox.pending(store)] == [
            ("inspection", iid, "draft")]
    finally:
        store.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_server_database_from_before_gets_the_inspection_table(backend: str, tmp_path: Path) -> None:
    with backend_url(backend) as url:
        engine = db.make_engine(url or f"sqlite:///{tmp_path / 'central.sqlite3'}")
        try:
            db.migrate(engine)
            with engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE inspection")
            db.migrate(engine)  # what the next start of the server does
            columns = {c["name"] for c in sa.inspect(engine).get_columns("inspection")}
            assert set(TABLES["inspection"].column_names) | {"id", "server_seq", "field_meta"} <= columns
            with engine.begin() as conn:
                conn.execute(db.synced["inspection"].insert().values(
                    id="i1", grid_id="g1", building_id="b1", template_code="RENTAL_FIRE", template_version=1,
                    status="submitted", answers='{"FS-02":"no"}', server_seq=1))
                stored = conn.execute(sa.text("SELECT status FROM inspection WHERE id = 'i1'")).scalar()
            assert stored == "submitted"
        finally:
            engine.dispose()
