"""``gridpad plates [--grid CODE] [--building ID…] --out FILE.pdf|png``: print door-plate labels.

Which buildings: the ``--building`` ids, else every building of ``--grid``, else every building in
this tablet's grids. Addresses and names come from the local store.

Who signs: a plate carries the central system's Ed25519 signature, and the tablet has no private
key. So the payloads are fetched from the enrolled server (``POST /v1/plates``). For a demo data
dir with no server, or to print offline from a copy of the server's key, set
``GRIDPAD_PLATE_KEY=/path/to/key.pem`` (see :mod:`gridpad.qr.local_key`); that key then signs
locally and no network is used.

The demo (``gridpad demo``) keeps its local server's key in ``<data dir>/demo-server``:
``gridpad plates --demo --out plates.pdf`` signs with it, also while the demo runs (it only reads
the key file; the demo's device credential may live in that process's memory only).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gridpad import config
from gridpad.app.plates import PlateError, plate_buildings, signed_payloads
from gridpad.cli import CommandError
from gridpad.cli.demo import SERVER_DIR
from gridpad.qr.local_key import ENV as KEY_ENV
from gridpad.qr.local_key import local_signing_key
from gridpad.store.db import open_store
from gridpad.store.errors import StoreVersionError
from gridpad.sync_client.errors import KeyringUnavailableError
from sync.labels import Plate, render_sheet


def demo_signing_key(data_dir: Path) -> tuple[str, Ed25519PrivateKey]:
    """The plate key of the demo's local server in ``data_dir`` (read, never made here)."""
    keys = data_dir / SERVER_DIR / "plate_keys"
    try:
        key_id = (keys / "current").read_text(encoding="ascii").strip()
    except OSError:
        raise ValueError(f"--demo: no demo server in {data_dir}: run `gridpad demo` first "
                         f"(or set {KEY_ENV} to a signing key)") from None
    local = local_signing_key({KEY_ENV: str(keys / f"{key_id}.pem")})
    assert local is not None
    return local


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".png"):
        raise CommandError(f"--out {out}: must end in .pdf or .png")
    if not out.parent.is_dir():
        raise CommandError(f"--out {out}: no such directory {out.parent}")
    directory = config.data_dir(args.data_dir)
    try:
        local = demo_signing_key(directory) if args.demo else local_signing_key()
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    path = config.db_path(directory)
    if not path.exists():
        raise CommandError(f"no database in {directory}: run `gridpad enroll` or `gridpad seed-demo` first")
    try:
        store = open_store(path)
    except StoreVersionError as exc:
        raise CommandError(str(exc)) from None
    try:
        rows = plate_buildings(store, args.building, args.grid)
        payloads = signed_payloads(store, [str(r["id"]) for r in rows], local)
    except PlateError as exc:
        raise CommandError(str(exc)) from None
    except KeyringUnavailableError as exc:
        demo = (" (for the demo's plates: `gridpad plates --demo`)" if (directory / SERVER_DIR).is_dir()
                else "")
        raise CommandError(f"{exc}{demo}") from None
    finally:
        store.close()
    plates = [Plate(payloads[str(r["id"])], str(r.get("address") or ""), str(r.get("name") or ""))
              for r in rows]
    try:
        written = render_sheet(plates, out)
    except (ValueError, RuntimeError, OSError) as exc:
        raise CommandError(str(exc)) from None
    for file in written:
        print(file)
    return 0
