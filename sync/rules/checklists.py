"""Checklist rules in one import, for the store, the server, the runner and the CLI.

Templates (:mod:`~sync.rules.checklist_template`), conditions
(:mod:`~sync.rules.checklist_conditions`), building facts (:mod:`~sync.rules.checklist_facts`),
answers (:mod:`~sync.rules.checklist_answers`), failures (:mod:`~sync.rules.checklist_failures`)
and version migration (:mod:`~sync.rules.checklist_migration`). All pure and deterministic: the
device and the server run the same functions on the same data.
"""

from __future__ import annotations

from sync.rules.checklist_answers import (
    Answers,
    Facts,
    Fixes,
    Photos,
    answer_errors,
    applicability,
    applicable_answers,
    applicable_items,
    failed_items,
    fails,
    value_error,
)
from sync.rules.checklist_codes import (
    DEPARTMENT,
    HAZARD_CATEGORY,
    HazardLevel,
    ItemLevel,
    Severity,
    VisitOutcome,
    default_level,
)
from sync.rules.checklist_facts import FACTS, building_facts
from sync.rules.checklist_failures import Failure, FailureKind, failures
from sync.rules.checklist_migration import Migration, mapping_errors, migrate_answers
from sync.rules.checklist_template import (
    ChecklistTemplate,
    Item,
    TemplateError,
    load_template,
    shipped_templates,
    template_errors,
)

__all__ = [
    "DEPARTMENT", "FACTS", "HAZARD_CATEGORY", "Answers", "ChecklistTemplate", "Facts", "Failure",
    "FailureKind", "Fixes", "HazardLevel", "Item", "ItemLevel", "Migration", "Photos", "Severity",
    "TemplateError", "VisitOutcome", "answer_errors", "applicability", "applicable_answers",
    "applicable_items", "building_facts", "default_level", "failed_items", "fails", "failures",
    "load_template", "mapping_errors", "migrate_answers", "shipped_templates", "template_errors",
    "value_error",
]
