"""Seeded UUIDv7 ids: the same seed gives the same ids, still time-ordered like the app's own."""

from __future__ import annotations

import random


class SeededUuid7:
    """UUIDv7 strings from a seeded generator: 48-bit ms timestamp (from ``base_ms``, one ms per
    16 ids so they sort in creation order), version 7, variant 10, 74 random bits."""

    def __init__(self, rng: random.Random, base_ms: int) -> None:
        self._bits = rng.getrandbits
        self._base = base_ms
        self._n = 0
        self._prefix = ""

    def __call__(self) -> str:
        n = self._n
        self._n = n + 1
        if not n & 15:  # a new millisecond: its 12 hex digits as "xxxxxxxx-xxxx-"
            h = f"{self._base + (n >> 4):012x}"
            self._prefix = f"{h[:8]}-{h[8:]}-"
        r = self._bits(74)  # 12 bits rand_a, 62 bits rand_b
        b = r & 0x3FFFFFFFFFFFFFFF
        return f"{self._prefix}7{r >> 62:03x}-{0x8000 | (b >> 48):04x}-{b & 0xFFFFFFFFFFFF:012x}"
