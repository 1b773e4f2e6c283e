"""Bulk changes from files: a registry spreadsheet import, and edits from a jsonl file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from gridpad.store.db import Store
from gridpad.transfer import table_files
from gridpad.transfer.apply import ApplyResult, apply_edits, parse_lines
from gridpad.transfer.registry_import import ImportResult, ensure_grid, import_registry


def import_spreadsheet(store: Store, source: Path, grid: str | None) -> tuple[str, ImportResult]:
    """Import ``source`` (.xlsx/.csv) into ``grid`` (made if new; None: the only grid here).

    Raises LookupError when no grid is named and there is not exactly one, and
    ``gridpad.transfer.sheets.SheetError`` for a file that cannot be read. Returns the grid used."""
    grid_id = ensure_grid(store, grid)
    return grid_id, import_registry(store, source, grid_id)


def apply_edit_lines(store: Store, lines: Iterable[str]) -> ApplyResult:
    """Apply jsonl edits, captured for sync like any edit; rejected lines are in the result."""
    result = ApplyResult()
    apply_edits(store, parse_lines(lines, result), result)
    return result


def import_export_tables(store: Store, source: Path) -> ApplyResult:
    """Import the CSV files ``gridpad export --format csv`` wrote (one file, or their folder with
    referenced tables first): each row an upsert, captured for sync; rejected rows are reported as
    ``<file> line N: reason``. Raises ``gridpad.transfer.sheets.SheetError`` for an unreadable file."""
    result = ApplyResult()
    for path in table_files.files_in_order(source):
        _, edits = table_files.read_edits(path)
        before, warned = len(result.rejected), len(result.warnings)
        apply_edits(store, edits, result)
        result.rejected[before:] = [f"{path.name} {line}" for line in result.rejected[before:]]
        result.warnings[warned:] = [f"{path.name} {line}" for line in result.warnings[warned:]]
    return result
