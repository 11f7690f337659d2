"""Log lines a peer can cause, at most one per kind per interval.

Every refused or closed connection could write a line; a peer that opens thousands a second
must not be able to flood the log (or block the DC on a full stderr pipe). Counters
(``LocalDC.stats``) keep the exact totals.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from typing import Any

__all__ = ["RateLimitedLog", "filter_accept_errors"]


class RateLimitedLog:
    """``log(level, kind, msg, *args)`` writes the first line of each ``kind`` per
    ``interval`` seconds; the next line written for that kind says how many were left out."""

    def __init__(
        self,
        logger: logging.Logger,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger = logger
        self.interval = interval
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}  # kind -> (window start, left out)

    def log(
        self, level: int, kind: str, msg: str, *args: Any, exc_info: BaseException | None = None
    ) -> bool:
        """Writes the line unless one of ``kind`` went out less than ``interval`` ago;
        returns whether it did."""
        if not self.logger.isEnabledFor(level):
            return False
        now = self._clock()
        start, left_out = self._windows.get(kind, (-math.inf, 0))
        if now - start < self.interval:
            self._windows[kind] = (start, left_out + 1)
            return False
        self._windows[kind] = (now, 0)
        if left_out:
            msg += " (%d more not logged in the %.0f s before)"
            args = (*args, left_out, self.interval)
        self.logger.log(level, msg, *args, exc_info=exc_info)
        return True


_ACCEPT_ERROR = "socket.accept() out of system resource"


def filter_accept_errors(loop: asyncio.AbstractEventLoop, ratelog: RateLimitedLog) -> None:
    """Routes asyncio's "accept() out of system resource" reports (EMFILE and kin: one per
    pending connection, every second, with a traceback each) through ``ratelog``; every
    other report goes to the handler that was there. Installed once per loop."""
    previous = loop.get_exception_handler()
    if getattr(previous, "_oxigram_accept_filter", False):
        return

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message") == _ACCEPT_ERROR:
            exc = context.get("exception")
            ratelog.log(
                logging.ERROR, "accept", "cannot accept connections: %r (descriptors?)", exc
            )
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    handler._oxigram_accept_filter = True  # type: ignore[attr-defined]
    loop.set_exception_handler(handler)
