"""A log line that input can trigger at will, written at most once per interval."""

from __future__ import annotations

import logging
import time
from typing import Any

__all__ = ["RateLimitedLog"]


class RateLimitedLog:
    """Logs the first event of each ``every``-second window; the next line that gets out
    says how many were left out in between (a client sending garbage in a loop costs one
    line per window, not one per message)."""

    def __init__(self, logger: logging.Logger, level: int, *, every: float = 10.0) -> None:
        self.logger = logger
        self.level = level
        self.every = every
        self.suppressed = 0
        self._next = 0.0

    def log(self, msg: str, *args: Any) -> bool:
        """Logs ``msg % args`` unless a line went out less than ``every`` s ago; True if
        it was written."""
        now = time.monotonic()
        if now < self._next:
            self.suppressed += 1
            return False
        self._next = now + self.every
        if self.suppressed:
            msg = f"{msg} (and {self.suppressed} more like it since the last line)"
            self.suppressed = 0
        self.logger.log(self.level, msg, *args)
        return True
