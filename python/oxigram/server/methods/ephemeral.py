"""ephemeral.*: a bot sends and edits ephemeral messages (the press is in ``callbacks.py``).

The local DC has no groups: an ephemeral message lives in the receiver's private chat with
the bot, so ``peer``, when given, must be that chat (the receiver).
"""

from __future__ import annotations

from ..context import Context, Handler, handler_table
from ..ephemeral import EphemeralRecord
from ..messaging import create_ephemeral, edit_ephemeral
from ..model import Account
from ..peers import input_peer, input_user
from ..rpc import RpcError
from ..tlobjects import dumps, functions, types
from .messages import MAX_TEXT

__all__ = ["HANDLERS", "PUBLIC"]


def _bot(ctx: Context) -> Account:
    me = ctx.me()
    if not me.bot:
        raise RpcError(400, "USER_BOT_REQUIRED")
    return me


def _receiver(ctx: Context, peer: types.TypeInputPeer | None, user: types.TypeInputUser) -> Account:
    receiver = input_user(ctx, user)
    if receiver.bot:
        raise RpcError(400, "USER_IS_BOT")
    if peer is not None and input_peer(ctx, peer).id != receiver.id:
        raise RpcError(400, "PEER_ID_INVALID")
    return receiver


def _text(text: str | None) -> str | None:
    if text is not None and len(text) > MAX_TEXT:
        raise RpcError(400, "MESSAGE_TOO_LONG")
    return text


async def send(ctx: Context, req: functions.ephemeral.SendMessage) -> types.Updates:
    me = _bot(ctx)
    receiver = _receiver(ctx, req.peer, req.receiver_id)
    if not req.message.strip():
        raise RpcError(400, "MESSAGE_EMPTY")
    markup = dumps(req.reply_markup) if req.reply_markup is not None else None
    _, own = create_ephemeral(
        ctx.state, me.id, receiver.id, _text(req.message) or "", markup, origin=ctx.session
    )
    return own


async def edit(ctx: Context, req: functions.ephemeral.EditMessage) -> types.Updates:
    me = _bot(ctx)
    receiver = _receiver(ctx, req.peer, req.receiver_id)
    rec: EphemeralRecord | None = ctx.state.ephemeral.get(req.id)
    if rec is None or rec.bot_id != me.id or rec.receiver_id != receiver.id:
        raise RpcError(400, "MESSAGE_ID_INVALID")
    markup = dumps(req.reply_markup) if req.reply_markup is not None else None
    return edit_ephemeral(ctx.state, rec, _text(req.message), markup, origin=ctx.session)


HANDLERS: dict[str, Handler] = handler_table(
    {
        functions.ephemeral.SendMessage: send,
        functions.ephemeral.EditMessage: edit,
    }
)
PUBLIC: set[str] = set()
