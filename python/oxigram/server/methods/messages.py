"""messages.*: sending, editing and fetching private messages (the two callback methods are
in ``callbacks.py``). In ``invokeWithBusinessConnection`` a bot sends and edits as the
connection's business account (``Context.actor``), and edits only what it sent that way."""

from __future__ import annotations

from ..context import Context, Handler, handler_table
from ..messaging import create_message, edit_message
from ..peers import input_peer
from ..rpc import RpcError
from ..tlobjects import dumps, functions, types
from ..views import message_tl, user_tl

__all__ = ["HANDLERS", "PUBLIC"]

MAX_TEXT = 4096


def _markup(markup: types.TypeReplyMarkup | None) -> bytes | None:
    return dumps(markup) if markup is not None else None


async def send_message(ctx: Context, req: functions.messages.SendMessage) -> types.Updates:
    me = ctx.actor()
    peer = input_peer(ctx, req.peer)
    if me.bot and peer.bot:
        raise RpcError(400, "USER_IS_BOT")
    if not req.message.strip():
        raise RpcError(400, "MESSAGE_EMPTY")
    if len(req.message) > MAX_TEXT:
        raise RpcError(400, "MESSAGE_TOO_LONG")
    _, own = create_message(
        ctx.state,
        me.id,
        peer.id,
        req.message,
        _markup(req.reply_markup),
        via_business_bot_id=ctx.business.bot_id if ctx.business is not None else None,
        random_id=req.random_id,
        origin=ctx.session,
    )
    assert own is not None  # the sender is always a party
    return own


async def edit(ctx: Context, req: functions.messages.EditMessage) -> types.Updates:
    me = ctx.actor()
    peer = input_peer(ctx, req.peer)
    msg = ctx.state.store.messages.get(req.id)
    if msg is None or {msg.from_id, msg.to_id} != {me.id, peer.id}:
        raise RpcError(400, "MESSAGE_ID_INVALID")
    business = ctx.business
    if msg.from_id != me.id or (
        business is not None and msg.via_business_bot_id != business.bot_id
    ):
        raise RpcError(403, "MESSAGE_AUTHOR_REQUIRED")
    if req.message is not None and len(req.message) > MAX_TEXT:
        raise RpcError(400, "MESSAGE_TOO_LONG")
    own = edit_message(
        ctx.state, msg, req.message, _markup(req.reply_markup), origin=ctx.session, answer_for=me.id
    )
    assert own is not None  # the author is always a party
    return own


async def edit_inline(ctx: Context, req: functions.messages.EditInlineBotMessage) -> bool:
    me = ctx.me()
    if not me.bot:
        raise RpcError(400, "USER_BOT_REQUIRED")
    ident = req.id
    if not isinstance(ident, types.InputBotInlineMessageID):
        raise RpcError(400, "MESSAGE_ID_INVALID")
    msg = ctx.state.store.inline_message(ident.id, ident.access_hash)
    # Another DC's inline message is not found here: MESSAGE_ID_INVALID, as on Telegram.
    home = msg.inline_dc if msg is not None and msg.inline_dc is not None else ctx.dc.dc_id
    if msg is None or msg.via_bot_id != me.id or ident.dc_id != ctx.dc.dc_id or home != ident.dc_id:
        raise RpcError(400, "MESSAGE_ID_INVALID")
    edit_message(ctx.state, msg, req.message, _markup(req.reply_markup))
    return True


async def get_messages(
    ctx: Context, req: functions.messages.GetMessages
) -> types.messages.Messages:
    me = ctx.me()
    store = ctx.state.store
    out: list[types.TypeMessage] = []
    user_ids: dict[int, None] = {}
    for item in req.id:
        if not isinstance(item, types.InputMessageID):
            raise RpcError(400, "MESSAGE_IDS_EMPTY")
        msg = store.messages.get(item.id)
        if msg is None or me.id not in (msg.from_id, msg.to_id):
            out.append(types.MessageEmpty(id=item.id))
            continue
        out.append(message_tl(me.id, msg))
        user_ids.update(dict.fromkeys([msg.from_id, msg.to_id]))
        if msg.via_bot_id:
            user_ids[msg.via_bot_id] = None
    users = [user_tl(me.id, store.accounts[uid]) for uid in user_ids if uid in store.accounts]
    return types.messages.Messages(messages=out, topics=[], chats=[], users=users)


HANDLERS: dict[str, Handler] = handler_table(
    {
        functions.messages.SendMessage: send_message,
        functions.messages.EditMessage: edit,
        functions.messages.EditInlineBotMessage: edit_inline,
        functions.messages.GetMessages: get_messages,
    }
)
PUBLIC: set[str] = set()
