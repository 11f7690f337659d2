"""Operating-system randomness read in blocks.

Every outgoing packet needs 12-27 bytes of random padding and every press a random 64-bit
query id; one ``getrandom`` system call each cost ~1-5 µs here, a noticeable share of the
local DC's per-press time. A pool reads ``os.urandom`` a block at a time and hands out
slices: the same source, one system call per block. Each pool belongs to one owner (a
session, the callback hub) used from one thread.
"""

from __future__ import annotations

import os

__all__ = ["RandomPool"]

#: Bytes fetched per system call.
BLOCK = 1024


class RandomPool:
    """``pool(n)`` returns ``n`` fresh random bytes, like ``os.urandom(n)``."""

    __slots__ = ("_block", "_buf", "_pos")

    def __init__(self, block: int = BLOCK) -> None:
        self._block = block
        self._buf = b""
        self._pos = 0

    def __call__(self, n: int) -> bytes:
        pos = self._pos
        end = pos + n
        if end > len(self._buf):
            if n > self._block:
                return os.urandom(n)
            self._buf = os.urandom(self._block)
            pos, end = 0, n
        self._pos = end
        return self._buf[pos:end]

    def int64(self) -> int:
        """A random signed 64-bit integer."""
        return int.from_bytes(self(8), "little", signed=True)
