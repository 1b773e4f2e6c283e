"""Errors the store raises for its callers to show in plain words."""

from __future__ import annotations

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
