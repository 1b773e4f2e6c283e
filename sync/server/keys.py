"""The Ed25519 keys that sign door plates, kept as files in the server's data dir.

``<data_dir>/plate_keys/`` holds ``<key_id>.pem`` (private, mode 0600) for the signing key,
``<key_id>.pub`` (base64 raw public key) for every key plates may still carry, and ``current``
naming the key that signs new plates. Rotating makes a new current key and keeps the old public
keys, so plates printed earlier stay valid on tablets.

``<data_dir>/identity_key.pem`` (mode 0600) is the server's identity: devices pin its public half
at enrollment and obey a wipe order only when it is signed with it. It is never rotated (a new
one would make every tablet refuse the server's wipe orders until it enrolls again).
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import doorplate
from sync.private_files import private_dir

IDENTITY_FILE = "identity_key.pem"


def _dir(data_dir: Path | str) -> Path:
    return private_dir(Path(data_dir) / "plate_keys")


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(doorplate.private_key_pem(key))


def _create(keys: Path) -> tuple[str, Ed25519PrivateKey]:
    key = doorplate.generate_private_key()
    key_id = doorplate.key_id_for(key)
    _write_private(keys / f"{key_id}.pem", key)
    (keys / f"{key_id}.pub").write_text(doorplate.public_key_text(key) + "\n", encoding="ascii")
    tmp = keys / "current.tmp"
    tmp.write_text(key_id + "\n", encoding="ascii")
    tmp.replace(keys / "current")
    return key_id, key


def load_or_create_signing_key(data_dir: Path | str) -> tuple[str, Ed25519PrivateKey]:
    """``(key_id, private key)`` of the current plate-signing key, made on first use."""
    keys = _dir(data_dir)
    current = keys / "current"
    if not current.exists():
        return _create(keys)
    key_id = current.read_text(encoding="ascii").strip()
    return key_id, doorplate.load_private_key_pem((keys / f"{key_id}.pem").read_bytes())


def rotate_signing_key(data_dir: Path | str) -> str:
    """Make a new current key; the old public keys stay valid. Returns the new key id."""
    return _create(_dir(data_dir))[0]


def public_keys(data_dir: Path | str) -> dict[str, str]:
    """key_id -> base64 raw public key for every key a valid plate may carry."""
    load_or_create_signing_key(data_dir)
    return {p.stem: p.read_text(encoding="ascii").strip() for p in sorted(_dir(data_dir).glob("*.pub"))}


def load_or_create_identity_key(data_dir: Path | str) -> Ed25519PrivateKey:
    """The server's identity key (signs wipe orders), made on first use."""
    path = private_dir(data_dir) / IDENTITY_FILE
    if not path.exists():
        # Written whole under a private name, then linked in: a second server process starting on
        # the same data dir either wins or reads the complete winner, never half a file.
        tmp = path.with_name(f"{IDENTITY_FILE}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        _write_private(tmp, doorplate.generate_private_key())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return doorplate.load_private_key_pem(path.read_bytes())
