"""Helpers for the sync/settings/scan screen tests: a small app context without the stylesheet."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from gridpad.config import db_path
from gridpad.ui.db_worker import DbClient
from gridpad.ui.i18n import Translations


def make_ctx(data_dir: Path, lang: str = "en") -> Any:
    """What the screens use of ``AppContext``: data dir, DB worker, translations, navigate."""
    i18n = Translations()
    i18n.set_language(lang)
    ctx = SimpleNamespace(data_dir=data_dir, db=DbClient(db_path(data_dir)), i18n=i18n, visits=[])
    ctx.navigate = lambda key, **kw: ctx.visits.append((key, kw))
    return ctx


def close_ctx(ctx: Any) -> None:
    sync = getattr(ctx, "sync", None)
    if sync is not None:
        sync.stop()
    ctx.db.shutdown()
    ctx.i18n.set_language("en")  # leave no translator installed for the next test
