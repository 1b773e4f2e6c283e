"""The small declarative condition language of checklist templates (no code is ever evaluated).

JSON forms::

    {"fact": "is_scale_rental"}                      truthy fact
    {"fact": "gas_supply", "in": ["PIPED", "BOTTLED"]}
    {"fact": "floors_above", "gte": 10}              eq ne in gt gte lt lte
    {"answer": "FS-01", "gt": 0}                     another item's answer, same operators
    {"answer": "PS-07", "answered": true}
    {"all": [...]}  {"any": [...]}  {"not": {...}}

Evaluation is three-valued: a fact that is not known (``None``) makes its test *unknown*, and an
item whose condition is unknown is shown (with n.a. allowed) rather than silently hidden. An answer
that is missing — or belongs to an item that does not apply — is simply absent: a follow-up item
appears only once the answer it depends on says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from sync.rules.checklist_facts import FactValue

Operator = Literal["truthy", "eq", "ne", "in", "gt", "gte", "lt", "lte", "answered"]
OPERATORS: tuple[Operator, ...] = ("eq", "ne", "in", "gt", "gte", "lt", "lte", "answered")
Scalar = bool | int | float | str
Tri = bool | None  # True, False, or unknown


@dataclass(frozen=True)
class Compare:
    source: Literal["fact", "answer"]
    name: str  # fact name or item id
    op: Operator
    value: Scalar | tuple[Scalar, ...] | None = None


@dataclass(frozen=True)
class All:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    part: Condition


Condition = Compare | All | AnyOf | Not


def parse(data: Mapping[str, object]) -> Condition:
    """Build a condition from its JSON form (already checked by the template schema)."""
    if "all" in data or "any" in data:
        raw = data.get("all", data.get("any"))
        assert isinstance(raw, list)
        parts = tuple(parse(p) for p in raw)
        return All(parts) if "all" in data else AnyOf(parts)
    if "not" in data:
        inner = data["not"]
        assert isinstance(inner, Mapping)
        return Not(parse(inner))
    source: Literal["fact", "answer"] = "fact" if "fact" in data else "answer"
    name = data[source]
    assert isinstance(name, str)
    for op in OPERATORS:
        if op in data:
            value = data[op]
            if isinstance(value, list):
                return Compare(source, name, op, tuple(value))
            assert value is None or isinstance(value, bool | int | float | str)
            return Compare(source, name, op, value)
    return Compare(source, name, "truthy")


def references(condition: Condition) -> Iterator[Compare]:
    """Every fact or answer test inside ``condition``."""
    if isinstance(condition, Compare):
        yield condition
    elif isinstance(condition, Not):
        yield from references(condition.part)
    else:
        for part in condition.parts:
            yield from references(part)


def _compare(op: Operator, left: Scalar, right: Scalar | tuple[Scalar, ...] | None) -> bool:
    if op == "truthy":
        return bool(left)
    if op == "in":
        return isinstance(right, tuple) and left in right
    if op in ("eq", "ne"):
        return (left == right) == (op == "eq")
    if isinstance(left, bool) or not isinstance(left, int | float):
        return False
    if isinstance(right, bool) or not isinstance(right, int | float):
        return False
    ordered: dict[str, Callable[[float, float], bool]] = {
        "gt": lambda a, b: a > b, "gte": lambda a, b: a >= b,
        "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b,
    }
    return ordered[op](left, right)


def evaluate(condition: Condition, facts: Mapping[str, FactValue],
             answers: Mapping[str, object]) -> Tri:
    """True / False / None (unknown: a fact it needs is not known)."""
    if isinstance(condition, Compare):
        if condition.source == "answer":
            answer = answers.get(condition.name)
            if condition.op == "answered":
                return (answer is not None) == bool(condition.value)
            if answer is None or not isinstance(answer, bool | int | float | str):
                return False
            return _compare(condition.op, answer, condition.value)
        fact = facts.get(condition.name)
        if fact is None:
            return None
        return _compare(condition.op, fact, condition.value)
    if isinstance(condition, Not):
        inner = evaluate(condition.part, facts, answers)
        return None if inner is None else not inner
    results = [evaluate(p, facts, answers) for p in condition.parts]
    if isinstance(condition, All):
        if False in results:
            return False
        return None if None in results else True
    if True in results:
        return True
    return None if None in results else False
