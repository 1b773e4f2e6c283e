"""Reading QR codes from camera frames and photos, and what a reading means on this tablet.

No store here: the scan screen imports this as it is built, and decodes on its own thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gridpad.qr.scan import ScanOutcome, ScanResult, best

if TYPE_CHECKING:
    import numpy as np

__all__ = ["ScanOutcome", "ScanResult", "best", "read_frame", "read_photo"]


def read_frame(grey: np.ndarray) -> list[str]:
    """The texts of the QR codes in one grey camera frame (fast path: zxing-cpp only)."""
    from gridpad.qr.decode import decode

    return decode(grey)


def read_photo(path: str) -> list[str]:
    """The texts of the QR codes in a photo; tries harder (light-on-dark, then zbar). Raises
    OSError or ValueError for a file that is not a readable image."""
    from gridpad.qr.decode import decode

    return decode(path, thorough=True)
