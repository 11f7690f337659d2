"""users.* and contacts.resolveUsername."""

from __future__ import annotations

from ..context import Context, Handler, handler_table
from ..peers import input_user
from ..rpc import RpcError
from ..tlobjects import functions, peer_user, types
from ..views import user_tl

__all__ = ["HANDLERS", "MAX_GET_USERS", "PUBLIC"]

#: Ids one ``users.getUsers`` takes: clients split larger lookups into calls of 200 (mtcute's
#: ``getUsers``: "You can retrieve up to 200 users at once"). What Telegram answers to more is
#: not documented; the local DC answers ``LIMIT_INVALID`` rather than serve any length.
MAX_GET_USERS = 200


async def get_users(ctx: Context, req: functions.users.GetUsers) -> list[types.User]:
    me = ctx.me()
    if len(req.id) > MAX_GET_USERS:
        raise RpcError(400, "LIMIT_INVALID")
    out = []
    for item in req.id:
        try:
            out.append(user_tl(me.id, input_user(ctx, item)))
        except RpcError:
            continue  # Telegram leaves unknown users out
    return out


async def get_full_user(ctx: Context, req: functions.users.GetFullUser) -> types.users.UserFull:
    me = ctx.me()
    account = input_user(ctx, req.id)
    full = types.UserFull(
        id=account.id,
        settings=types.PeerSettings(),
        notify_settings=types.PeerNotifySettings(),
        common_chats_count=0,
    )
    return types.users.UserFull(full_user=full, chats=[], users=[user_tl(me.id, account)])


async def resolve_username(
    ctx: Context, req: functions.contacts.ResolveUsername
) -> types.contacts.ResolvedPeer:
    me = ctx.me()
    account = ctx.state.store.by_username(req.username)
    if account is None:
        raise RpcError(400, "USERNAME_NOT_OCCUPIED")
    return types.contacts.ResolvedPeer(
        peer=peer_user(account.id), chats=[], users=[user_tl(me.id, account)]
    )


HANDLERS: dict[str, Handler] = handler_table(
    {
        functions.users.GetUsers: get_users,
        functions.users.GetFullUser: get_full_user,
        functions.contacts.ResolveUsername: resolve_username,
    }
)
PUBLIC: set[str] = set()
