"""Creating and editing messages, with per-account pts and pushes to both sides."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .. import tl
from .model import StoredMessage
from .views import message_tl, updates_tl, user_tl

if TYPE_CHECKING:
    from .dc import LocalDC
    from .sessions import ServerSession

__all__ = ["create_message", "edit_message"]


def _parties(msg: StoredMessage) -> list[int]:
    return [msg.from_id] if msg.from_id == msg.to_id else [msg.from_id, msg.to_id]


def _users_for(dc: LocalDC, viewer: int, msg: StoredMessage) -> list[Any]:
    ids = dict.fromkeys([msg.from_id, msg.to_id, *([msg.via_bot_id] if msg.via_bot_id else [])])
    return [user_tl(viewer, dc.store.accounts[uid]) for uid in ids if uid in dc.store.accounts]


def create_message(
    dc: LocalDC,
    from_id: int,
    to_id: int,
    text: str,
    markup: bytes | None,
    *,
    via_bot_id: int | None = None,
    inline: tuple[int, int] | None = None,
    game: str | None = None,
    random_id: int | None = None,
    origin: ServerSession | None = None,
) -> tuple[StoredMessage, Any]:
    """Stores a message, pushes ``updateNewMessage`` to every live session of both sides
    (not ``origin``) and returns the ``updates`` for the sender's own answer."""
    store = dc.store
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
    )
    store.add_message(msg)
    own: Any = None
    for uid in _parties(msg):
        pts = store.bump_pts(uid, "new", msg.id)
        update = tl.from_dict(
            {"_": "updateNewMessage", "message": message_tl(uid, msg), "pts": pts, "pts_count": 1}
        )
        users = _users_for(dc, uid, msg)
        dc.push(uid, updates_tl([update], users), skip=origin)
        if uid == from_id:
            extra = []
            if random_id is not None:
                extra.append(
                    tl.from_dict({"_": "updateMessageID", "id": msg.id, "random_id": random_id})
                )
            own = updates_tl([*extra, update], users)
    return msg, own


def edit_message(
    dc: LocalDC,
    msg: StoredMessage,
    text: str | None,
    markup: bytes | None,
    *,
    origin: ServerSession | None = None,
    answer_for: int | None = None,
) -> Any:
    """Edits, pushes ``updateEditMessage`` to both sides (not ``origin``) and returns the
    ``updates`` for ``answer_for``'s own answer, if given."""
    store = dc.store
    store.edit_message(msg, text, markup)
    own: Any = None
    for uid in _parties(msg):
        pts = store.bump_pts(uid, "edit", msg.id)
        update = tl.from_dict(
            {"_": "updateEditMessage", "message": message_tl(uid, msg), "pts": pts, "pts_count": 1}
        )
        users = _users_for(dc, uid, msg)
        dc.push(uid, updates_tl([update], users), skip=origin)
        if uid == answer_for:
            own = updates_tl([update], users)
    return own
