"""What method handlers share: the call context and the error they raise."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .model import Account, AuthKeyRecord

if TYPE_CHECKING:
    from .dc import LocalDC
    from .sessions import ServerSession

__all__ = ["Context", "Handler", "RpcError"]


class RpcError(Exception):
    """Answer the request with ``rpc_error(code, message)``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message


@dataclass
class Context:
    dc: LocalDC
    session: ServerSession
    record: AuthKeyRecord
    msg_id: int

    @property
    def account(self) -> Account | None:
        uid = self.record.user_id
        return self.dc.store.accounts.get(uid) if uid is not None else None

    def me(self) -> Account:
        account = self.account
        if account is None:
            raise RpcError(401, "AUTH_KEY_UNREGISTERED")
        return account


Handler = Callable[[Context, Any], Awaitable[Any]]
