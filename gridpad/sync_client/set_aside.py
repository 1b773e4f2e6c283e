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
    # A submitted inspection the checklist rules refuse (sync.rules.inspection_records).
    "inspection.unknown_template": "names a checklist template the server does not have",
    "inspection.outcome": "has no valid visit outcome",
    "inspection.answers_need_entry": "holds item answers for a visit that did not enter",
    "inspection.unknown_item": "answers an item its checklist does not have",
    "inspection.item_required": "leaves a required item unanswered",
    "inspection.answer_type": "holds an answer of the wrong kind for its item",
    "inspection.answer_range": "holds a number outside its item's range",
    "inspection.answer_choice": "holds a choice its item does not offer",
    "inspection.na_not_allowed": "answers n.a. where the item needs yes or no",
    "inspection.text_too_long": "holds a text answer that is too long",
    "inspection.photo_required": "lacks the photos an item needs",
    "inspection.fail_photo_required": "lacks the photo a failed item needs",
    "inspection.fix_not_allowed": "records an on-the-spot fix an item does not allow",
    "inspection.fix_not_failed": "records an on-the-spot fix of an item that did not fail",
    "inspection.fix_needs_after_photo": "records an on-the-spot fix without its after-photo",
    "inspection.shape": "is not in the form the checklist rules read",
    "inspection.failures_mismatch": "records failures that are not what its answers give",
    "inspection.submitted_is_final": "changes an inspection already submitted",
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
