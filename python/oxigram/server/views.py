"""The DC's records as one account sees them, as TL objects: users and messages (ephemeral
ones too)."""

from __future__ import annotations

from typing import Any

from .ephemeral import EphemeralRecord
from .model import Account, StoredMessage
from .tlobjects import peer_user, reply_markup, types

__all__ = ["ephemeral_tl", "message_tl", "user_tl"]

#: ``user`` objects by everything they are made of (a press sends the presser's to the bot
#: each time): built once, shared (TL objects are only serialized, never changed here).
_USERS: dict[tuple[Any, ...], types.User] = {}
_USERS_KEEP = 8192


def user_tl(viewer_id: int | None, account: Account) -> types.User:
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


def _user_tl(viewer_id: int | None, account: Account) -> types.User:
    me = viewer_id == account.id
    return types.User(
        self=me,
        id=account.id,
        access_hash=account.access_hash,
        first_name=account.first_name,
        username=account.username or None,
        bot=account.bot,
        bot_info_version=1 if account.bot else None,
        phone=account.phone if me and not account.bot and account.phone else None,
    )


def message_tl(viewer_id: int, msg: StoredMessage) -> types.Message:
    other = msg.to_id if viewer_id == msg.from_id else msg.from_id
    return types.Message(
        out=viewer_id == msg.from_id,
        id=msg.id,
        from_id=peer_user(msg.from_id),
        peer_id=peer_user(other),
        date=msg.date,
        message=msg.text,
        reply_markup=msg.markup_obj(),
        edit_date=msg.edit_date,
        via_bot_id=msg.via_bot_id,
        via_business_bot_id=msg.via_business_bot_id,
    )


def ephemeral_tl(viewer_id: int, rec: EphemeralRecord) -> types.EphemeralMessage:
    """An ephemeral message as its bot or its receiver sees it (the chat is the other one)."""
    mine = viewer_id == rec.bot_id
    return types.EphemeralMessage(
        out=mine,
        id=rec.id,
        from_id=peer_user(rec.bot_id),
        peer_id=peer_user(rec.receiver_id if mine else rec.bot_id),
        receiver_id=rec.receiver_id,
        date=rec.date,
        message=rec.text,
        reply_markup=reply_markup(rec.markup) if rec.markup is not None else None,
    )
