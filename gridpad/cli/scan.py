"""``gridpad scan IMAGE… [--raw] [--backend zxing|zbar]``: read door plates from image files.

One line per image. A plate of a building in this tablet's grids goes to stdout as
``IMAGE<TAB>BUILDING_ID<TAB>ADDRESS``; anything else (no code, foreign, damaged, forged, unknown
key, another grid, not registered) goes to stderr as ``gridpad scan: IMAGE: reason``, and the
exit status is 1. ``--raw`` prints every decoded text as it is, one per line (exit 1 if an image
held no code), control characters written out as ``<ESC>`` (``gridpad.core.visible_text``).

With the default backend, an image where zxing-cpp finds nothing is also tried light-on-dark and
with zbar (``decode(..., thorough=True)``); ``--backend zbar`` uses zbar alone. Plates signed with
``$GRIDPAD_PLATE_KEY`` (see ``gridpad.qr.local_key``) are trusted as well as the keys received at
enrollment.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import UnidentifiedImageError

from gridpad import config
from gridpad.cli import CommandError
from gridpad.qr.decode import ImageTooLargeError, decode
from gridpad.qr.local_key import local_signing_key
from gridpad.qr.scan import ScanContext, ScanOutcome, best, store_context
from gridpad.store.db import Store, open_store
from gridpad.store.errors import StoreVersionError


def _decode(image: str, backend: str) -> list[str]:
    if not Path(image).is_file():
        raise OSError("no such file")
    try:
        # A file is a one-off, so zxing gets its thorough fallbacks (see gridpad.qr.decode).
        return decode(image, backend, thorough=backend == "zxing")  # type: ignore[arg-type]
    except UnidentifiedImageError:
        raise OSError("not an image file") from None
    except ImageTooLargeError as exc:
        raise OSError(str(exc)) from None


def _fail(image: str, reason: str) -> None:
    print(f"gridpad scan: {image}: {reason}", file=sys.stderr)


def _decode_all(args: argparse.Namespace) -> tuple[list[tuple[str, list[str]]], int]:
    """Each readable image with its texts; unreadable ones are reported (exit status 1)."""
    decoded: list[tuple[str, list[str]]] = []
    status = 0
    for image in args.images:
        try:
            decoded.append((image, _decode(image, args.backend)))
        except OSError as exc:
            _fail(image, str(exc))
            status = 1
    return decoded, status


def _raw(args: argparse.Namespace) -> int:
    decoded, status = _decode_all(args)
    for image, texts in decoded:
        if not texts:
            _fail(image, "no QR code found")
            status = 1
        for text in texts:
            sys.stdout.write(text + "\n")
    return status


def _context(args: argparse.Namespace) -> tuple[ScanContext, Store]:
    directory = config.data_dir(args.data_dir)
    path = config.db_path(directory)
    if not path.exists():
        raise CommandError(f"no database in {directory}: run `gridpad enroll` or `gridpad seed-demo` first")
    try:
        local = local_signing_key()
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    try:
        store = open_store(path)
    except StoreVersionError as exc:
        raise CommandError(str(exc)) from None
    extra = {local[0]: local[1].public_key()} if local else {}
    return store_context(store, extra), store


def run(args: argparse.Namespace) -> int:
    if args.raw:
        return _raw(args)
    ctx, store = _context(args)
    try:
        decoded, status = _decode_all(args)
        for image, texts in decoded:
            result = best(ctx.check(t) for t in texts)
            if result.outcome is ScanOutcome.OPEN:
                sys.stdout.write(f"{image}\t{result.building_id}\t{result.address}\n")
            else:
                _fail(image, result.message)
                status = 1
    finally:
        store.close()
    return status
