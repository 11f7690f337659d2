"""updates.getState and updates.getDifference over the per-account pts log."""

from __future__ import annotations

import time

from ..context import Context, Handler, handler_table
from ..tlobjects import functions, types
from ..views import message_tl, user_tl

__all__ = ["HANDLERS", "PUBLIC"]

#: Beyond this many pts steps the client gets ``differenceSlice`` and asks again.
DIFFERENCE_LIMIT = 1000


def _state(pts: int) -> types.updates.State:
    return types.updates.State(pts=pts, qts=0, date=int(time.time()), seq=0, unread_count=0)


async def get_state(ctx: Context, req: functions.updates.GetState) -> types.updates.State:
    me = ctx.me()
    return _state(ctx.state.store.current_pts(me.id))


async def get_difference(
    ctx: Context, req: functions.updates.GetDifference
) -> types.updates.TypeDifference:
    me = ctx.me()
    store = ctx.state.store
    current = store.current_pts(me.id)
    entries = store.entries_after(me.id, req.pts)
    if not entries:
        return types.updates.DifferenceEmpty(date=int(time.time()), seq=0)
    sliced = len(entries) > DIFFERENCE_LIMIT
    entries = entries[:DIFFERENCE_LIMIT]
    new_messages: list[types.TypeMessage] = []
    others: list[types.TypeUpdate] = []
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
            others.append(types.UpdateEditMessage(message=view, pts=entry.pts, pts_count=1))
    users = [user_tl(me.id, store.accounts[uid]) for uid in user_ids if uid in store.accounts]
    if sliced:
        return types.updates.DifferenceSlice(
            new_messages=new_messages,
            new_encrypted_messages=[],
            other_updates=others,
            chats=[],
            users=users,
            intermediate_state=_state(entries[-1].pts),
        )
    return types.updates.Difference(
        new_messages=new_messages,
        new_encrypted_messages=[],
        other_updates=others,
        chats=[],
        users=users,
        state=_state(current),
    )


HANDLERS: dict[str, Handler] = handler_table(
    {
        functions.updates.GetState: get_state,
        functions.updates.GetDifference: get_difference,
    }
)
PUBLIC: set[str] = set()
