"""``gridpad import FILE.xlsx|.csv [--grid CODE] [--errors FILE]``: import a registry spreadsheet.

The CSV files of ``gridpad export --format csv`` (one, or their folder) import as well: their
header says which table each holds, and their rows come back as exported (see
:mod:`gridpad.transfer.table_files`).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from gridpad import config
from gridpad.app.registry_files import import_export_tables, import_spreadsheet
from gridpad.cli import CommandError
from gridpad.cli.outcome import report
from gridpad.store.db import open_store
from gridpad.store.saved_files import note_written, outside_warning
from gridpad.transfer.error_file import default_path, write_errors
from gridpad.transfer.sheets import SheetError
from gridpad.transfer.table_files import is_export_file


def run(args: argparse.Namespace) -> int:
    source = Path(args.file)
    if is_export_file(source):
        return _export_tables(args, source)
    if not source.is_file():
        raise CommandError(f"{source}: no such file")
    directory = config.data_dir(args.data_dir)
    with open_store(config.db_path(directory)) as store:
        try:
            grid, result = import_spreadsheet(store, source, args.grid)
        except (LookupError, SheetError) as exc:
            raise CommandError(str(exc)) from None
        except csv.Error as exc:  # read before anything is written: nothing was imported
            raise CommandError(f"{source.name}: {_csv_problem(exc)}; nothing was imported") from None
    # Reasons name the column and the rule, never the value, so they are safe to print.
    for rejected in result.rejected:
        for line in rejected.lines():
            print(line)
    if result.rejected:
        errors = Path(args.errors) if args.errors else default_path(source)
        try:
            outside = note_written(directory, [errors])  # before writing: a wipe finds even a partial file
            write_errors(errors, result.headers, result.rejected)
        except OSError as exc:  # the accepted rows are in; say what could not be saved
            print(f"gridpad import: could not write the error file {errors}: {exc.strerror}", file=sys.stderr)
        else:
            print(f"rejected rows written to {errors} (fix them there and import that file again)")
            if outside:
                print(f"gridpad import: note: {outside_warning(errors)}", file=sys.stderr)
    for warning in result.warnings:  # accepted, but a resident in no room: say so, row by row
        print(f"warning: {warning}")
    print(f"grid {grid}: {result.summary()}")
    if result.rejected:
        print(f"gridpad import: {len(result.rejected)} rows rejected", file=sys.stderr)
        return 1
    return 0


def _export_tables(args: argparse.Namespace, source: Path) -> int:
    """An export's table files: the rows as they were exported (no grid to choose: rows carry it)."""
    with open_store(config.db_path(config.data_dir(args.data_dir))) as store:
        try:
            result = import_export_tables(store, source)
        except SheetError as exc:
            raise CommandError(str(exc)) from None
        except csv.Error as exc:
            raise CommandError(f"{source.name}: {_csv_problem(exc)}") from None
    return report("import", result.rejected, result.warnings, result.summary(), "rows")


def _csv_problem(exc: csv.Error) -> str:
    """The csv module's complaint in plain words (it never quotes the cell)."""
    if "field larger than field limit" in str(exc):
        return (f"a cell is longer than {csv.field_size_limit():,} characters, more than any registry "
                "field holds (a quote left open swallows the rest of the file into one cell)")
    return f"not a readable CSV file ({exc})"
