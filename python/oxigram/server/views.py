"""TL objects as one account sees them: users, messages, updates."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from .. import tl
from .model import Account, StoredMessage

__all__ = ["message_tl", "peer_user", "updates_tl", "user_tl"]


def peer_user(user_id: int) -> dict[str, Any]:
    return {"_": "peerUser", "user_id": user_id}


#: ``user`` objects by everything they are made of (a press sends the presser's to the bot
#: each time): built once, shared (TL objects are only serialized, never changed here).
_USERS: dict[tuple[Any, ...], Any] = {}
_USERS_KEEP = 8192


def user_tl(viewer_id: int | None, account: Account) -> Any:
    key = (
        viewer_id,
        account.id,
        account.access_hash,
        account.first_name,
        account.username,
        account.bot,
        account.phone,
    )
    user = _USERS.get(key)
    if user is None:
        if len(_USERS) >= _USERS_KEEP:
            _USERS.clear()
        user = _USERS[key] = _user_tl(viewer_id, account)
    return user


def _user_tl(viewer_id: int | None, account: Account) -> Any:
    me = viewer_id == account.id
    d: dict[str, Any] = {
        "_": "user",
        "self": me,
        "id": account.id,
        "access_hash": account.access_hash,
        "first_name": account.first_name,
    }
    if account.username:
        d["username"] = account.username
    if account.bot:
        d["bot"] = True
        d["bot_info_version"] = 1
    elif me and account.phone:
        d["phone"] = account.phone
    return tl.schema[d.pop("_")](**d)  # flat: the constructor is 2x faster than from_dict


def message_tl(viewer_id: int, msg: StoredMessage) -> Any:
    other = msg.to_id if viewer_id == msg.from_id else msg.from_id
    d: dict[str, Any] = {
        "_": "message",
        "out": viewer_id == msg.from_id,
        "id": msg.id,
        "from_id": peer_user(msg.from_id),
        "peer_id": peer_user(other),
        "date": msg.date,
        "message": msg.text,
    }
    if msg.markup is not None:
        d["reply_markup"] = msg.markup_obj()
    if msg.edit_date is not None:
        d["edit_date"] = msg.edit_date
    if msg.via_bot_id is not None:
        d["via_bot_id"] = msg.via_bot_id
    return tl.from_dict(d)


def updates_tl(updates: list[Any], users: Iterable[Any]) -> Any:
    """``updates{updates, users, chats=[], date=now, seq=0}``; ``updates`` and ``users`` are TL
    objects already (the constructor, not from_dict: one push per press, the DC's hot path)."""
    return tl.schema["updates"](
        updates=list(updates), users=list(users), chats=[], date=int(time.time()), seq=0
    )
