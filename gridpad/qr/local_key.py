"""A local plate-signing key for demos and offline printing: ``GRIDPAD_PLATE_KEY=/path/key.pem``.

In production plates are signed by the central system (``POST /v1/plates``) and the tablet only
holds public keys. For a demo data dir with no server, or for IT printing plates from a copy of
the server's key, ``GRIDPAD_PLATE_KEY`` names an Ed25519 private key in PEM (PKCS#8; e.g. the
server's ``<data dir>/plate_keys/<key id>.pem``). Its key id is ``sync.doorplate.key_id_for(key)``,
the same id the server gives the key, and ``gridpad scan`` trusts its public key too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import doorplate

ENV = "GRIDPAD_PLATE_KEY"


def local_signing_key(environ: Mapping[str, str] | None = None) -> tuple[str, Ed25519PrivateKey] | None:
    """``(key id, key)`` from ``$GRIDPAD_PLATE_KEY``, None when unset; ``ValueError`` naming the
    variable when the file is missing or not an Ed25519 PEM key."""
    env = os.environ if environ is None else environ
    value = env.get(ENV, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{ENV}={path}: cannot read the key file ({exc.strerror})") from None
    try:
        key = doorplate.load_private_key_pem(data)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{ENV}={path}: not an Ed25519 private key in PEM ({exc})") from None
    return doorplate.key_id_for(key), key
