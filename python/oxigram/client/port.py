"""The client port: what the client's features may use of a connected client.

Features (the callback router, pressing buttons, messages with keyboards) take a
:class:`ClientPort`, never a :class:`~oxigram.client.Client`; ``Client`` implements it
structurally and hands ``self`` to them. So a feature sees calls with ``Client.invoke``'s
behaviour (``NotConnectedError`` when not connected, DC migration at login, users and chats
remembered from results) and nothing of the client's insides, and it can be tested with a
small implementation of this protocol instead of a client.

The port lists what features use today, nothing more; a new feature that needs something
else of the client adds it here and on ``Client`` (see the package docstring for the rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from .. import tl
from .tlobjects import Builders

__all__ = ["ClientPort"]


class ClientPort(Protocol):
    """A connected (or not yet connected) client, as features see it."""

    @property
    def schema(self) -> tl.Schema:
        """The loaded TL schema: the classes of every request and result."""
        ...

    @property
    def make(self) -> Builders:
        """The typed builders of :attr:`schema` (``make.messages_send_message(...)``):
        features build every object they send with these, so it is of the client's layer."""
        ...

    @property
    def dc_id(self) -> int:
        """The home DC: where the account lives and its updates come from."""
        ...

    @property
    def request_timeout(self) -> float:
        """Seconds a request waits for its result when no ``timeout`` is given."""
        ...

    def is_connected(self) -> bool:
        """True when :meth:`invoke` can send now (False: it would raise
        :class:`~oxigram.errors.NotConnectedError`)."""
        ...

    async def invoke(
        self,
        obj: Any,
        *,
        timeout: float | None = None,
        flood_sleep_threshold: float | None = None,
        dc_id: int | None = None,
    ) -> Any:
        """Sends a TL function object and returns its result (RPC errors raise).
        ``flood_sleep_threshold``: the longest FLOOD_WAIT slept through (None: the client's
        setting); a longer one raises. ``dc_id``: send it to that DC (None or the home DC:
        the home connection; another: that DC's connection, made and authorized on first
        use)."""
        ...

    async def get_input_peer(self, peer: Any) -> Any:
        """``peer`` (username, id, Peer, User, Chat, Message, Update...) as an ``InputPeer``."""
        ...

    async def get_input_channel(self, peer: Any) -> Any:
        """``peer`` as an ``InputChannel`` (``PeerNotFoundError`` when it is no channel)."""
        ...

    def remember_entities(self, users: Iterable[Any], chats: Iterable[Any]) -> None:
        """Puts ``User`` and ``Chat`` objects in the entity cache, so their peers resolve."""
        ...

    async def password_check(self, password: str) -> Any:
        """The ``InputCheckPasswordSRP`` proof of the account's 2FA ``password``
        (``inputCheckPasswordEmpty`` when the account has none)."""
        ...
