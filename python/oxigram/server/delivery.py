"""Which of an account's sessions a pushed update goes to.

Telegram gives a user's updates to each of their subscribed sessions (every device sees a new
message), but does not promise that every session of a *bot* gets every update: "Bots aren't
guaranteed to receive all updates if they have more than one session"
(tdlib/telegram-bot-api#151). :class:`Delivery` lets the local DC behave either way for bots:

* ``all``: every subscribed session (what the DC always did; the default, so tests that log
  one bot in twice and expect a press on both keep working);
* ``recent``: the subscribed session whose last request came last (the session the account
  used most recently);
* ``random``: one subscribed session at random (``seed`` makes the choice repeatable).

A session is *subscribed* from its first request that does not come wrapped in
``invokeWithoutUpdates`` (``ServerSession.subscribed``; see ``dispatcher.unwrap``).
"""

from __future__ import annotations

import enum
import random
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .sessions import ServerSession

__all__ = ["Delivery", "DeliveryMode"]


class DeliveryMode(enum.Enum):
    ALL = "all"
    RECENT = "recent"
    RANDOM = "random"


class Delivery:
    """The DC's delivery mode for bot accounts (users always get ``all``), and how many
    one-session pushes went to each auth key (``to_key``: what a test looks at to see which
    session Telegram "chose")."""

    def __init__(self, mode: DeliveryMode | str = DeliveryMode.ALL, seed: int | None = None):
        self.mode = DeliveryMode(mode)
        self._rng = random.Random(seed)
        self.to_key: Counter[bytes] = Counter()

    @property
    def one_session(self) -> bool:
        return self.mode is not DeliveryMode.ALL

    def choose(self, candidates: Sequence[ServerSession]) -> ServerSession | None:
        """The one session (of a bot) that gets an update, among its live subscribed ones,
        given in a stable order (their creation order, DC by DC)."""
        if not candidates:
            return None
        if self.mode is DeliveryMode.RANDOM:
            chosen = self._rng.choice(candidates)
        else:
            chosen = max(candidates, key=lambda ss: ss.last_request)
        self.to_key[chosen.record.key_id] += 1
        return chosen
