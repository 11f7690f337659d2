"""updates.getState and updates.getDifference over the per-account pts log."""

from __future__ import annotations

import time
from typing import Any

from ... import tl
from ..rpc import Context, Handler
from ..views import message_tl, user_tl

__all__ = ["HANDLERS", "PUBLIC"]

#: Beyond this many pts steps the client gets ``differenceSlice`` and asks again.
DIFFERENCE_LIMIT = 1000


def _state(pts: int) -> dict[str, Any]:
    return {
        "_": "updates.state",
        "pts": pts,
        "qts": 0,
        "date": int(time.time()),
        "seq": 0,
        "unread_count": 0,
    }


async def get_state(ctx: Context, req: Any) -> Any:
    me = ctx.me()
    return tl.from_dict(_state(ctx.dc.store.current_pts(me.id)))


async def get_difference(ctx: Context, req: Any) -> Any:
    me = ctx.me()
    store = ctx.dc.store
    current = store.current_pts(me.id)
    entries = store.entries_after(me.id, req.pts)
    if not entries:
        return tl.from_dict({"_": "updates.differenceEmpty", "date": int(time.time()), "seq": 0})
    sliced = len(entries) > DIFFERENCE_LIMIT
    entries = entries[:DIFFERENCE_LIMIT]
    new_messages: list[Any] = []
    others: list[Any] = []
    user_ids: dict[int, None] = {me.id: None}
    for entry in entries:
        msg = store.messages.get(entry.msg_id)
        if msg is None:
            continue
        user_ids.update(dict.fromkeys([msg.from_id, msg.to_id]))
        if msg.via_bot_id:
            user_ids[msg.via_bot_id] = None
        view = message_tl(me.id, msg)
        if entry.kind == "new":
            new_messages.append(view)
        else:
            others.append(
                tl.from_dict(
                    {"_": "updateEditMessage", "message": view, "pts": entry.pts, "pts_count": 1}
                )
            )
    users = [user_tl(me.id, store.accounts[uid]) for uid in user_ids if uid in store.accounts]
    state = _state(entries[-1].pts if sliced else current)
    return tl.from_dict(
        {
            "_": "updates.differenceSlice" if sliced else "updates.difference",
            "new_messages": new_messages,
            "new_encrypted_messages": [],
            "other_updates": others,
            "chats": [],
            "users": users,
            ("intermediate_state" if sliced else "state"): state,
        }
    )


HANDLERS: dict[str, Handler] = {
    "updates.getState": get_state,
    "updates.getDifference": get_difference,
}
PUBLIC: set[str] = set()
