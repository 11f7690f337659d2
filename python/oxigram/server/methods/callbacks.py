"""messages.getBotCallbackAnswer, ephemeral.getCallbackAnswer and messages.setBotCallbackAnswer:
the checks of a press and of its answer (protocol.md section 5); the query in between is the
state's ``CallbackHub``.

A press is checked in this order: the caller is a user; the peer resolves; the message is
in the chat caller <-> peer; a bot is behind it (sender, ``via_bot_id``, or
``via_business_bot_id`` with its business connection still there) and a button matches
``data`` (or a game button for ``game``); the password, for a password button. Only then
does the bot see it. A press on an ephemeral message: the caller is its receiver, the peer
its bot, a callback button matches (a password button cannot be pressed there: the method
has no password). An answer: the caller is a bot; text of at most 200
characters; a query of this bot still waiting; for a url, the bot's deep link (a callback
query) or any http(s) url (a game). Late and second answers get ``QUERY_ID_INVALID``.
"""

from __future__ import annotations

import re

from ..context import Context, Handler, handler_table
from ..ephemeral import EphemeralRecord
from ..model import Account, StoredMessage
from ..peers import input_peer
from ..rpc import RpcError
from ..tlobjects import functions, reply_markup, types
from ..views import ephemeral_tl, message_tl, user_tl

__all__ = ["HANDLERS", "MAX_ANSWER_TEXT", "PUBLIC"]

#: Bot API: answerCallbackQuery.text is 0-200 characters.
MAX_ANSWER_TEXT = 200

#: Decoded reply markups by their serialized bytes (a press decoded its message's markup
#: each time before; a markup changes only by an edit, which changes the bytes).
_MARKUPS: dict[bytes, types.TypeReplyMarkup] = {}
_MARKUPS_KEEP = 4096


def _markup_of(msg: StoredMessage | EphemeralRecord) -> types.TypeReplyMarkup | None:
    raw = msg.markup
    if raw is None:
        return None
    markup = _MARKUPS.get(raw)
    if markup is None:
        if len(_MARKUPS) >= _MARKUPS_KEEP:
            _MARKUPS.clear()
        markup = _MARKUPS[raw] = reply_markup(raw)
    return markup


def _button_for(
    msg: StoredMessage | EphemeralRecord, data: bytes | None, game: bool
) -> types.KeyboardInlineButton | None:
    markup = _markup_of(msg)
    if not isinstance(markup, types.ReplyInlineMarkup):
        return None
    for row in markup.rows:
        for button in row.buttons:
            kind = button.type
            if game and isinstance(kind, types.InlineButtonTypeGame):
                return button
            if not game and isinstance(kind, types.InlineButtonTypeCallback) and kind.data == data:
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


async def get_bot_callback_answer(
    ctx: Context, req: functions.messages.GetBotCallbackAnswer
) -> types.messages.BotCallbackAnswer:
    me = ctx.me()
    if me.bot:
        raise RpcError(400, "USER_BOT_INVALID")
    peer = input_peer(ctx, req.peer)
    store = ctx.state.store
    msg = store.messages.get(req.msg_id)
    if msg is None or {msg.from_id, msg.to_id} != {me.id, peer.id}:
        raise RpcError(400, "MESSAGE_ID_INVALID")
    bot = store.accounts.get(msg.via_business_bot_id or msg.via_bot_id or msg.from_id)
    if bot is None or not bot.bot:
        raise RpcError(400, "DATA_INVALID")  # no bot behind this message: no button to press
    game = bool(req.game)
    button = _button_for(msg, req.data, game)
    if button is None:
        raise RpcError(400, "DATA_INVALID")
    if isinstance(button.type, types.InlineButtonTypeCallback) and button.type.requires_password:
        # Checked here; the bot never sees the password or the proof.
        if me.secret is None:
            raise RpcError(400, "PASSWORD_MISSING")
        ctx.state.passwords.check(me, req.password)
    data = req.data if not game else None
    if msg.via_business_bot_id is not None:
        return await _press_business(ctx, me, bot, msg, data)
    dc_id = msg.inline_dc if msg.inline_dc is not None else ctx.dc.dc_id
    return await ctx.state.callbacks.press(me, bot, msg, data, game, dc_id)


async def _press_business(
    ctx: Context, me: Account, bot: Account, msg: StoredMessage, data: bytes | None
) -> types.messages.BotCallbackAnswer:
    """A press on a message ``bot`` sent for the business account ``msg.from_id``: the bot
    sees the message as that account does, with both users of the chat."""
    state = ctx.state
    conn = state.business.between(bot.id, msg.from_id)
    if conn is None:
        raise RpcError(400, "DATA_INVALID")  # disconnected: nobody takes the press
    accounts = state.store.accounts
    users: list[types.TypeUser] = [
        user_tl(bot.id, accounts[uid]) for uid in (msg.from_id, msg.to_id) if uid in accounts
    ]
    seen = message_tl(conn.user_id, msg)
    return await state.callbacks.press_business(me, bot, seen, conn.connection_id, data, users)


async def get_ephemeral_callback_answer(
    ctx: Context, req: functions.ephemeral.GetCallbackAnswer
) -> types.messages.BotCallbackAnswer:
    me = ctx.me()
    if me.bot:
        raise RpcError(400, "USER_BOT_INVALID")
    peer = input_peer(ctx, req.peer)
    rec = ctx.state.ephemeral.get(req.id)
    if rec is None or rec.receiver_id != me.id or rec.bot_id != peer.id:
        raise RpcError(400, "MESSAGE_ID_INVALID")
    data = req.data
    button = _button_for(rec, data, False) if data is not None else None
    if button is None or data is None:
        raise RpcError(400, "DATA_INVALID")
    if isinstance(button.type, types.InlineButtonTypeCallback) and button.type.requires_password:
        raise RpcError(400, "BUTTON_TYPE_INVALID")
    return await ctx.state.callbacks.press_ephemeral(me, peer, ephemeral_tl(peer.id, rec), data)


async def set_bot_callback_answer(
    ctx: Context, req: functions.messages.SetBotCallbackAnswer
) -> bool:
    me = ctx.me()
    if not me.bot:
        raise RpcError(400, "USER_BOT_REQUIRED")
    hub = ctx.state.callbacks
    hub.answer_called(req.query_id)
    text = req.message
    if text is not None and len(text) > MAX_ANSWER_TEXT:
        raise RpcError(400, "MESSAGE_TOO_LONG")
    query = hub.waiting(req.query_id, me.id)
    if query is None:
        raise RpcError(400, "QUERY_ID_INVALID")
    url = req.url
    if url is not None:
        if query.game:
            ok = re.match(r"(?i)^https?://\S+$", url) is not None
        else:
            ok = _deep_link_ok(url, me)
        if not ok:
            raise RpcError(400, "URL_INVALID")
    answer = types.messages.BotCallbackAnswer(
        alert=bool(req.alert),
        cache_time=req.cache_time,
        message=text,
        url=url,
        has_url=url is not None,
    )
    hub.resolve(query, answer)
    return True


HANDLERS: dict[str, Handler] = handler_table(
    {
        functions.messages.GetBotCallbackAnswer: get_bot_callback_answer,
        functions.ephemeral.GetCallbackAnswer: get_ephemeral_callback_answer,
        functions.messages.SetBotCallbackAnswer: set_bot_callback_answer,
    }
)
PUBLIC: set[str] = set()
