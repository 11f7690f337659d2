"""Messages with inline keyboards: send one with buttons, fetch one as a clickable
:class:`~oxigram.client.pressing.Message` (``Client.send_message`` / ``Client.get_message``)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from .buttons import inline_markup
from .port import ClientPort
from .pressing import Message

__all__ = ["get_message", "send_message"]


async def send_message(
    port: ClientPort, peer: Any, text: str, *, buttons: Sequence[Any] = ()
) -> Any:
    """``messages.sendMessage`` of ``text`` to ``peer`` with an inline keyboard (rows of
    ``Button``s); returns the server's ``Updates``."""
    s = port.schema
    return await port.invoke(
        s["messages.sendMessage"](
            peer=await port.get_input_peer(peer),
            message=text,
            random_id=int.from_bytes(os.urandom(8), "little", signed=True),
            reply_markup=inline_markup(buttons) if buttons else None,
        )
    )


async def get_message(port: ClientPort, msg_id: int) -> Message | None:
    """The message ``msg_id`` of a private chat or basic group, clickable (None when the
    server has no such message)."""
    s = port.schema
    res = await port.invoke(s["messages.getMessages"](id=[s["inputMessageID"](id=msg_id)]))
    msgs = [m for m in res.messages if getattr(m, "_tl_name", "") == "message"]
    return Message(port, msgs[0]) if msgs else None
