"""What the local DC's handlers work on, shared by every engine that serves it.

Accounts, messages and per-account pts (the store), logins in progress, 2FA challenges,
exported authorizations, callback queries in flight, business connections and ephemeral
messages. Nothing here knows a connection, a session table or a DC id: engines attach their
session tables, and a push reaches the account's subscribed sessions on each, or, for a bot
under a one-session :class:`~.delivery.Delivery` mode, one of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from .business import BusinessConnections
from .callbacks import CallbackHub
from .delivery import Delivery
from .ephemeral import EphemeralMessages
from .exports import Exports
from .logins import Logins
from .passwords import Passwords
from .store import Store
from .tlobjects import types

if TYPE_CHECKING:
    from .sessions import ServerSession

__all__ = ["PushTarget", "State"]


class PushTarget(Protocol):
    """An engine's sessions, as pushes reach them (``sessions.SessionTable``)."""

    def push(
        self, user_id: int, updates: types.Updates | bytes, *, skip: ServerSession | None = None
    ) -> int: ...

    def subscribers(
        self, user_id: int, *, skip: ServerSession | None = None
    ) -> list[ServerSession]: ...


class State:
    def __init__(
        self, store: Store, *, answer_timeout: float, delivery: Delivery | None = None
    ) -> None:
        self.store = store
        self.delivery = delivery if delivery is not None else Delivery()
        self.logins = Logins()
        self.passwords = Passwords()
        self.callbacks = CallbackHub(self.push, answer_timeout)
        self.business = BusinessConnections()
        self.ephemeral = EphemeralMessages()
        self.exports = Exports()
        self._targets: list[PushTarget] = []

    def attach(self, target: PushTarget) -> None:
        """Pushes reach ``target``'s sessions too (each engine attaches its table)."""
        self._targets.append(target)

    def push(
        self, user_id: int, updates: types.Updates | bytes, *, skip: ServerSession | None = None
    ) -> int:
        """Sends ``updates`` (or bytes: any serialized object, as a test pushes them) to
        every live subscribed session of ``user_id`` on every engine except ``skip`` (to one
        of them for a bot when the delivery mode says so); returns how many got it."""
        if self.delivery.one_session:
            account = self.store.accounts.get(user_id)
            if account is not None and account.bot:
                candidates = [
                    ss for target in self._targets for ss in target.subscribers(user_id, skip=skip)
                ]
                chosen = self.delivery.choose(candidates)
                return int(chosen is not None and chosen.send(updates))
        sent = 0
        for target in self._targets:
            sent += target.push(user_id, updates, skip=skip)
        return sent
