"""What every screen needs, passed explicitly through constructors (no global singletons).

Contract for screens written elsewhere (sync, settings, scan, status strip): the main window
constructs them as ``Screen(ctx)`` and puts them in its stack; ``ctx.navigate`` opens another
screen, ``ctx.i18n.set_language("en")`` switches language, ``ctx.db.call(fn, *args, on_done=...)``
runs a ``gridpad.app`` function (or a read-only ``gridpad.store.views`` one) on the database
thread. The services (DB worker, sync controller, privacy lock) are made by
``gridpad.ui.app.make_context``, never by a widget.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gridpad.ui.db_worker import DbClient
from gridpad.ui.drafts import Drafts
from gridpad.ui.i18n import Translations
from gridpad.ui.lock import IdleLock
from gridpad.ui.resources import Theme
from gridpad.ui.sync_worker import SyncController


def _today() -> dt.date:
    return dt.date.today()


@dataclass
class AppContext:
    data_dir: Path
    db: DbClient
    theme: Theme
    i18n: Translations
    drafts: Drafts
    #: Sync on its own thread (started by make_context); status strip, sync and settings use it.
    sync: SyncController
    #: The privacy lock; the main window attaches itself to it.
    lock: IdleLock
    #: Injected clock (tests pin the date).
    today: Callable[[], dt.date] = _today
    #: Set by the main window: ``navigate("registry", building_id=...)``.
    navigate: Callable[..., None] = field(default=lambda *a, **k: None)
