"""Helpers for the sync/settings/scan screen tests: a real app context without the stylesheet."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gridpad.config import db_path
from gridpad.ui.app import start_services
from gridpad.ui.context import AppContext
from gridpad.ui.db_worker import DbClient
from gridpad.ui.drafts import Drafts
from gridpad.ui.i18n import Translations
from gridpad.ui.lock import IdleLock
from gridpad.ui.resources import load_theme
from gridpad.ui.sync_worker import SyncController


@dataclass
class TestContext(AppContext):
    __test__ = False  # a helper that test modules import, not a class of tests for pytest to collect

    #: Where ``navigate`` was asked to go: (screen key, keyword arguments).
    visits: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def make_ctx(data_dir: Path, lang: str = "en", *, probe_ms: int = 30_000) -> TestContext:
    """The services ``make_context`` builds (DB worker, sync, lock), started the same way; the
    lock is attached to no window (a test attaches it to its own)."""
    i18n = Translations()
    i18n.set_language(lang)
    db = DbClient(db_path(data_dir))
    ctx = TestContext(data_dir=data_dir, db=db, theme=load_theme(), i18n=i18n, drafts=Drafts(db),
                      sync=SyncController(db_path(data_dir), data_dir, probe_ms=probe_ms), lock=IdleLock())
    ctx.navigate = lambda key, **kw: ctx.visits.append((key, kw))
    start_services(ctx)
    return ctx


def close_ctx(ctx: AppContext) -> None:
    ctx.sync.stop()
    ctx.lock.shutdown()
    ctx.db.shutdown()
    ctx.i18n.set_language("en")  # leave no translator installed for the next test
