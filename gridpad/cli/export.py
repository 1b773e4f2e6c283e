"""``gridpad export [--format jsonl|csv|xlsx] [--out FILE]``: export the registry.

jsonl goes to stdout without ``--out``; csv writes a folder of ``<table>.csv`` files (or a zip if
``--out`` ends with ``.zip``); xlsx writes one sheet per table. The files hold ID numbers and
phones in clear, as an export must; nothing is logged.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gridpad import config
from gridpad.cli import CommandError
from gridpad.store.db import open_store
from gridpad.transfer.export import write_csv, write_jsonl, write_xlsx


def run(args: argparse.Namespace) -> int:
    fmt = args.format
    if fmt in ("csv", "xlsx") and not args.out:
        target = "a folder or FILE.zip" if fmt == "csv" else "FILE.xlsx"
        raise CommandError(f"--format {fmt} needs --out ({target})")
    out = Path(args.out) if args.out else None
    with open_store(config.db_path(config.data_dir(args.data_dir))) as store:
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
    return 0
