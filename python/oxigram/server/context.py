"""What a method handler gets: the shared state, the DC that received the request, and the
caller (its session, auth key and the request's msg_id)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

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

    @property
    def account(self) -> Account | None:
        uid = self.record.user_id
        return self.state.store.accounts.get(uid) if uid is not None else None

    def me(self) -> Account:
        account = self.account
        if account is None:
            raise RpcError(401, "AUTH_KEY_UNREGISTERED")
        return account


#: ``async def handler(ctx, request) -> result`` (a TL object, or raises ``RpcError``).
Handler = Callable[[Context, Any], Awaitable[Any]]


def handler_table(handlers: Mapping[type[TLObject], Handler]) -> dict[str, Handler]:
    """``{method class: handler}`` keyed by the method's TL name (``"auth.sendCode"``), the
    name the dispatcher looks a request up by and faults are injected for."""
    return {cls._tl_name: handler for cls, handler in handlers.items()}
