"""Ephemeral messages of the local DC: a bot's message that only its receiver sees, in the
receiver's private chat with the bot (the local DC has no groups). Its ids are their own
sequence, not the chat's; it is never in ``getMessages`` or the pts log; buttons on it are
pressed with ``ephemeral.getCallbackAnswer`` and the bot edits it with
``ephemeral.editMessage``. Kept in memory only, as their name says.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

__all__ = ["EphemeralMessages", "EphemeralRecord"]

#: How many ephemeral messages are kept (oldest dropped).
KEEP = 65_536


@dataclass
class EphemeralRecord:
    id: int
    bot_id: int
    receiver_id: int
    text: str
    date: int
    markup: bytes | None = None  # serialized ReplyMarkup
    edit_date: int | None = None


class EphemeralMessages:
    def __init__(self) -> None:
        self.by_id: dict[int, EphemeralRecord] = {}
        self._next_id = 1

    def add(
        self, bot_id: int, receiver_id: int, text: str, markup: bytes | None
    ) -> EphemeralRecord:
        rec = EphemeralRecord(self._next_id, bot_id, receiver_id, text, int(time.time()), markup)
        self._next_id += 1
        self.by_id[rec.id] = rec
        if len(self.by_id) > KEEP:
            del self.by_id[next(iter(self.by_id))]
        return rec

    def get(self, msg_id: int) -> EphemeralRecord | None:
        return self.by_id.get(msg_id)

    def edit(self, rec: EphemeralRecord, text: str | None, markup: bytes | None) -> None:
        if text is not None:
            rec.text = text
        if markup is not None:
            rec.markup = markup
        rec.edit_date = int(time.time())
