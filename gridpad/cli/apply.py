"""``gridpad apply FILE.jsonl``: apply edits, captured for sync like any edit."""

from __future__ import annotations

import argparse
from pathlib import Path

from gridpad import config
from gridpad.app.registry_files import apply_edit_lines
from gridpad.cli import CommandError
from gridpad.cli.outcome import report
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
    rejected = sorted(result.rejected, key=lambda s: int(s.split(":", 1)[0].split()[1]))
    return report("apply", rejected, result.warnings, result.summary(), "lines")
