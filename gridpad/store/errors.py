"""Errors the store raises for its callers to show in plain words."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any


class StoreError(Exception):
    """Base of the store's own errors."""


class StoreVersionError(StoreError):
    """The database file was written by a newer app whose major schema version this app does not know."""


class ValidationFailed(StoreError):  # noqa: N818 - the name other packages code against
    """A record broke one or more rules; nothing was written.

    ``errors`` is the list of ``sync.rules.records.FieldError`` (``field``, ``rule``, ``message``,
    ``params``) so a form can mark each field and keep what the user typed.
    """

    def __init__(self, errors: Sequence[Any]) -> None:
        self.errors = list(errors)
        summary = "; ".join(str(getattr(e, "message", e)) for e in self.errors)
        super().__init__(summary or "invalid record")


class NotFoundError(StoreError):
    """No row with that id in that table."""


# SQLite's result codes for a file that is not a database, or one whose pages are damaged.
_DAMAGED = frozenset({"SQLITE_NOTADB", "SQLITE_CORRUPT"})


def is_damaged_database(exc: BaseException) -> bool:
    """True when ``exc`` says the database file is damaged or not an SQLite database at all (the
    callers outside the store may not import sqlite3)."""
    return isinstance(exc, sqlite3.DatabaseError) and getattr(exc, "sqlite_errorname", "") in _DAMAGED


def write_refusal(exc: BaseException) -> str | None:
    """Plain words for a value the database refused to store (a number beyond 64 bits, a constraint),
    or None when ``exc`` is something else (a locked or damaged file is not one line's fault).
    The words never carry the value."""
    if isinstance(exc, OverflowError):
        return "a number is too large to store (the limit is 2**63 - 1)"
    if isinstance(exc, sqlite3.IntegrityError):
        return f"the database refused the record ({exc})"  # names the constraint and column only
    if isinstance(exc, (sqlite3.InterfaceError, sqlite3.ProgrammingError)):
        return "a value of a type the database cannot store"
    return None
