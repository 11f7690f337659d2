"""Resolving input peers and users against the store (``PEER_ID_INVALID`` and friends)."""

from __future__ import annotations

from .context import Context
from .model import Account
from .rpc import RpcError
from .tlobjects import types

__all__ = ["input_peer", "input_user"]


def _checked(ctx: Context, user_id: int, access_hash: int, error: str) -> Account:
    account = ctx.state.store.accounts.get(user_id)
    if account is None or account.access_hash != access_hash:
        raise RpcError(400, error)
    return account


def input_user(ctx: Context, obj: types.TypeInputUser, error: str = "USER_ID_INVALID") -> Account:
    if isinstance(obj, types.InputUserSelf):
        return ctx.me()
    if isinstance(obj, types.InputUser):
        return _checked(ctx, obj.user_id, obj.access_hash, error)
    raise RpcError(400, error)


def input_peer(ctx: Context, obj: types.TypeInputPeer) -> Account:
    """The user a private-chat ``InputPeer`` names (only user peers exist on the local DC)."""
    if isinstance(obj, types.InputPeerSelf):
        return ctx.me()
    if isinstance(obj, types.InputPeerUser):
        return _checked(ctx, obj.user_id, obj.access_hash, "PEER_ID_INVALID")
    raise RpcError(400, "PEER_ID_INVALID")
