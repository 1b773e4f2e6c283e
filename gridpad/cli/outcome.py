"""How `import` and `apply` report what they did: rejected lines, warnings, a summary, an exit code."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence


def report(command: str, rejected: Sequence[str], warnings: Iterable[str], summary: str, unit: str) -> int:
    """Print every rejection (they name the field and the rule, never a value) and warning, then
    the summary; exit 1 when anything was rejected, saying how many on stderr."""
    for line in rejected:
        print(line)
    for warning in warnings:
        print(f"warning: {warning}")
    print(summary)
    if rejected:
        print(f"gridpad {command}: {len(rejected)} {unit} rejected", file=sys.stderr)
        return 1
    return 0
