"""What a scanned door plate means on this tablet: open a building, or say plainly why not.

``check_plate`` is pure (keys, grids and the building lookup are passed in) so the camera screen,
the image-file fallback and ``gridpad scan`` all decide the same way. ``store_context`` reads
what it needs from the local store.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from gridpad.qr.decode import Backend, Channels, ImageLike, decode
from gridpad.store import repo
from gridpad.store.db import Store
from gridpad.store.device_meta import DeviceMeta
from sync.doorplate import PlateStatus, verify


class ScanOutcome(enum.Enum):
    OPEN = "open"  # a valid plate of a building in one of my grids: open it
    OTHER_GRID = "other_grid"  # valid, but the building belongs to a grid this tablet does not hold
    NOT_REGISTERED = "not_registered"  # valid, but no such building here: offer to register it
    FOREIGN = "foreign"
    DAMAGED = "damaged"
    FORGED = "forged"
    UNKNOWN_KEY = "unknown_key"
    NO_CODE = "no_code"  # no QR code found in the image


@dataclass(frozen=True)
class LocalBuilding:
    address: str
    grid_id: str


@dataclass(frozen=True)
class ScanResult:
    outcome: ScanOutcome
    #: Plain words (English); the UI translates by ``outcome`` and fills in the fields below.
    message: str
    #: Only set when the plate's signature verified (OPEN, OTHER_GRID, NOT_REGISTERED).
    building_id: str | None = None
    address: str | None = None
    grid_id: str | None = None
    #: The decoded text, as read.
    text: str | None = None

    @property
    def opens(self) -> str | None:
        """The building to open, or None. The only field the UI may navigate by."""
        return self.building_id if self.outcome is ScanOutcome.OPEN else None


Lookup = Callable[[str], LocalBuilding | None]
PublicKeys = Mapping[str, Ed25519PublicKey | str]

_FROM_STATUS = {
    PlateStatus.FOREIGN: ScanOutcome.FOREIGN, PlateStatus.DAMAGED: ScanOutcome.DAMAGED,
    PlateStatus.FORGED: ScanOutcome.FORGED, PlateStatus.UNKNOWN_KEY: ScanOutcome.UNKNOWN_KEY,
}
#: Best first: when one image holds several codes (a plate beside a payment sticker), the UI and
#: the CLI report the most useful one.
RANK = (ScanOutcome.OPEN, ScanOutcome.OTHER_GRID, ScanOutcome.NOT_REGISTERED, ScanOutcome.FORGED,
        ScanOutcome.UNKNOWN_KEY, ScanOutcome.DAMAGED, ScanOutcome.FOREIGN, ScanOutcome.NO_CODE)
NO_CODE_MESSAGE = "No QR code found in the image; hold the camera closer and steady, or light the plate."


def check_plate(text: str, public_keys: PublicKeys, my_grids: Collection[str], lookup: Lookup) -> ScanResult:
    """Decide what one decoded QR text means here."""
    check = verify(text, public_keys)
    if check.status is not PlateStatus.VALID:
        return ScanResult(_FROM_STATUS[check.status], check.message, text=text)
    building_id = check.building_id
    assert building_id is not None  # VALID always carries it
    local = lookup(building_id)
    if local is None:
        return ScanResult(
            ScanOutcome.NOT_REGISTERED,
            f"Valid door plate, but building {building_id} is not registered on this tablet; "
            "register it with this plate's id (or sync first).",
            building_id=building_id, text=text)
    if local.grid_id not in my_grids:
        return ScanResult(
            ScanOutcome.OTHER_GRID,
            f"This door plate belongs to grid {local.grid_id} ({local.address}), not one of your grids.",
            building_id=building_id, address=local.address, grid_id=local.grid_id, text=text)
    return ScanResult(ScanOutcome.OPEN, f"Opening the building at {local.address}.", building_id=building_id,
                      address=local.address, grid_id=local.grid_id, text=text)


def best(results: Iterable[ScanResult]) -> ScanResult:
    """The most useful of several results (NO_CODE if there are none)."""
    ordered = sorted(results, key=lambda r: RANK.index(r.outcome))
    return ordered[0] if ordered else ScanResult(ScanOutcome.NO_CODE, NO_CODE_MESSAGE)


@dataclass(frozen=True)
class ScanContext:
    """What ``check_plate`` needs, gathered once (read it on the DB worker, use it anywhere)."""

    public_keys: dict[str, Ed25519PublicKey | str]
    my_grids: frozenset[str]
    lookup: Lookup

    def check(self, text: str) -> ScanResult:
        return check_plate(text, self.public_keys, self.my_grids, self.lookup)

    def scan_image(self, image: ImageLike, backend: Backend = "zxing",
                   channels: Channels = "rgb") -> list[ScanResult]:
        """Every code in an image, checked (empty: no code found)."""
        return [self.check(t) for t in decode(image, backend, channels=channels)]


def store_public_keys(store: Store) -> dict[str, Ed25519PublicKey | str]:
    return dict(DeviceMeta(store).plate_public_keys)


def store_grids(store: Store) -> frozenset[str]:
    """The grids this tablet holds: its enrollment scope, else (never enrolled: a demo data dir)
    the grids present in the store."""
    grids = DeviceMeta(store).grids
    if grids:
        return frozenset(str(g) for g in grids)
    return frozenset(r["id"] for r in repo.rows(store, "grid"))


def store_lookup(store: Store) -> Lookup:
    """A lookup over the store's buildings (tombstoned ones count as not registered). The lookup
    uses the store's connection: call it on the thread that owns the store."""

    def lookup(building_id: str) -> LocalBuilding | None:
        row = repo.get(store, "building", building_id)
        if row is None or row.get("_deleted"):
            return None
        return LocalBuilding(str(row.get("address") or ""), str(row.get("grid_id") or ""))

    return lookup


def store_context(store: Store, extra_keys: PublicKeys | None = None) -> ScanContext:
    keys = store_public_keys(store)
    keys.update(extra_keys or {})
    return ScanContext(keys, store_grids(store), store_lookup(store))
