"""Creating and editing messages, with per-account pts and pushes to both sides; ephemeral
messages (no pts, pushed to their receiver only)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .ephemeral import EphemeralRecord
from .model import StoredMessage
from .state import State
from .tlobjects import types, updates
from .views import ephemeral_tl, message_tl, user_tl

if TYPE_CHECKING:
    from .sessions import ServerSession

__all__ = ["create_ephemeral", "create_message", "edit_ephemeral", "edit_message"]


def _parties(msg: StoredMessage) -> list[int]:
    return [msg.from_id] if msg.from_id == msg.to_id else [msg.from_id, msg.to_id]


def _users_for(state: State, viewer: int, msg: StoredMessage) -> list[types.User]:
    accounts = state.store.accounts
    bots = [b for b in (msg.via_bot_id, msg.via_business_bot_id) if b]
    ids = dict.fromkeys([msg.from_id, msg.to_id, *bots])
    return [user_tl(viewer, accounts[uid]) for uid in ids if uid in accounts]


def create_message(
    state: State,
    from_id: int,
    to_id: int,
    text: str,
    markup: bytes | None,
    *,
    via_bot_id: int | None = None,
    inline: tuple[int, int] | None = None,
    inline_dc: int | None = None,
    game: str | None = None,
    via_business_bot_id: int | None = None,
    random_id: int | None = None,
    origin: ServerSession | None = None,
    push: bool = True,
) -> tuple[StoredMessage, types.Updates | None]:
    """Stores a message, pushes ``updateNewMessage`` to every live session of both sides
    (not ``origin``; nobody without ``push``: a test sends its own bytes instead) and
    returns the ``updates`` for the sender's own answer."""
    store = state.store
    msg = StoredMessage(
        id=store.new_message_id(),
        from_id=from_id,
        to_id=to_id,
        text=text,
        date=int(time.time()),
        markup=markup,
        via_bot_id=via_bot_id,
        inline_id=inline[0] if inline else None,
        inline_hash=inline[1] if inline else None,
        game=game,
        via_business_bot_id=via_business_bot_id,
        inline_dc=inline_dc,
    )
    store.add_message(msg)
    own: types.Updates | None = None
    for uid in _parties(msg):
        pts = store.bump_pts(uid, "new", msg.id)
        update = types.UpdateNewMessage(message=message_tl(uid, msg), pts=pts, pts_count=1)
        users = _users_for(state, uid, msg)
        if push:
            state.push(uid, updates([update], users), skip=origin)
        if uid == from_id:
            extra: list[types.TypeUpdate] = []
            if random_id is not None:
                extra.append(types.UpdateMessageID(id=msg.id, random_id=random_id))
            own = updates([*extra, update], users)
    return msg, own


def edit_message(
    state: State,
    msg: StoredMessage,
    text: str | None,
    markup: bytes | None,
    *,
    origin: ServerSession | None = None,
    answer_for: int | None = None,
) -> types.Updates | None:
    """Edits, pushes ``updateEditMessage`` to both sides (not ``origin``) and returns the
    ``updates`` for ``answer_for``'s own answer, if given."""
    store = state.store
    store.edit_message(msg, text, markup)
    own: types.Updates | None = None
    for uid in _parties(msg):
        pts = store.bump_pts(uid, "edit", msg.id)
        update = types.UpdateEditMessage(message=message_tl(uid, msg), pts=pts, pts_count=1)
        users = _users_for(state, uid, msg)
        state.push(uid, updates([update], users), skip=origin)
        if uid == answer_for:
            own = updates([update], users)
    return own


def _ephemeral_updates(
    state: State, viewer: int, rec: EphemeralRecord, update: types.TypeUpdate
) -> types.Updates:
    accounts = state.store.accounts
    ids = dict.fromkeys([rec.bot_id, rec.receiver_id])
    return updates([update], [user_tl(viewer, accounts[uid]) for uid in ids if uid in accounts])


def create_ephemeral(
    state: State,
    bot_id: int,
    receiver_id: int,
    text: str,
    markup: bytes | None,
    *,
    origin: ServerSession | None = None,
) -> tuple[EphemeralRecord, types.Updates]:
    """Stores an ephemeral message, pushes ``updateNewEphemeralMessage`` to the receiver's
    live sessions and returns it with the ``updates`` for the bot's own answer."""
    rec = state.ephemeral.add(bot_id, receiver_id, text, markup)
    seen = types.UpdateNewEphemeralMessage(message=ephemeral_tl(receiver_id, rec))
    state.push(receiver_id, _ephemeral_updates(state, receiver_id, rec, seen), skip=origin)
    own = types.UpdateNewEphemeralMessage(message=ephemeral_tl(bot_id, rec))
    return rec, _ephemeral_updates(state, bot_id, rec, own)


def edit_ephemeral(
    state: State,
    rec: EphemeralRecord,
    text: str | None,
    markup: bytes | None,
    *,
    origin: ServerSession | None = None,
) -> types.Updates:
    """Edits, pushes ``updateEditEphemeralMessage`` to the receiver and returns the
    ``updates`` for the bot's own answer."""
    state.ephemeral.edit(rec, text, markup)
    seen = types.UpdateEditEphemeralMessage(message=ephemeral_tl(rec.receiver_id, rec))
    state.push(rec.receiver_id, _ephemeral_updates(state, rec.receiver_id, rec, seen), skip=origin)
    own = types.UpdateEditEphemeralMessage(message=ephemeral_tl(rec.bot_id, rec))
    return _ephemeral_updates(state, rec.bot_id, rec, own)
