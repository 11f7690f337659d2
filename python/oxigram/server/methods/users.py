"""users.* and contacts.resolveUsername."""

from __future__ import annotations

from typing import Any

from ... import tl
from ..peers import input_user
from ..rpc import Context, Handler, RpcError
from ..views import peer_user, user_tl

__all__ = ["HANDLERS", "PUBLIC"]


async def get_users(ctx: Context, req: Any) -> Any:
    me = ctx.me()
    out = []
    for item in req.id:
        try:
            out.append(user_tl(me.id, input_user(ctx, item)))
        except RpcError:
            continue  # Telegram leaves unknown users out
    return out


async def get_full_user(ctx: Context, req: Any) -> Any:
    me = ctx.me()
    account = input_user(ctx, req.id)
    full: dict[str, Any] = {
        "_": "userFull",
        "id": account.id,
        "settings": {"_": "peerSettings"},
        "notify_settings": {"_": "peerNotifySettings"},
        "common_chats_count": 0,
    }
    return tl.from_dict(
        {
            "_": "users.userFull",
            "full_user": full,
            "chats": [],
            "users": [user_tl(me.id, account)],
        }
    )


async def resolve_username(ctx: Context, req: Any) -> Any:
    me = ctx.me()
    account = ctx.dc.store.by_username(req.username)
    if account is None:
        raise RpcError(400, "USERNAME_NOT_OCCUPIED")
    return tl.from_dict(
        {
            "_": "contacts.resolvedPeer",
            "peer": peer_user(account.id),
            "chats": [],
            "users": [user_tl(me.id, account)],
        }
    )


HANDLERS: dict[str, Handler] = {
    "users.getUsers": get_users,
    "users.getFullUser": get_full_user,
    "contacts.resolveUsername": resolve_username,
}
PUBLIC: set[str] = set()
