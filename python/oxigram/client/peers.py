"""Peers: anything a user may pass where a method takes a peer, turned into input objects.

Accepted: an ``InputPeer``/``InputUser``/``InputChannel``; ``"me"``/``"self"``; a username
(``"@name"`` or ``"name"``, resolved once with ``contacts.resolveUsername`` and cached); a
Bot-API style id (users positive, basic groups negative, channels ``-100...``) or a digit
string of one; a ``Peer``, ``User`` or ``Chat`` object; a ``Message``; an ``Update`` that names
a chat (``updateBotCallbackQuery.peer``, ``updateNewMessage.message``...). Anything unknown
raises :class:`~oxigram.errors.PeerNotFoundError`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from .. import tl
from ..errors import PeerNotFoundError
from ..tl import types
from .storage import Entity, SessionStorage
from .tlobjects import (
    CHANNELS,
    CHATS,
    EPHEMERAL_MESSAGE,
    INPUT_CHANNEL_TYPE,
    INPUT_PEER_TYPE,
    INPUT_USER_TYPE,
    MESSAGES,
    Builders,
    boxed_type,
    is_input_peer,
    is_peer,
    is_update_or_updates,
    isa,
    name_of,
)

__all__ = ["CHANNEL_OFFSET", "PeerResolver", "bot_api_id", "entities_of"]

log = logging.getLogger(__name__)

CHANNEL_OFFSET = 1_000_000_000_000
_USERNAME = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{2,31})$")
_PEER_TYPES = (INPUT_PEER_TYPE, INPUT_USER_TYPE, INPUT_CHANNEL_TYPE)


def bot_api_id(kind: str, tl_id: int) -> int:
    """The Bot-API style id of a user, chat or channel."""
    if kind in ("user", "bot"):
        return tl_id
    if kind == "chat":
        return -tl_id
    return -(CHANNEL_OFFSET + tl_id)


def entities_of(users: Iterable[Any], chats: Iterable[Any]) -> list[Entity]:
    """Cache entries for the ``User`` and ``Chat`` objects of an answer."""
    out: list[Entity] = []
    for u in users:
        if not isa(u, types.User):
            continue
        out.append(
            Entity(
                int(u.id),
                "bot" if u.bot else "user",
                int(u.access_hash or 0) if not u.min else 0,
                u.username,
                u.phone,
            )
        )
    for c in chats:
        name = name_of(c)
        if name in CHATS:
            out.append(Entity(int(c.id), "chat"))
        elif name in CHANNELS:
            ahash = 0 if getattr(c, "min", False) else int(c.access_hash or 0)
            out.append(Entity(int(c.id), "channel", ahash, getattr(c, "username", None)))
    return out


class PeerResolver:
    """Turns user-supplied peers into input objects, with the session's entity cache."""

    def __init__(
        self,
        storage: SessionStorage,
        resolve_username: Callable[[str], Awaitable[Any]],
        *,
        schema: tl.Schema = tl.schema,
    ) -> None:
        self.storage = storage
        self.schema = schema
        self.make = Builders(schema)
        self._resolve_username = resolve_username

    def remember(self, users: Iterable[Any], chats: Iterable[Any]) -> None:
        ents = entities_of(users, chats)
        if ents:
            self.storage.put_entities(ents)

    # ------------------------------------------------------------------ public

    async def input_peer(self, peer: Any) -> types.TypeInputPeer:
        """An ``InputPeer`` for ``peer`` (see the module docs)."""
        make = self.make
        if is_input_peer(peer):
            return peer
        if isa(peer, types.InputUserSelf):
            return make.input_peer_self()
        if isa(peer, types.InputUser):
            return make.input_peer_user(user_id=peer.user_id, access_hash=peer.access_hash)
        if isa(peer, types.InputChannel):
            return make.input_peer_channel(channel_id=peer.channel_id, access_hash=peer.access_hash)
        if isinstance(peer, str):
            return await self._from_str(peer)
        if isinstance(peer, int) and not isinstance(peer, bool):
            return self._from_bot_api_id(peer)
        if is_peer(peer):
            return self._from_peer(peer)
        if isa(peer, types.User):
            if peer.self:
                return make.input_peer_self()
            self.remember([peer], [])
            return self._from_entity(int(peer.id), "user")
        name = name_of(peer)
        if name in CHATS or name in CHANNELS:
            self.remember([], [peer])
            return self._from_entity(int(peer.id), "chat" if name in CHATS else "channel")
        if name in MESSAGES:
            target = getattr(peer, "peer_id", None)
            if target is None:
                raise PeerNotFoundError(f"{name} without a peer_id")
            return self._from_peer(target)
        if name == EPHEMERAL_MESSAGE:  # in the chat with its bot: peer_id, else the sender
            return self._from_peer(peer.peer_id or peer.from_id)
        if is_update_or_updates(peer):
            return await self.input_peer(self._peer_of_update(peer))
        raise PeerNotFoundError(f"cannot use {peer!r} as a peer")

    async def convert(self, tl_type: str, value: Any) -> Any:
        """``value`` as ``tl_type`` (``InputPeer``, ``InputUser``, ``InputChannel``); other
        values pass through."""
        if tl_type not in _PEER_TYPES or boxed_type(value) == tl_type:
            return value
        ip = await self.input_peer(value)
        if tl_type == INPUT_PEER_TYPE:
            return ip
        make = self.make
        if tl_type == INPUT_USER_TYPE:
            if isa(ip, types.InputPeerSelf):
                return make.input_user_self()
            if isa(ip, types.InputPeerUser):
                return make.input_user(user_id=ip.user_id, access_hash=ip.access_hash)
        elif isa(ip, types.InputPeerChannel):
            return make.input_channel(channel_id=ip.channel_id, access_hash=ip.access_hash)
        raise PeerNotFoundError(f"{value!r} is not a {tl_type[5:].lower()}")

    # ------------------------------------------------------------------ helpers

    def _peer_of_update(self, update: Any) -> Any:
        for attr in ("peer", "peer_id"):
            value = getattr(update, attr, None)
            if is_peer(value):
                return value
        message = getattr(update, "message", None)
        if message is not None and not isinstance(message, str):
            return message
        user_id = getattr(update, "user_id", None)
        if user_id is not None:
            return self.make.peer_user(user_id=user_id)
        raise PeerNotFoundError(f"{name_of(update)} names no peer")

    def _from_peer(self, peer: types.TypePeer) -> types.TypeInputPeer:
        if isa(peer, types.PeerUser):
            return self._from_entity(int(peer.user_id), "user")
        if isa(peer, types.PeerChat):
            return self._from_entity(int(peer.chat_id), "chat")
        if isa(peer, types.PeerChannel):
            return self._from_entity(int(peer.channel_id), "channel")
        raise PeerNotFoundError(f"{peer!r} is not a peer")

    def _from_bot_api_id(self, bid: int) -> types.TypeInputPeer:
        if bid > 0:
            return self._from_entity(bid, "user")
        if bid < -CHANNEL_OFFSET:
            return self._from_entity(-bid - CHANNEL_OFFSET, "channel")
        if bid < 0:
            return self._from_entity(-bid, "chat")
        raise PeerNotFoundError("0 is not a peer id")

    def _from_entity(self, tl_id: int, kind: str) -> types.TypeInputPeer:
        make = self.make
        me = self.storage.self_user
        if kind == "user" and me is not None and me[0] == tl_id:
            return make.input_peer_self()
        if kind == "chat":
            return make.input_peer_chat(chat_id=tl_id)
        ent = self.storage.entity(tl_id)
        if ent is None or (kind == "channel") != (ent.type == "channel"):
            hint = " (a bot learns a user from a message they sent it, e.g. /start)"
            raise PeerNotFoundError(
                f"unknown {kind} {tl_id}: not in the entity cache{hint if kind == 'user' else ''}"
            )
        if ent.type == "channel":
            return make.input_peer_channel(channel_id=tl_id, access_hash=ent.access_hash)
        return make.input_peer_user(user_id=tl_id, access_hash=ent.access_hash)

    async def _from_str(self, text: str) -> types.TypeInputPeer:
        t = text.strip()
        if t.lower() in ("me", "self"):
            return self.make.input_peer_self()
        if re.fullmatch(r"-?\d+", t):
            return self._from_bot_api_id(int(t))
        m = _USERNAME.match(t)
        if m is None:
            raise PeerNotFoundError(f"{text!r} is not a username, id or 'me'")
        username = m.group(1)
        ent = self.storage.entity_by_username(username)
        if ent is None:
            log.debug("resolving @%s", username)
            resolved = await self._resolve_username(username)
            self.remember(resolved.users, resolved.chats)
            return self._from_peer(resolved.peer)
        kind = "channel" if ent.type == "channel" else ent.type
        return self._from_entity(ent.id, "user" if kind == "bot" else kind)
