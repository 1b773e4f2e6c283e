"""Changes set aside, said in plain words: what the server refused and what to do about it.

Only the table, the row id, the field and the rule are said, never a value (it may be personal).
"""

from __future__ import annotations

from gridpad.store.held_changes import HeldChange, NotOnServer

#: Why, by the server's rule (or error code); anything else is named by its rule.
_WHY = {
    "text": "contains a character the server does not accept (a control character such as NUL)",
    "required": "is required but missing",
    "unknown_column": "is not a field the server knows",
    "unknown_table": "is not a kind of record the server knows",
    "read_only_table": "is written by the central system only",
    "delete": "a delete that does not delete",
    "scope": "belongs to a grid this device does not hold",
    "out_of_scope": "belongs to a grid this device does not hold",
    "grid_change": "moves the record to another grid, which needs a transfer by the office",
    "int": "is not a whole number the server accepts",
    "real": "is not a number the server accepts",
    "date": "is not a date",
    "json": "is not valid structured data",
    "too_long": "is too long",
}


def reason(rule: str, field: str | None) -> str:
    why = _WHY.get(rule) or f"breaks the rule {rule!r}"
    return f"{field} — {why}" if field else why


def describe(item: HeldChange, *, full_id: bool = False) -> str:
    """``person 0192f1c2…: name — contains a character …``"""
    row = item.row_id if full_id else f"{item.row_id[:8]}…"
    line = f"{item.table} {row}: {reason(item.rule, item.field)}"
    if item.waiting:
        line += f" ({item.waiting} later change{'s' if item.waiting != 1 else ''} waiting behind it)"
    return line


def headline(held: list[HeldChange]) -> str:
    n = len(held)
    return (f"{n} change{'s' if n != 1 else ''} set aside (refused by the server; the rest was sent): "
            "fix the record then `gridpad held retry ID`, or `gridpad held discard ID`")


def describe_not_on_server(item: NotOnServer) -> str:
    return (f"{item.table} {item.row_id}: {', '.join(item.fields)} — kept on this device but not on the "
            f"server (the change was discarded; edit it again to send it)")
