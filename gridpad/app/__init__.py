"""The application layer: every operation the UI and the CLI perform on the local store.

Each module holds typed functions ``fn(store, ...)`` that return dataclasses or plain values. They
hold the transactions; the rules stay in ``gridpad.store`` and ``sync.rules``. No Qt here: the UI
runs these on its DB worker (``ctx.db.call(gridpad.app.tenants.move_out, ...)``), the CLI calls
them directly.
"""
