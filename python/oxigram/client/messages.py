"""Messages with inline keyboards: send one with buttons, fetch one as a clickable
:class:`~oxigram.client.pressing.Message` (``Client.send_message`` / ``Client.get_message``)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from ..tl import types
from .buttons import inline_markup
from .port import ClientPort
from .pressing import Message
from .tlobjects import isa

__all__ = ["get_message", "send_message"]


async def send_message(
    port: ClientPort, peer: Any, text: str, *, buttons: Sequence[Any] = ()
) -> Any:
    """``messages.sendMessage`` of ``text`` to ``peer`` with an inline keyboard (rows of
    ``Button``s); returns the server's ``Updates``."""
    return await port.invoke(
        port.make.messages_send_message(
            peer=await port.get_input_peer(peer),
            message=text,
            random_id=int.from_bytes(os.urandom(8), "little", signed=True),
            reply_markup=inline_markup(buttons, schema=port.schema) if buttons else None,
        )
    )


async def get_message(port: ClientPort, msg_id: int) -> Message | None:
    """The message ``msg_id`` of a private chat or basic group, clickable (None when the
    server has no such message)."""
    make = port.make
    res = await port.invoke(make.messages_get_messages(id=[make.input_message_id(id=msg_id)]))
    msgs = [m for m in res.messages if isa(m, types.Message)]
    return Message(port, msgs[0]) if msgs else None
