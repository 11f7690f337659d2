"""Callback queries: a user's press waits for the bot's answer (protocol.md section 5).

``getBotCallbackAnswer`` checks the message, the button and (for password buttons) the SRP
proof, gives the press a random 64-bit ``query_id``, pushes ``updateBotCallbackQuery`` (or
``updateInlineBotCallbackQuery``) to every live session of the bot and waits up to
``answer_timeout`` for ``setBotCallbackAnswer``; then ``BOT_RESPONSE_TIMEOUT``. A query is
answered once: late or second answers get ``QUERY_ID_INVALID``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import tl
from ..mtproto.random_pool import RandomPool
from . import srp
from .model import Account, StoredMessage
from .peers import input_peer
from .rpc import Context, RpcError
from .views import updates_tl, user_tl

if TYPE_CHECKING:
    from .dc import LocalDC

__all__ = ["MAX_ANSWER_TEXT", "CallbackHub"]

log = logging.getLogger(__name__)

#: Bot API: answerCallbackQuery.text is 0-200 characters.
MAX_ANSWER_TEXT = 200
#: How long an ``srp_id`` from ``account.getPassword`` stays usable, and how many are kept.
SRP_TTL = 300.0
SRP_KEEP = 32
#: How many query ids ``CallbackHub.answer_calls`` / ``accepted`` remember (oldest dropped).
ANSWER_LOG = 65_536


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
    future: asyncio.Future[Any]
    created: float = field(default_factory=time.monotonic)


#: Decoded reply markups by their serialized bytes (a press decoded its message's markup
#: each time before; a markup changes only by an edit, which changes the bytes).
_MARKUPS: dict[bytes, Any] = {}
_MARKUPS_KEEP = 4096


def _markup_of(msg: StoredMessage) -> Any:
    raw = msg.markup
    if raw is None:
        return None
    markup = _MARKUPS.get(raw)
    if markup is None:
        if len(_MARKUPS) >= _MARKUPS_KEEP:
            _MARKUPS.clear()
        markup = _MARKUPS[raw] = msg.markup_obj()
    return markup


def _button_for(msg: StoredMessage, data: bytes | None, game: bool) -> Any:
    markup = _markup_of(msg)
    if markup is None or getattr(markup, "_tl_name", "") != "replyInlineMarkup":
        return None
    for row in markup.rows:
        for button in row.buttons:
            kind = button.type
            name = getattr(kind, "_tl_name", "")
            if game and name == "inlineButtonTypeGame":
                return button
            if not game and name == "inlineButtonTypeCallback" and kind.data == data:
                return button
    return None


def _deep_link_ok(url: str, bot: Account) -> bool:
    name = re.escape(bot.username or "")
    if not name:
        return False
    patterns = (
        rf"(?i)^(https?://)?(www\.)?(t|telegram)\.me/{name}(\?start=[\w-]{{0,64}})?$",
        rf"(?i)^tg://resolve\?domain={name}(&start=[\w-]{{0,64}})?$",
    )
    return any(re.match(p, url) for p in patterns)


class CallbackHub:
    def __init__(self, dc: LocalDC) -> None:
        self.dc = dc
        self.pending: dict[int, PendingQuery] = {}
        self._srp: dict[int, OrderedDict[int, tuple[srp.SrpChallenge, float]]] = {}
        self.answered = 0
        self.timed_out = 0
        #: setBotCallbackAnswer calls per query id (accepted or not) and the accepted ones,
        #: for the last ``ANSWER_LOG`` query ids: shows that a press got exactly one answer.
        self.answer_calls: Counter[int] = Counter()
        self.accepted: Counter[int] = Counter()
        self._random = RandomPool()  # query ids: one system call per 128 presses

    # ------------------------------------------------------------------------ SRP state

    def new_srp(self, account: Account) -> srp.SrpChallenge:
        assert account.secret is not None
        challenge = srp.new_challenge(account.secret)
        kept = self._srp.setdefault(account.id, OrderedDict())
        kept[challenge.srp_id] = (challenge, time.monotonic())
        while len(kept) > SRP_KEEP:
            kept.popitem(last=False)
        return challenge

    def check_password(self, account: Account, proof: Any) -> None:
        """Raises the RPC error of ``auth.checkPassword`` unless ``proof`` is right."""
        if account.secret is None:
            raise RpcError(400, "PASSWORD_MISSING")
        if getattr(proof, "_tl_name", "") != "inputCheckPasswordSRP":
            raise RpcError(400, "PASSWORD_HASH_INVALID")
        entry = self._srp.get(account.id, OrderedDict()).get(proof.srp_id)
        if entry is None or time.monotonic() - entry[1] > SRP_TTL:
            raise RpcError(400, "SRP_ID_INVALID")
        if not srp.verify(account.secret, entry[0], proof.A, proof.M1):
            raise RpcError(400, "PASSWORD_HASH_INVALID")

    # ------------------------------------------------------------------------- presses

    async def press(self, ctx: Context, req: Any) -> Any:
        """``messages.getBotCallbackAnswer`` for the calling user."""
        me = ctx.me()
        if me.bot:
            raise RpcError(400, "USER_BOT_INVALID")
        peer = input_peer(ctx, req.peer)
        msg = self.dc.store.messages.get(req.msg_id)
        if msg is None or {msg.from_id, msg.to_id} != {me.id, peer.id}:
            raise RpcError(400, "MESSAGE_ID_INVALID")
        bot_id = msg.via_bot_id or msg.from_id
        bot = self.dc.store.accounts.get(bot_id)
        if bot is None or not bot.bot:
            raise RpcError(400, "DATA_INVALID")  # no bot behind this message: no button to press
        game = bool(req.game)
        button = _button_for(msg, req.data, game)
        if button is None:
            raise RpcError(400, "DATA_INVALID")
        if not game and button.type.requires_password:
            # Checked here; the bot never sees the password or the proof.
            if me.secret is None:
                raise RpcError(400, "PASSWORD_MISSING")
            self.check_password(me, req.password)
        return await self._wait(me, bot, msg, req.data if not game else None, game)

    async def _wait(
        self, user: Account, bot: Account, msg: StoredMessage, data: bytes | None, game: bool
    ) -> Any:
        query_id = self._random.int64()
        while query_id == 0 or query_id in self.pending:
            query_id = self._random.int64()
        loop = asyncio.get_running_loop()
        query = PendingQuery(query_id, bot.id, user.id, msg.id, game, loop.create_future())
        self.pending[query_id] = query
        chat_instance = (min(user.id, bot.id) << 20) ^ max(user.id, bot.id)
        update: dict[str, Any] = {"query_id": query_id, "user_id": user.id}
        schema = tl.schema
        if msg.inline_id is not None:
            name = "updateInlineBotCallbackQuery"
            update["msg_id"] = schema["inputBotInlineMessageID"](
                dc_id=self.dc.dc_id, id=msg.inline_id, access_hash=msg.inline_hash
            )
        else:
            name = "updateBotCallbackQuery"
            update["peer"] = schema["peerUser"](user_id=user.id)
            update["msg_id"] = msg.id
        update["chat_instance"] = chat_instance
        if game:
            update["game_short_name"] = msg.game or "game"
        else:
            update["data"] = data
        # The constructors, not from_dict: one push per press, the DC's hot path.
        push = updates_tl([schema[name](**update)], [user_tl(bot.id, user)])
        delivered = self.dc.push(bot.id, push)
        log.debug("query %d pushed to %d sessions of bot %d", query_id, delivered, bot.id)
        # One timer per query (no wait_for/shield: two futures and a task less per press).
        timer = loop.call_later(self.dc.answer_timeout, self._expire, query)
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

    # ------------------------------------------------------------------------- answers

    def answer(self, ctx: Context, req: Any) -> bool:
        """``messages.setBotCallbackAnswer`` from the calling bot."""
        me = ctx.me()
        if not me.bot:
            raise RpcError(400, "USER_BOT_REQUIRED")
        _count(self.answer_calls, req.query_id)
        text = req.message
        if text is not None and len(text) > MAX_ANSWER_TEXT:
            raise RpcError(400, "MESSAGE_TOO_LONG")
        query = self.pending.get(req.query_id)
        if query is None or query.bot_id != me.id or query.future.done():
            raise RpcError(400, "QUERY_ID_INVALID")
        url = req.url
        if url is not None:
            if query.game:
                ok = re.match(r"(?i)^https?://\S+$", url) is not None
            else:
                ok = _deep_link_ok(url, me)
            if not ok:
                raise RpcError(400, "URL_INVALID")
        answer: dict[str, Any] = {
            "_": "messages.botCallbackAnswer",
            "alert": bool(req.alert),
            "cache_time": req.cache_time,
        }
        if text is not None:
            answer["message"] = text
        if url is not None:
            answer["url"] = url
            answer["has_url"] = True
        query.future.set_result(tl.schema[answer.pop("_")](**answer))
        del self.pending[req.query_id]
        self.answered += 1
        _count(self.accepted, req.query_id)
        return True
