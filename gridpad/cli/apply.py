"""``gridpad apply FILE.jsonl``: apply edits, captured for sync like any edit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gridpad import config
from gridpad.app.registry_files import apply_edit_lines
from gridpad.cli import CommandError
from gridpad.store.db import open_store


def run(args: argparse.Namespace) -> int:
    source = Path(args.file)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise CommandError(f"{source}: is a folder, not a jsonl file") from None
    except OSError as exc:
        raise CommandError(f"{source}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise CommandError(f"{source}: not UTF-8 text") from None
    with open_store(config.db_path(config.data_dir(args.data_dir))) as store:
        result = apply_edit_lines(store, text.splitlines())
    # Reasons name the field and the rule; personal values never go into them.
    for line in sorted(result.rejected, key=lambda s: int(s.split(":", 1)[0].split()[1])):
        print(line)
    for warning in result.warnings:  # accepted, but a tenancy in no room: say so, line by line
        print(f"warning: {warning}")
    print(result.summary())
    if result.rejected:
        print(f"gridpad apply: {len(result.rejected)} lines rejected", file=sys.stderr)
        return 1
    return 0
