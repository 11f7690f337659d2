"""The asyncio client: :class:`Client`, session storage, peers and updates."""

from __future__ import annotations

from .client import Client
from .storage import MemorySession, SessionStorage, SQLiteSession

__all__ = ["Client", "MemorySession", "SQLiteSession", "SessionStorage"]
