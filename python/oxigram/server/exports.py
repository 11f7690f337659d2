"""Authorizations exported from one DC for another (``auth.exportAuthorization`` /
``auth.importAuthorization``): each is single-use and expires after ``ttl`` seconds, as on
Telegram, so a leaked export cannot log a second key in later."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

__all__ = ["Exports"]


@dataclass(frozen=True, slots=True)
class _Export:
    user_id: int
    dc_id: int
    expires: float


class Exports:
    def __init__(self, ttl: float = 60.0) -> None:
        self.ttl = ttl
        self._pending: dict[bytes, _Export] = {}
        #: How many exports were made and how many were imported (tests count them).
        self.exported = 0
        self.imported = 0

    def export(self, user_id: int, dc_id: int) -> bytes:
        """New bytes that log a key of DC ``dc_id`` in as ``user_id``, once."""
        now = time.monotonic()
        for data in [d for d, e in self._pending.items() if e.expires <= now]:
            del self._pending[data]  # no timer: expired exports are dropped on the next one
        data = os.urandom(64)
        self._pending[data] = _Export(user_id, dc_id, now + self.ttl)
        self.exported += 1
        return data

    def take(self, user_id: int, dc_id: int, data: bytes) -> bool:
        """Whether ``data`` is a live export of ``user_id`` for DC ``dc_id``; it is used
        up either way (a wrong id or DC burns it too)."""
        export = self._pending.pop(bytes(data), None)
        if export is None or export.expires <= time.monotonic():
            return False
        if (export.user_id, export.dc_id) != (user_id, dc_id):
            return False
        self.imported += 1
        return True
