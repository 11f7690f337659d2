"""Business connections of the local DC: a user (the business account) connects a bot, which
then sends and edits messages on the user's behalf through ``invokeWithBusinessConnection``
and gets the presses on their buttons as ``updateBusinessBotCallbackQuery``.

Connections live in memory (like logins and presses in flight): a database keeps the
messages, not the connections, across a restart.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

__all__ = ["BusinessConnection", "BusinessConnections"]


@dataclass(frozen=True)
class BusinessConnection:
    """A bot connected to a business account (``botBusinessConnection``): ``dc_id`` is
    where requests wrapped in ``invokeWithBusinessConnection`` go."""

    connection_id: str
    bot_id: int
    user_id: int
    dc_id: int
    date: int


class BusinessConnections:
    def __init__(self) -> None:
        self.by_id: dict[str, BusinessConnection] = {}

    def add(self, bot_id: int, user_id: int, dc_id: int) -> BusinessConnection:
        """Connects ``bot_id`` to ``user_id`` (a second call replaces the first connection
        of the pair, with a new id, as reconnecting does)."""
        old = self.between(bot_id, user_id)
        if old is not None:
            del self.by_id[old.connection_id]
        connection_id = os.urandom(12).hex()
        conn = BusinessConnection(connection_id, bot_id, user_id, dc_id, int(time.time()))
        self.by_id[connection_id] = conn
        return conn

    def get(self, connection_id: str) -> BusinessConnection | None:
        return self.by_id.get(connection_id)

    def between(self, bot_id: int, user_id: int) -> BusinessConnection | None:
        """The connection of ``bot_id`` to the business account ``user_id``, if any."""
        for conn in self.by_id.values():
            if conn.bot_id == bot_id and conn.user_id == user_id:
                return conn
        return None
