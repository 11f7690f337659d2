"""The asyncio client: :class:`Client`, session storage, peers, updates and the callback API."""

from __future__ import annotations

from .buttons import Button
from .callback_data import CallbackData
from .callbacks import CallbackConfig, CallbackQuery
from .client import Client
from .pressing import CallbackAnswer, Message
from .storage import MemorySession, SessionStorage, SQLiteSession

__all__ = [
    "Button",
    "CallbackAnswer",
    "CallbackConfig",
    "CallbackData",
    "CallbackQuery",
    "Client",
    "MemorySession",
    "Message",
    "SQLiteSession",
    "SessionStorage",
]
