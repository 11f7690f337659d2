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
from .storage import Entity, SessionStorage

__all__ = ["CHANNEL_OFFSET", "PeerResolver", "bot_api_id", "entities_of"]

log = logging.getLogger(__name__)

CHANNEL_OFFSET = 1_000_000_000_000
_USERNAME = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{2,31})$")
_PEER_TYPES = ("InputPeer", "InputUser", "InputChannel")


def _name(obj: Any) -> str:
    return str(getattr(obj, "_tl_name", ""))


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
        if _name(u) != "user":
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
        name = _name(c)
        if name in ("chat", "chatForbidden"):
            out.append(Entity(int(c.id), "chat"))
        elif name in ("channel", "channelForbidden"):
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
        self._resolve_username = resolve_username

    def remember(self, users: Iterable[Any], chats: Iterable[Any]) -> None:
        ents = entities_of(users, chats)
        if ents:
            self.storage.put_entities(ents)

    # ------------------------------------------------------------------ public

    async def input_peer(self, peer: Any) -> Any:
        """An ``InputPeer`` for ``peer`` (see the module docs)."""
        s = self.schema
        name = _name(peer)
        if name.startswith("inputPeer"):
            return peer
        if name in ("inputUserSelf",):
            return s["inputPeerSelf"]()
        if name == "inputUser":
            return s["inputPeerUser"](user_id=peer.user_id, access_hash=peer.access_hash)
        if name == "inputChannel":
            return s["inputPeerChannel"](channel_id=peer.channel_id, access_hash=peer.access_hash)
        if isinstance(peer, str):
            return await self._from_str(peer)
        if isinstance(peer, int) and not isinstance(peer, bool):
            return self._from_bot_api_id(peer)
        if name in ("peerUser", "peerChat", "peerChannel"):
            return self._from_peer(peer)
        if name == "user":
            if peer.self:
                return s["inputPeerSelf"]()
            self.remember([peer], [])
            return self._from_entity(int(peer.id), "user")
        if name in ("chat", "chatForbidden", "channel", "channelForbidden"):
            self.remember([], [peer])
            kind = "chat" if name.startswith("chat") else "channel"
            return self._from_entity(int(peer.id), kind)
        if name in ("message", "messageService", "messageEmpty"):
            target = getattr(peer, "peer_id", None)
            if target is None:
                raise PeerNotFoundError(f"{name} without a peer_id")
            return self._from_peer(target)
        if name.startswith("update"):
            return await self.input_peer(self._peer_of_update(peer))
        raise PeerNotFoundError(f"cannot use {peer!r} as a peer")

    async def convert(self, tl_type: str, value: Any) -> Any:
        """``value`` as ``tl_type`` (``InputPeer``, ``InputUser``, ``InputChannel``); other
        values pass through."""
        if tl_type not in _PEER_TYPES or _name(value).startswith("input" + tl_type[5:]):
            return value
        ip = await self.input_peer(value)
        if tl_type == "InputPeer":
            return ip
        s = self.schema
        ipn = _name(ip)
        if tl_type == "InputUser":
            if ipn == "inputPeerSelf":
                return s["inputUserSelf"]()
            if ipn == "inputPeerUser":
                return s["inputUser"](user_id=ip.user_id, access_hash=ip.access_hash)
        elif ipn == "inputPeerChannel":
            return s["inputChannel"](channel_id=ip.channel_id, access_hash=ip.access_hash)
        raise PeerNotFoundError(f"{value!r} is not a {tl_type[5:].lower()}")

    # ------------------------------------------------------------------ helpers

    def _peer_of_update(self, update: Any) -> Any:
        for attr in ("peer", "peer_id"):
            value = getattr(update, attr, None)
            if value is not None and _name(value).startswith("peer"):
                return value
        message = getattr(update, "message", None)
        if message is not None and not isinstance(message, str):
            return message
        user_id = getattr(update, "user_id", None)
        if user_id is not None:
            return self.schema["peerUser"](user_id=user_id)
        raise PeerNotFoundError(f"{_name(update)} names no peer")

    def _from_peer(self, peer: Any) -> Any:
        name = _name(peer)
        if name == "peerUser":
            return self._from_entity(int(peer.user_id), "user")
        if name == "peerChat":
            return self._from_entity(int(peer.chat_id), "chat")
        return self._from_entity(int(peer.channel_id), "channel")

    def _from_bot_api_id(self, bid: int) -> Any:
        if bid > 0:
            return self._from_entity(bid, "user")
        if bid < -CHANNEL_OFFSET:
            return self._from_entity(-bid - CHANNEL_OFFSET, "channel")
        if bid < 0:
            return self._from_entity(-bid, "chat")
        raise PeerNotFoundError("0 is not a peer id")

    def _from_entity(self, tl_id: int, kind: str) -> Any:
        s = self.schema
        me = self.storage.self_user
        if kind == "user" and me is not None and me[0] == tl_id:
            return s["inputPeerSelf"]()
        if kind == "chat":
            return s["inputPeerChat"](chat_id=tl_id)
        ent = self.storage.entity(tl_id)
        if ent is None or (kind == "channel") != (ent.type == "channel"):
            hint = " (a bot learns a user from a message they sent it, e.g. /start)"
            raise PeerNotFoundError(
                f"unknown {kind} {tl_id}: not in the entity cache{hint if kind == 'user' else ''}"
            )
        if ent.type == "channel":
            return s["inputPeerChannel"](channel_id=tl_id, access_hash=ent.access_hash)
        return s["inputPeerUser"](user_id=tl_id, access_hash=ent.access_hash)

    async def _from_str(self, text: str) -> Any:
        t = text.strip()
        if t.lower() in ("me", "self"):
            return self.schema["inputPeerSelf"]()
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
