"""messages.*: sending, editing and fetching private messages; the two callback methods."""

from __future__ import annotations

from typing import Any

from ... import tl
from ..messaging import create_message, edit_message
from ..peers import input_peer
from ..rpc import Context, Handler, RpcError
from ..views import message_tl, user_tl

__all__ = ["HANDLERS", "PUBLIC"]

MAX_TEXT = 4096


def _markup(req: Any) -> bytes | None:
    markup = getattr(req, "reply_markup", None)
    return tl.dumps(markup) if markup is not None else None


async def send_message(ctx: Context, req: Any) -> Any:
    me = ctx.me()
    peer = input_peer(ctx, req.peer)
    if me.bot and peer.bot:
        raise RpcError(400, "USER_IS_BOT")
    if not req.message.strip():
        raise RpcError(400, "MESSAGE_EMPTY")
    if len(req.message) > MAX_TEXT:
        raise RpcError(400, "MESSAGE_TOO_LONG")
    _, own = create_message(
        ctx.dc,
        me.id,
        peer.id,
        req.message,
        _markup(req),
        random_id=req.random_id,
        origin=ctx.session,
    )
    return own


async def edit(ctx: Context, req: Any) -> Any:
    me = ctx.me()
    peer = input_peer(ctx, req.peer)
    msg = ctx.dc.store.messages.get(req.id)
    if msg is None or {msg.from_id, msg.to_id} != {me.id, peer.id}:
        raise RpcError(400, "MESSAGE_ID_INVALID")
    if msg.from_id != me.id:
        raise RpcError(403, "MESSAGE_AUTHOR_REQUIRED")
    if req.message is not None and len(req.message) > MAX_TEXT:
        raise RpcError(400, "MESSAGE_TOO_LONG")
    return edit_message(
        ctx.dc, msg, req.message, _markup(req), origin=ctx.session, answer_for=me.id
    )


async def edit_inline(ctx: Context, req: Any) -> Any:
    me = ctx.me()
    if not me.bot:
        raise RpcError(400, "USER_BOT_REQUIRED")
    ident = req.id
    if getattr(ident, "_tl_name", "") != "inputBotInlineMessageID":
        raise RpcError(400, "MESSAGE_ID_INVALID")
    msg = ctx.dc.store.inline_message(ident.id, ident.access_hash)
    if msg is None or msg.via_bot_id != me.id or ident.dc_id != ctx.dc.dc_id:
        raise RpcError(400, "MESSAGE_ID_INVALID")
    edit_message(ctx.dc, msg, req.message, _markup(req))
    return True


async def get_messages(ctx: Context, req: Any) -> Any:
    me = ctx.me()
    store = ctx.dc.store
    out: list[Any] = []
    user_ids: dict[int, None] = {}
    for item in req.id:
        if getattr(item, "_tl_name", "") != "inputMessageID":
            raise RpcError(400, "MESSAGE_IDS_EMPTY")
        msg = store.messages.get(item.id)
        if msg is None or me.id not in (msg.from_id, msg.to_id):
            out.append(tl.from_dict({"_": "messageEmpty", "id": item.id}))
            continue
        out.append(message_tl(me.id, msg))
        user_ids.update(dict.fromkeys([msg.from_id, msg.to_id]))
        if msg.via_bot_id:
            user_ids[msg.via_bot_id] = None
    users = [user_tl(me.id, store.accounts[uid]) for uid in user_ids if uid in store.accounts]
    return tl.from_dict(
        {"_": "messages.messages", "messages": out, "topics": [], "chats": [], "users": users}
    )


async def get_bot_callback_answer(ctx: Context, req: Any) -> Any:
    return await ctx.dc.callbacks.press(ctx, req)


async def set_bot_callback_answer(ctx: Context, req: Any) -> Any:
    return ctx.dc.callbacks.answer(ctx, req)


HANDLERS: dict[str, Handler] = {
    "messages.sendMessage": send_message,
    "messages.editMessage": edit,
    "messages.editInlineBotMessage": edit_inline,
    "messages.getMessages": get_messages,
    "messages.getBotCallbackAnswer": get_bot_callback_answer,
    "messages.setBotCallbackAnswer": set_bot_callback_answer,
}
PUBLIC: set[str] = set()
