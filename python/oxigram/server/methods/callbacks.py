"""messages.getBotCallbackAnswer and messages.setBotCallbackAnswer: the checks of a press and
of its answer (protocol.md section 5); the query in between is the state's ``CallbackHub``.

A press is checked in this order: the caller is a user; the peer resolves; the message is
in the chat caller <-> peer; a bot is behind it (sender or ``via_bot_id``) and a button
matches ``data`` (or a game button for ``game``); the password, for a password button.
Only then does the bot see it. An answer: the caller is a bot; text of at most 200
characters; a query of this bot still waiting; for a url, the bot's deep link (a callback
query) or any http(s) url (a game). Late and second answers get ``QUERY_ID_INVALID``.
"""

from __future__ import annotations

import re

from ..context import Context, Handler, handler_table
from ..model import Account, StoredMessage
from ..peers import input_peer
from ..rpc import RpcError
from ..tlobjects import functions, reply_markup, types

__all__ = ["HANDLERS", "MAX_ANSWER_TEXT", "PUBLIC"]

#: Bot API: answerCallbackQuery.text is 0-200 characters.
MAX_ANSWER_TEXT = 200

#: Decoded reply markups by their serialized bytes (a press decoded its message's markup
#: each time before; a markup changes only by an edit, which changes the bytes).
_MARKUPS: dict[bytes, types.TypeReplyMarkup] = {}
_MARKUPS_KEEP = 4096


def _markup_of(msg: StoredMessage) -> types.TypeReplyMarkup | None:
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
    msg: StoredMessage, data: bytes | None, game: bool
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
    bot = store.accounts.get(msg.via_bot_id or msg.from_id)
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
    dc_id = msg.inline_dc if msg.inline_dc is not None else ctx.dc.dc_id
    return await ctx.state.callbacks.press(me, bot, msg, data, game, dc_id)


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
        functions.messages.SetBotCallbackAnswer: set_bot_callback_answer,
    }
)
PUBLIC: set[str] = set()
