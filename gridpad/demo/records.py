"""The generated demo grid: plain-dict records for the synced tables, parents before children."""

from __future__ import annotations

from dataclasses import dataclass, field

Record = dict[str, object]
TABLE_ORDER = ("grid", "building", "unit", "organisation", "person", "tenancy")


@dataclass
class DemoGrid:
    grid: list[Record] = field(default_factory=list)
    building: list[Record] = field(default_factory=list)
    unit: list[Record] = field(default_factory=list)
    organisation: list[Record] = field(default_factory=list)
    person: list[Record] = field(default_factory=list)
    tenancy: list[Record] = field(default_factory=list)

    def tables(self) -> dict[str, list[Record]]:
        """Records by table, parents before children."""
        return {name: getattr(self, name) for name in TABLE_ORDER}

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables().items()}
