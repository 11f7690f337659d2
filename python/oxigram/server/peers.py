"""Resolving input peers and users against the store (``PEER_ID_INVALID`` and friends)."""

from __future__ import annotations

from typing import Any

from .model import Account
from .rpc import Context, RpcError

__all__ = ["input_peer", "input_user"]


def _checked(ctx: Context, user_id: int, access_hash: int, error: str) -> Account:
    account = ctx.dc.store.accounts.get(user_id)
    if account is None or account.access_hash != access_hash:
        raise RpcError(400, error)
    return account


def input_user(ctx: Context, obj: Any, error: str = "USER_ID_INVALID") -> Account:
    name = getattr(obj, "_tl_name", "")
    if name == "inputUserSelf":
        return ctx.me()
    if name == "inputUser":
        return _checked(ctx, obj.user_id, obj.access_hash, error)
    raise RpcError(400, error)


def input_peer(ctx: Context, obj: Any) -> Account:
    """The user a private-chat ``InputPeer`` names (only user peers exist on the local DC)."""
    name = getattr(obj, "_tl_name", "")
    if name == "inputPeerSelf":
        return ctx.me()
    if name == "inputPeerUser":
        return _checked(ctx, obj.user_id, obj.access_hash, "PEER_ID_INVALID")
    raise RpcError(400, "PEER_ID_INVALID")
