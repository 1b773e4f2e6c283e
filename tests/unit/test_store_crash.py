"""A writer killed with SIGKILL mid bulk insert leaves a sound file: no row without its outbox entry."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from gridpad.store.db import open_store

BATCH = 2000

WRITER = textwrap.dedent(f"""
    import sys
    from pathlib import Path
    from gridpad.store import repo
    from gridpad.store.db import open_store

    store = open_store(Path(sys.argv[1]))
    n = 0
    while True:
        repo.insert_many(store, "person", ({{"grid_id": "g1", "name": f"人{{n + i}}", "phone": "13800000000"}}
                                           for i in range({BATCH})), batch_size=500)
        n += {BATCH}
        print(n, flush=True)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_bulk_insert_keeps_rows_and_outbox_together(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    open_store(path).close()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    committed = 0
    deadline = time.monotonic() + 60
    while committed < 3 * BATCH and time.monotonic() < deadline:
        committed = int(proc.stdout.readline())
    time.sleep(0.013)  # land somewhere inside the next batch's transaction
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert committed >= 3 * BATCH

    store = open_store(path)
    conn = store.conn
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    persons = conn.execute("SELECT count(*) FROM person").fetchone()[0]
    assert persons >= committed and persons % BATCH == 0  # whole batches only
    unmatched = conn.execute(
        """SELECT count(*) FROM person p WHERE (SELECT count(*) FROM outbox o
                   WHERE o.tbl = 'person' AND o.row_id = p.id AND o.op = 'insert') != 1""").fetchone()[0]
    orphans = conn.execute(
        "SELECT count(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id = o.row_id)"
    ).fetchone()[0]
    assert (unmatched, orphans) == (0, 0)
    assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == persons
    store.close()
