"""What a method handler gets: the shared state, the DC that received the request, and the
caller (its session, auth key and the request's msg_id; a bot's business connection when
the request came in ``invokeWithBusinessConnection``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .business import BusinessConnection
from .model import Account, AuthKeyRecord
from .rpc import RpcError
from .sessions import ServerSession
from .state import State
from .tlobjects import TLObject

__all__ = ["Context", "Handler", "ServingDc", "handler_table"]


class ServingDc(Protocol):
    """The DC a request came to, as handlers see it (an ``engine.Engine``): who it is, and
    the two things a request may change about the caller's auth key."""

    @property
    def dc_id(self) -> int: ...

    @property
    def host(self) -> str: ...

    @property
    def port(self) -> int: ...

    @property
    def peers(self) -> Mapping[int, tuple[str, int]]:
        """The other DCs ``help.getConfig`` names, by id."""

    @property
    def test_mode(self) -> bool:
        """One of the test servers (``help.getConfig`` says so)."""

    def bind_key(
        self, record: AuthKeyRecord, user_id: int | None, *, imported: bool = False
    ) -> None:
        """Logs ``record`` in as ``user_id`` (``None``: out); ``imported``: by
        ``auth.importAuthorization`` (never told to migrate)."""

    def set_layer(self, record: AuthKeyRecord, layer: int) -> None:
        """Records the layer ``invokeWithLayer`` named for ``record``."""


@dataclass(slots=True)
class Context:
    state: State
    dc: ServingDc
    session: ServerSession
    record: AuthKeyRecord
    msg_id: int
    #: Set by ``invokeWithBusinessConnection``: the bot acts for the connection's user.
    business: BusinessConnection | None = None

    @property
    def account(self) -> Account | None:
        uid = self.record.user_id
        return self.state.store.accounts.get(uid) if uid is not None else None

    def me(self) -> Account:
        account = self.account
        if account is None:
            raise RpcError(401, "AUTH_KEY_UNREGISTERED")
        return account

    def enter_business(self, connection_id: str) -> None:
        """The rest of the request runs for the business account of ``connection_id``, a
        connection of the calling bot (else ``BUSINESS_CONNECTION_INVALID``)."""
        conn = self.state.business.get(connection_id)
        if conn is None or conn.bot_id != self.me().id:
            raise RpcError(400, "BUSINESS_CONNECTION_INVALID")
        self.business = conn

    def actor(self) -> Account:
        """Who the request acts as: the business account in ``invokeWithBusinessConnection``,
        else the caller (:meth:`me`)."""
        conn = self.business
        if conn is None:
            return self.me()
        account = self.state.store.accounts.get(conn.user_id)
        if account is None:
            raise RpcError(400, "BUSINESS_CONNECTION_INVALID")
        return account


#: ``async def handler(ctx, request) -> result`` (a TL object, or raises ``RpcError``).
Handler = Callable[[Context, Any], Awaitable[Any]]


def handler_table(handlers: Mapping[type[TLObject], Handler]) -> dict[str, Handler]:
    """``{method class: handler}`` keyed by the method's TL name (``"auth.sendCode"``), the
    name the dispatcher looks a request up by and faults are injected for."""
    return {cls._tl_name: handler for cls, handler in handlers.items()}
