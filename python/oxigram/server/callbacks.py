"""Callback queries waiting for their bot (protocol.md section 5): the shared state of the
presses in flight; the checks of the two methods are in ``methods/callbacks.py``.

A press gets a random 64-bit ``query_id``, is pushed to every live session of the bot as
``updateBotCallbackQuery`` (``updateInlineBotCallbackQuery`` for an inline message,
``updateBusinessBotCallbackQuery`` for one sent for a business account,
``updateEphemeralBotCallbackQuery`` for an ephemeral one) and waits up to ``answer_timeout``
for ``setBotCallbackAnswer``; then ``BOT_RESPONSE_TIMEOUT``. A query is answered once: it
is gone after its answer or its timeout.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ..mtproto.random_pool import RandomPool
from .model import Account, StoredMessage
from .rpc import RpcError
from .tlobjects import peer_user, types, updates
from .views import user_tl

__all__ = ["ANSWER_LOG", "CallbackHub", "PendingQuery"]

log = logging.getLogger(__name__)

#: How many query ids ``CallbackHub.answer_calls`` / ``accepted`` remember (oldest dropped).
ANSWER_LOG = 65_536

#: How the hub reaches the bot: ``push(user_id, updates)`` -> sessions reached.
Push = Callable[[int, types.Updates], int]


def _chat_instance(user_id: int, bot_id: int) -> int:
    """The same value for every press of one user on one bot's messages."""
    return (min(user_id, bot_id) << 20) ^ max(user_id, bot_id)


def _count(counter: Counter[int], key: int) -> None:
    counter[key] = counter.get(key, 0) + 1  # not +=: Counter.__missing__ is a Python call
    if len(counter) > ANSWER_LOG:
        del counter[next(iter(counter))]


@dataclass(slots=True)
class PendingQuery:
    query_id: int
    bot_id: int
    user_id: int
    msg_id: int
    game: bool
    future: asyncio.Future[types.messages.BotCallbackAnswer]
    created: float = field(default_factory=time.monotonic)


class CallbackHub:
    def __init__(self, push: Push, answer_timeout: float) -> None:
        self._push = push
        self.answer_timeout = answer_timeout
        self.pending: dict[int, PendingQuery] = {}
        self.answered = 0
        self.timed_out = 0
        #: setBotCallbackAnswer calls per query id (accepted or not) and the accepted ones,
        #: for the last ``ANSWER_LOG`` query ids: shows that a press got exactly one answer.
        self.answer_calls: Counter[int] = Counter()
        self.accepted: Counter[int] = Counter()
        self._random = RandomPool()  # query ids: one system call per 128 presses

    async def press(
        self,
        user: Account,
        bot: Account,
        msg: StoredMessage,
        data: bytes | None,
        game: bool,
        dc_id: int,
    ) -> types.messages.BotCallbackAnswer:
        """Pushes the press of ``user`` on ``msg`` to ``bot`` and waits for the answer
        (``dc_id``: the DC an inline message's id names)."""
        query = self._open(bot.id, user.id, msg.id, game)
        query_id = query.query_id
        chat_instance = _chat_instance(user.id, bot.id)
        game_short_name = (msg.game or "game") if game else None
        data = None if game else data
        update: types.TypeUpdate
        if msg.inline_id is not None:
            assert msg.inline_hash is not None
            inline_id = types.InputBotInlineMessageID(
                dc_id=dc_id, id=msg.inline_id, access_hash=msg.inline_hash
            )
            update = types.UpdateInlineBotCallbackQuery(
                query_id=query_id,
                user_id=user.id,
                msg_id=inline_id,
                chat_instance=chat_instance,
                data=data,
                game_short_name=game_short_name,
            )
        else:
            update = types.UpdateBotCallbackQuery(
                query_id=query_id,
                user_id=user.id,
                peer=peer_user(user.id),
                msg_id=msg.id,
                chat_instance=chat_instance,
                data=data,
                game_short_name=game_short_name,
            )
        return await self._deliver(query, updates([update], [user_tl(bot.id, user)]))

    async def press_business(
        self,
        user: Account,
        bot: Account,
        msg: types.Message,
        connection_id: str,
        data: bytes | None,
        users: list[types.TypeUser],
    ) -> types.messages.BotCallbackAnswer:
        """The press of ``user`` on ``msg``, a message ``bot`` sent for a business account
        (``msg`` as that account sees it; ``users``: the chat's), as
        ``updateBusinessBotCallbackQuery``."""
        query = self._open(bot.id, user.id, msg.id, False)
        update = types.UpdateBusinessBotCallbackQuery(
            query_id=query.query_id,
            user_id=user.id,
            connection_id=connection_id,
            message=msg,
            chat_instance=_chat_instance(user.id, bot.id),
            data=data,
        )
        return await self._deliver(query, updates([update], users))

    async def press_ephemeral(
        self, user: Account, bot: Account, msg: types.EphemeralMessage, data: bytes
    ) -> types.messages.BotCallbackAnswer:
        """The press of ``user`` on the ephemeral message ``msg`` (as ``bot`` sees it), as
        ``updateEphemeralBotCallbackQuery``."""
        query = self._open(bot.id, user.id, msg.id, False)
        chat_instance = _chat_instance(user.id, bot.id)
        update = types.UpdateEphemeralBotCallbackQuery(
            query_id=query.query_id,
            user_id=user.id,
            peer=msg.peer_id,
            msg_id=msg.id,
            data=data,
            chat_instance=chat_instance,
            message=msg,
        )
        return await self._deliver(query, updates([update], [user_tl(bot.id, user)]))

    def _open(self, bot_id: int, user_id: int, msg_id: int, game: bool) -> PendingQuery:
        """A new pending query with a fresh non-zero ``query_id``."""
        query_id = self._random.int64()
        while query_id == 0 or query_id in self.pending:
            query_id = self._random.int64()
        future = asyncio.get_running_loop().create_future()
        query = PendingQuery(query_id, bot_id, user_id, msg_id, game, future)
        self.pending[query_id] = query
        return query

    async def _deliver(
        self, query: PendingQuery, pushed: types.Updates
    ) -> types.messages.BotCallbackAnswer:
        """Pushes ``pushed`` (the press) to the bot and waits for its answer or the timeout."""
        query_id = query.query_id
        delivered = self._push(query.bot_id, pushed)
        log.debug("query %d pushed to %d sessions of bot %d", query_id, delivered, query.bot_id)
        # One timer per query (no wait_for/shield: two futures and a task less per press).
        loop = asyncio.get_running_loop()
        timer = loop.call_later(self.answer_timeout, self._expire, query)
        try:
            return await query.future
        finally:
            timer.cancel()
            self.pending.pop(query_id, None)
            if not query.future.done():
                query.future.cancel()

    def _expire(self, query: PendingQuery) -> None:
        if not query.future.done():
            self.timed_out += 1
            query.future.set_exception(RpcError(400, "BOT_RESPONSE_TIMEOUT"))

    def answer_called(self, query_id: int) -> None:
        """Counts a ``setBotCallbackAnswer`` for ``query_id``, accepted or not."""
        _count(self.answer_calls, query_id)

    def waiting(self, query_id: int, bot_id: int) -> PendingQuery | None:
        """The query ``bot_id`` may still answer, if any."""
        query = self.pending.get(query_id)
        if query is None or query.bot_id != bot_id or query.future.done():
            return None
        return query

    def resolve(self, query: PendingQuery, answer: types.messages.BotCallbackAnswer) -> None:
        """Hands ``answer`` to the press waiting in ``query`` (from :meth:`waiting`)."""
        query.future.set_result(answer)
        del self.pending[query.query_id]
        self.answered += 1
        _count(self.accepted, query.query_id)
