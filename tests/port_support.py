"""A :class:`~oxigram.client.port.ClientPort` for unit tests of client features.

It is the seam's contract, not a client: it records every request a feature sends (with its
timeout and flood threshold) and answers with real TL objects of the shipped schema, so the
features run exactly as they do on a ``Client``, without a connection.
``tests/unit/test_client_port.py`` checks that it and ``Client`` have the port's members with
the port's signatures.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from oxigram import tl
from oxigram.client.tlobjects import Builders
from oxigram.errors import NotConnectedError, PeerNotFoundError

__all__ = ["Call", "RecordingPort", "callback_update", "updates_of"]


@dataclass
class Call:
    """One ``invoke``: the request object and the limits it was sent with."""

    request: Any
    timeout: float | None
    flood_sleep_threshold: float | None
    dc_id: int | None = None

    @property
    def name(self) -> str:
        return str(self.request._tl_name)


Reply = Any  # a result object, an exception to raise, or a callable(request) -> result


class RecordingPort:
    """``replies`` maps a function name (``"messages.getMessages"``) to what ``invoke``
    returns for it; unlisted functions return ``True`` (``boolTrue``, what answers get).
    ``invoke`` suspends once, like a network round trip, before it answers. ``schema``: the
    layer the port's client would have loaded (the input peers it makes are of it)."""

    def __init__(
        self, *, connected: bool = True, dc_id: int = 2, schema: tl.Schema = tl.schema
    ) -> None:
        self.schema = schema
        self.make = Builders(schema)
        self.dc_id = dc_id
        self.request_timeout = 10.0
        self.connected = connected
        self.replies: dict[str, Reply] = {}
        self.calls: list[Call] = []
        self.remembered: list[tuple[list[Any], list[Any]]] = []
        self.passwords: list[str] = []
        self.password_proof: Any = tl.types.InputCheckPasswordEmpty()

    def is_connected(self) -> bool:
        return self.connected

    async def invoke(
        self,
        obj: Any,
        *,
        timeout: float | None = None,
        flood_sleep_threshold: float | None = None,
        dc_id: int | None = None,
    ) -> Any:
        if not self.connected:
            raise NotConnectedError("the client is not connected (use `async with client`)")
        self.calls.append(Call(obj, timeout, flood_sleep_threshold, dc_id))
        await asyncio.sleep(0)
        reply = self.replies.get(obj._tl_name, True)
        if isinstance(reply, BaseException):
            raise reply
        if callable(reply):
            return reply(obj)
        return reply

    async def get_input_peer(self, peer: Any) -> Any:
        name = getattr(peer, "_tl_name", "")
        if name.startswith("inputPeer"):
            return peer
        if name == "peerUser":
            return self.make.input_peer_user(user_id=peer.user_id, access_hash=peer.user_id * 7)
        if name == "peerChannel":
            channel = peer.channel_id
            return self.make.input_peer_channel(channel_id=channel, access_hash=channel * 7)
        if name == "message":
            return await self.get_input_peer(peer.peer_id)
        if name == "ephemeralMessage":
            return await self.get_input_peer(peer.peer_id or peer.from_id)
        raise PeerNotFoundError(f"cannot use {peer!r} as a peer")

    async def get_input_channel(self, peer: Any) -> Any:
        ip = await self.get_input_peer(peer)
        if ip._tl_name != "inputPeerChannel":
            raise PeerNotFoundError(f"{peer!r} is not a channel")
        return self.make.input_channel(channel_id=ip.channel_id, access_hash=ip.access_hash)

    def remember_entities(self, users: Iterable[Any], chats: Iterable[Any]) -> None:
        self.remembered.append((list(users), list(chats)))

    async def password_check(self, password: str) -> Any:
        self.passwords.append(password)
        return self.password_proof

    # ------------------------------------------------------------------ test helpers

    def sent(self, name: str) -> list[Call]:
        """The calls of function ``name``, in order."""
        return [c for c in self.calls if c.name == name]


def callback_update(
    query_id: int,
    data: bytes | None = b"go",
    *,
    user_id: int = 100,
    peer: Any = None,
    msg_id: int = 5,
) -> Any:
    """An ``updateBotCallbackQuery`` for a press of user ``user_id`` in ``peer`` (default:
    the private chat with the user)."""
    return tl.types.UpdateBotCallbackQuery(
        query_id=query_id,
        user_id=user_id,
        peer=peer if peer is not None else tl.types.PeerUser(user_id=user_id),
        msg_id=msg_id,
        chat_instance=1,
        data=data,
    )


def updates_of(*updates: Any, users: Iterable[Any] = (), chats: Iterable[Any] = ()) -> Any:
    """An ``updates`` container, as the server pushes them."""
    return tl.types.Updates(
        updates=list(updates), users=list(users), chats=list(chats), date=0, seq=0
    )
