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

BATCH = 3000

WRITER = textwrap.dedent(f"""
    import sys
    from pathlib import Path
    from gridpad.store import repo
    from gridpad.store.db import open_store

    store = open_store(Path(sys.argv[1]))
    n = 0
    while True:
        with store.transaction():
            print("begin", n, flush=True)
            rows = ({{"grid_id": "g1", "name": f"人{{n + i}}", "phone": "13800000000"}}
                    for i in range({BATCH}))
            repo.insert_many(store, "person", rows, batch_size=500)
        n += {BATCH}
        print("done", n, flush=True)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_bulk_insert_keeps_rows_and_outbox_together(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    open_store(path).close()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        word, number = proc.stdout.readline().split()
        if word == "begin" and int(number) >= 3 * BATCH:
            break  # the writer is inside its 4th transaction
    time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    tail = proc.stdout.read().split()
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    committed = int(number) + (BATCH if "done" in tail else 0)
    assert committed >= 3 * BATCH

    store = open_store(path)
    conn = store.db
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("SELECT count(*) FROM person").fetchone()[0] == committed
    unmatched = conn.execute(
        """SELECT count(*) FROM person p WHERE (SELECT count(*) FROM outbox o
                   WHERE o.tbl = 'person' AND o.row_id = p.id AND o.op = 'insert') != 1""").fetchone()[0]
    orphans = conn.execute(
        "SELECT count(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id = o.row_id)"
    ).fetchone()[0]
    assert (unmatched, orphans) == (0, 0)
    assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == committed
    assert conn.execute("SELECT suppressed FROM capture_state").fetchone()[0] == 0
    store.close()
