"""The spreadsheet formula guard of the CSV/xlsx exports, and its exact inverse for imports.

A text cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR is a formula to a spreadsheet
(OWASP, "CSV Injection"), so the export writes it with a leading ``'``. Reading such a file back,
:func:`unguard` removes that one quote and nothing else: ``'=SUM(A1)`` → ``=SUM(A1)``, while
``'abc`` or ``''=x`` typed by someone stay as they are.
"""

from __future__ import annotations

from typing import Any

#: A text cell starting with one of these is a formula to a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard(value: Any) -> Any:
    """A text cell a spreadsheet shows as text: a leading single quote before a formula start.
    Numbers stay numbers (a negative area or longitude is not text, so it is left alone)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unguard(value: Any) -> Any:
    """The text :func:`guard` was given: one leading quote dropped when a formula start follows."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value
