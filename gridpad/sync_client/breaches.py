"""Rows the server holds that break the shared rules (stored before it judged whole rows): fetched
during sync, kept on the device for the sync screen and ``gridpad sync`` to show for correction."""

from __future__ import annotations

from gridpad.store import remote
from gridpad.store.db import Store
from gridpad.sync_client.errors import RejectedError
from gridpad.sync_client.transport import ServerClient
from sync.protocol import RuleBreachList


def fetch(store: Store, client: ServerClient) -> int:
    """GET /v1/rule-breaches and keep the list; returns how many rows need correcting. A server
    from before the list existed (404) leaves what the device has."""
    try:
        found = client.call("GET", "/v1/rule-breaches", RuleBreachList).breaches
    except RejectedError as exc:
        if exc.status != 404:
            raise
        return rows_to_correct(store)
    remote.set_rule_breaches(store, [(b.table, b.id, b.field, b.rule) for b in found])
    return rows_to_correct(store)


def rows_to_correct(store: Store) -> int:
    return len({(t, r) for t, r, _f, _rule in remote.rule_breaches(store)})
