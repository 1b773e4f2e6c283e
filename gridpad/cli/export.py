"""``gridpad export [--format jsonl|csv|xlsx] [--out FILE]``: export the registry.

jsonl goes to stdout without ``--out``; csv writes a folder of ``<table>.csv`` files (or a zip if
``--out`` ends with ``.zip``); xlsx writes one sheet per table. The files hold ID numbers and
phones in clear, as an export must; nothing is logged. A file saved inside the data dir is
removed by a revocation wipe; one saved elsewhere is the user's to delete, and stderr says so
(``gridpad.sync_client.wipe``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gridpad import config
from gridpad.cli import CommandError
from gridpad.store.db import open_store
from gridpad.store.saved_files import note_written, outside_warning
from gridpad.transfer.export import write_csv, write_jsonl, write_xlsx
from sync.schema import TABLES


def _files(fmt: str, out: Path) -> list[Path]:
    """What the export will write at ``out``."""
    if fmt == "csv" and out.suffix.lower() != ".zip":
        return [out / f"{name}.csv" for name in TABLES]
    return [out]


def run(args: argparse.Namespace) -> int:
    fmt = args.format
    if fmt in ("csv", "xlsx") and not args.out:
        target = "a folder or FILE.zip" if fmt == "csv" else "FILE.xlsx"
        raise CommandError(f"--format {fmt} needs --out ({target})")
    out = Path(args.out) if args.out else None
    directory = config.data_dir(args.data_dir)
    # Noted before writing, so even a file left half-written by a crash is wiped with the rest.
    outside = note_written(directory, _files(fmt, out)) if out is not None else []
    with open_store(config.db_path(directory)) as store:
        if fmt == "jsonl":
            if out is None:
                if hasattr(sys.stdout, "reconfigure"):
                    sys.stdout.reconfigure(encoding="utf-8")  # Chinese whatever the locale says
                n = write_jsonl(store, sys.stdout)
            else:
                tmp = out.with_name(out.name + ".part")
                with tmp.open("w", encoding="utf-8", newline="\n") as f:
                    n = write_jsonl(store, f)
                tmp.replace(out)  # a reader never sees half a file
        elif fmt == "csv":
            assert out is not None
            n = write_csv(store, out)
        else:
            assert out is not None
            n = write_xlsx(store, out)
    if out is not None:
        print(f"exported {n} records to {out}", file=sys.stderr)
        if outside:
            print(f"gridpad export: note: {outside_warning(out)}", file=sys.stderr)
    return 0
