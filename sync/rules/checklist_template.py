"""Checklist templates: typed, versioned reference data (domain.md §4, DESIGN.md "Inspections").

A template is JSON validated by ``resources/checklists/template.schema.json`` (``jsonschema``) and
by the semantic rules the schema cannot express (:func:`semantic_errors`). :func:`load_template`
turns it into frozen dataclasses that the answer, failure and migration rules read; device and
server load the same text, so both judge a submission alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import jsonschema

from sync.rules import checklist_conditions as cond
from sync.rules.checklist_codes import DEPARTMENT, HAZARD_CATEGORY, ItemLevel, Severity, default_level
from sync.rules.checklist_facts import FACTS
from sync.rules.errors import FieldError

CHECKLIST_DIR = Path(__file__).resolve().parents[2] / "resources" / "checklists"
SCHEMA_PATH = CHECKLIST_DIR / "template.schema.json"
FORMAT = "gridpad.checklist/1"

ObjectType = Literal["building", "unit", "place"]
HazardWhen = Literal["always", "when_repeated", "never"]
EmergencyWhen = Literal["always", "when_severe", "never"]


@dataclass(frozen=True)
class Text:
    zh: str
    en: str


@dataclass(frozen=True)
class YesNo:
    """``"yes"`` passes, ``"no"`` fails, ``"na"`` only where allowed."""

    allow_na: bool = False


@dataclass(frozen=True)
class Number:
    """A count or measure; outside ``min``/``max`` is a wrong answer, outside ``pass_*`` a failure."""

    unit: Text
    integer: bool = False
    min: float | None = None
    max: float | None = None
    pass_min: float | None = None
    pass_max: float | None = None


@dataclass(frozen=True)
class Option:
    code: str
    text: Text
    fails: bool = False


@dataclass(frozen=True)
class Choice:
    options: tuple[Option, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)


@dataclass(frozen=True)
class FreeText:
    max_length: int = 500


@dataclass(frozen=True)
class PhotoAnswer:
    """Answered by photos (the ``photos`` of the item), never by a value."""

    min_photos: int = 1


AnswerSpec = YesNo | Number | Choice | FreeText | PhotoAnswer
ANSWER_TYPES: Mapping[type, str] = MappingProxyType({
    YesNo: "yes_no", Number: "number", Choice: "choice", FreeText: "text", PhotoAnswer: "photo",
})


@dataclass(frozen=True)
class OnFail:
    """What a failure requires (domain.md §4 codes P, F, H, N, E, D)."""

    hazard: HazardWhen
    photo: bool = False
    on_site_fix: bool = False
    notice: bool = False
    emergency_call: EmergencyWhen = "never"
    data_correction: bool = False


@dataclass(frozen=True)
class Item:
    id: str
    text: Text
    department: str
    severity: Severity
    level: ItemLevel  # the declared default, or default_level(severity, category)
    category: str
    answer: AnswerSpec
    on_fail: OnFail
    required: bool = True
    applies_when: cond.Condition | None = None

    @property
    def answer_type(self) -> str:
        return ANSWER_TYPES[type(self.answer)]


@dataclass(frozen=True)
class VersionMapping:
    """How a draft on ``from_version`` moves to this version."""

    from_version: int
    renamed: Mapping[str, str]  # old id -> new id
    removed: tuple[str, ...]
    added_required: tuple[str, ...]


@dataclass(frozen=True)
class ChecklistTemplate:
    code: str
    version: int
    title: Text
    object_type: ObjectType
    items: tuple[Item, ...]
    migration: VersionMapping | None = None

    @property
    def key(self) -> tuple[str, int]:
        """(code, version): what an inspection pins."""
        return (self.code, self.version)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def get(self, item_id: str) -> Item | None:
        return next((it for it in self.items if it.id == item_id), None)


class TemplateError(ValueError):
    """A template that does not validate; ``errors`` name the place (JSON path) and the rule."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def _err(where: str, rule: str, message: str, **params: str) -> FieldError:
    return FieldError(where, rule, f"{where}: {message}", dict(params))


@cache
def template_schema() -> Mapping[str, Any]:
    """The JSON Schema of a template (resources/checklists/template.schema.json)."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return MappingProxyType(schema)


def _path(parts: Iterator[str | int] | Any) -> str:
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)
    return "template" + text


def schema_errors(data: object) -> list[FieldError]:
    """Every JSON Schema violation, as ``template.schema`` errors named by JSON path."""
    validator = jsonschema.Draft202012Validator(dict(template_schema()))
    found = sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [_err(_path(iter(e.absolute_path)), "template.schema", e.message) for e in found]


_ORDERED = ("gt", "gte", "lt", "lte")


def _answer_test_errors(where: str, test: cond.Compare, earlier: Mapping[str, Mapping[str, Any]],
                        all_ids: set[str]) -> Iterator[FieldError]:
    if test.name not in all_ids:
        yield _err(where, "template.unknown_item", f"condition names unknown item {test.name}",
                   item=test.name)
        return
    if test.name not in earlier:
        # Only earlier items: conditions can never form a cycle and apply in one pass.
        yield _err(where, "template.condition_order",
                   f"condition names {test.name}, which is not an earlier item", item=test.name)
        return
    answer = earlier[test.name]["answer"]
    kind = answer["type"]
    valid: set[object] | None = None
    if kind == "yes_no":
        valid = {"yes", "no", "na"}
    elif kind == "choice":
        valid = {o["code"] for o in answer["options"]} | {"na"}
    values = test.value if isinstance(test.value, tuple) else (test.value,)
    if valid is not None and test.op in ("eq", "ne", "in"):
        for v in values:
            if v not in valid:
                yield _err(where, "template.unknown_code", f"{test.name} is never answered {v}",
                           item=test.name, code=str(v))
    if test.op in _ORDERED and kind != "number":
        yield _err(where, "template.condition_type", f"{test.op} needs a number item, {test.name} is {kind}",
                   item=test.name)


def _fact_test_errors(where: str, test: cond.Compare) -> Iterator[FieldError]:
    fact = FACTS.get(test.name)
    if fact is None:
        yield _err(where, "template.unknown_fact", f"condition names unknown fact {test.name}",
                   fact=test.name)
        return
    if test.op in _ORDERED and fact.kind != "number":
        yield _err(where, "template.condition_type",
                   f"{test.op} needs a number fact, {test.name} is {fact.kind}", fact=test.name)
    if fact.kind == "code" and test.op in ("eq", "ne", "in"):
        values = test.value if isinstance(test.value, tuple) else (test.value,)
        for v in values:
            if v not in fact.codes:
                yield _err(where, "template.unknown_code", f"fact {test.name} has no code {v}",
                           fact=test.name, code=str(v))


def _condition_errors(where: str, condition: Mapping[str, Any], earlier: Mapping[str, Mapping[str, Any]],
                      all_ids: set[str]) -> Iterator[FieldError]:
    for test in cond.references(cond.parse(condition)):
        if test.source == "answer":
            yield from _answer_test_errors(where, test, earlier, all_ids)
        else:
            yield from _fact_test_errors(where, test)


def _answer_errors(where: str, answer: Mapping[str, Any]) -> Iterator[FieldError]:
    if answer["type"] == "choice":
        codes = [o["code"] for o in answer["options"]]
        if len(set(codes)) != len(codes):
            yield _err(where, "template.duplicate_code", "choice codes repeat")
    if answer["type"] == "number":
        for low, high in (("min", "max"), ("pass_min", "pass_max")):
            lo, hi = answer.get(low), answer.get(high)
            if lo is not None and hi is not None and lo > hi:
                yield _err(where, "template.range", f"{low} is more than {high}")


def semantic_errors(data: Mapping[str, Any]) -> list[FieldError]:
    """Rules the schema can't express; ``data`` must already satisfy the schema."""
    errors: list[FieldError] = []
    ids = [it["id"] for it in data["items"]]
    all_ids = set(ids)
    seen: dict[str, Mapping[str, Any]] = {}
    for n, it in enumerate(data["items"]):
        where = f"template.items[{n}]"
        if it["id"] in seen:
            errors.append(_err(where, "template.duplicate_item", f"item id {it['id']} repeats",
                               item=it["id"]))
        if it["department"] not in DEPARTMENT:
            errors.append(_err(where, "template.unknown_department",
                               f"unknown department {it['department']}", code=it["department"]))
        if it["category"] not in HAZARD_CATEGORY:
            errors.append(_err(where, "template.unknown_category",
                               f"unknown hazard category {it['category']}", code=it["category"]))
        if "applies_when" in it:
            errors.extend(_condition_errors(where + ".applies_when", it["applies_when"], seen, all_ids))
        errors.extend(_answer_errors(where + ".answer", it["answer"]))
        if it["on_fail"].get("on_site_fix") and it["answer"]["type"] in ("text", "photo"):
            errors.append(_err(where, "template.fix_without_failure",
                               "a text or photo item never fails, so it cannot be fixed on the spot"))
        seen.setdefault(it["id"], it)
    migration = data.get("migration")
    if migration is not None:
        errors.extend(_mapping_errors(data, migration, all_ids))
    return errors


def _mapping_errors(data: Mapping[str, Any], migration: Mapping[str, Any],
                    all_ids: set[str]) -> Iterator[FieldError]:
    where = "template.migration"
    if migration["from_version"] >= data["version"]:
        yield _err(where, "template.mapping", "from_version must be older than version")
    for old, new in migration.get("renamed", {}).items():
        if new not in all_ids:
            yield _err(where, "template.mapping", f"{old} is renamed to {new}, which is no item", item=new)
        if old in all_ids:
            yield _err(where, "template.mapping", f"{old} is renamed but still an item", item=old)
    targets = list(migration.get("renamed", {}).values())
    if len(set(targets)) != len(targets):
        yield _err(where, "template.mapping", "two items are renamed to the same id")
    for old in migration.get("removed", []):
        if old in all_ids:
            yield _err(where, "template.mapping", f"{old} is removed but still an item", item=old)
    required = {it["id"] for it in data["items"] if it.get("required", True)}
    for new in migration.get("added_required", []):
        if new not in required:
            yield _err(where, "template.mapping", f"{new} is added as required but is no required item",
                       item=new)


def _text(d: Mapping[str, str]) -> Text:
    return Text(d["zh"], d["en"])


def _answer(d: Mapping[str, Any]) -> AnswerSpec:
    kind = d["type"]
    if kind == "yes_no":
        return YesNo(bool(d.get("allow_na", False)))
    if kind == "number":
        return Number(_text(d["unit"]), bool(d.get("integer", False)), d.get("min"), d.get("max"),
                      d.get("pass_min"), d.get("pass_max"))
    if kind == "choice":
        return Choice(tuple(Option(o["code"], _text(o["text"]), bool(o.get("fails", False)))
                            for o in d["options"]))
    if kind == "text":
        return FreeText(int(d.get("max_length", 500)))
    return PhotoAnswer(int(d.get("min_photos", 1)))


def _item(d: Mapping[str, Any]) -> Item:
    severity = Severity(d["severity"])
    f = d["on_fail"]
    return Item(
        id=d["id"], text=_text(d["text"]), department=d["department"], severity=severity,
        level=ItemLevel(d["level"]) if "level" in d else default_level(severity, d["category"]),
        category=d["category"], answer=_answer(d["answer"]),
        on_fail=OnFail(hazard=f["hazard"], photo=bool(f.get("photo", False)),
                       on_site_fix=bool(f.get("on_site_fix", False)), notice=bool(f.get("notice", False)),
                       emergency_call=f.get("emergency_call", "never"),
                       data_correction=bool(f.get("data_correction", False))),
        required=bool(d.get("required", True)),
        applies_when=cond.parse(d["applies_when"]) if "applies_when" in d else None,
    )


def template_errors(data: object) -> list[FieldError]:
    """Every reason ``data`` is not a valid template (empty when it is)."""
    errors = schema_errors(data)
    if errors:
        return errors
    assert isinstance(data, Mapping)
    return semantic_errors(data)


def load_template(source: str | bytes | Mapping[str, Any]) -> ChecklistTemplate:
    """Validate and build a template from JSON text or a parsed dict; :class:`TemplateError` if bad."""
    if isinstance(source, str | bytes):
        try:
            data: object = json.loads(source)
        except json.JSONDecodeError as exc:
            bad = _err("template", "template.json", f"not JSON: {exc.msg} at line {exc.lineno}")
            raise TemplateError([bad]) from exc
    else:
        data = source
    errors = template_errors(data)
    if errors:
        raise TemplateError(errors)
    assert isinstance(data, Mapping)
    m = data.get("migration")
    return ChecklistTemplate(
        code=data["code"], version=data["version"], title=_text(data["title"]),
        object_type=data["object_type"],
        items=tuple(_item(it) for it in data["items"]),
        migration=None if m is None else VersionMapping(
            from_version=m["from_version"], renamed=MappingProxyType(dict(m.get("renamed", {}))),
            removed=tuple(m.get("removed", [])), added_required=tuple(m.get("added_required", []))),
    )


def shipped_template_files(directory: Path = CHECKLIST_DIR) -> list[Path]:
    """The template files shipped in ``resources/checklists`` (``CODE.vN.json``), sorted."""
    return sorted(p for p in directory.glob("*.v*.json"))


def shipped_templates(directory: Path = CHECKLIST_DIR) -> list[ChecklistTemplate]:
    """Every shipped template, loaded and validated."""
    return [load_template(p.read_text(encoding="utf-8")) for p in shipped_template_files(directory)]
