"""msg_id generation and the synced clock (core.telegram.org/mtproto/description).

msg_id ~ unixtime * 2^32 with the fractional second in the low word; client ids are divisible
by 4, server ids are 1 mod 4 for responses and 3 mod 4 otherwise; strictly increasing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .framing import Role

__all__ = ["Clock", "MsgIds"]

Clock = Callable[[], float]


class MsgIds:
    """The msg_id source of one session; ``time_offset`` is server time minus local time."""

    def __init__(self, role: Role, *, clock: Clock = time.time, time_offset: float = 0.0) -> None:
        self.role: Role = role
        self.clock = clock
        self.time_offset = time_offset
        self.last = 0

    def now(self) -> float:
        """The server's idea of now."""
        return self.clock() + self.time_offset

    def sync(self, server_time: float, *, restart: bool = False) -> None:
        """Adopts the server's clock. The ids already given stay below the next ones (until
        the clock catches up, the next is the last + 4): the server drops an id it has seen
        as a replay, and a clock moved back would give one of them again. ``restart``
        forgets the last id (Telethon does the same) after a msg_id-too-high correction,
        where the next ids must be able to go down."""
        self.time_offset = server_time - self.clock()
        if restart:
            self.last = 0

    def next(self, *, response: bool = False) -> int:
        now = self.now()
        seconds = int(now)
        # Nanoseconds * 4 in the low word, as Telethon (and so its published vectors) does;
        # the two low bits are then free for the parity rules.
        nanos = int((now - seconds) * 1e9)
        candidate = (seconds << 32) | (nanos << 2)
        if self.role == "client":
            candidate &= ~3
            if candidate <= self.last:
                candidate = self.last + 4
            if candidate & 0xFFFFFFFF == 0:  # the low word must not be zero
                candidate += 4
        else:
            low = 1 if response else 3
            candidate = (candidate & ~3) | low
            if candidate <= self.last:
                candidate = (((self.last >> 2) + 1) << 2) | low
        self.last = candidate
        return candidate
