"""Connections to the DCs other than home, as TDLib keeps them: one sender per DC, made on
first use with its own auth key and salt (kept in the session as a
:class:`~.storage.DcKey`, so a restart reuses them with no new handshake), authorized
through ``auth.exportAuthorization`` on home and ``auth.importAuthorization`` there, and
closed after ``idle_timeout`` seconds without a request (its key stays in the session).

Concurrent first requests to a DC share one connect and one export/import. Every request
on such a DC is wrapped in ``invokeWithoutUpdates`` by its sender (``Sender(updates=False)``):
only the home DC's connection carries the account's update stream (what another DC pushes
anyway is dropped by the client).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, Protocol

from ..errors import AuthKeyUnregisteredError, InvalidInputError
from ..network.sender import AuthState, Sender
from .storage import DcKey, SessionStorage
from .tlobjects import Builders

__all__ = ["DcSenders", "Home", "dc_key_after_auth"]

log = logging.getLogger(__name__)


class Home(Protocol):
    """What the senders of other DCs need of the client."""

    @property
    def dc_id(self) -> int:
        """The home DC."""
        ...

    @property
    def make(self) -> Builders: ...

    def new_dc_sender(self, dc_id: int, host: str, port: int, auth: AuthState | None) -> Sender:
        """A sender to DC ``dc_id`` (not yet connected) whose key changes reach the
        session as that DC's."""
        ...

    async def dc_address(self, dc_id: int) -> tuple[str, int] | None:
        """DC ``dc_id``'s address, asking ``help.getConfig`` when none is known."""
        ...

    async def invoke(self, obj: Any) -> Any:
        """Sends ``obj`` on the home DC."""
        ...


class DcSenders:
    """The senders of the DCs other than home, by DC id."""

    def __init__(
        self,
        home: Home,
        storage: Callable[[], SessionStorage | None],
        *,
        idle_timeout: float | None = 300.0,
    ) -> None:
        self._home = home
        self._storage = storage
        self.idle_timeout = idle_timeout
        self._senders: dict[int, Sender] = {}
        self._opening: dict[int, asyncio.Task[Sender]] = {}
        self._authorizing: dict[int, asyncio.Task[None]] = {}
        self._busy: Counter[int] = Counter()
        self._last_used: dict[int, float] = {}
        self._timers: dict[int, asyncio.TimerHandle] = {}
        self._closing: set[asyncio.Task[None]] = set()
        #: Export/import rounds done, by DC id (tests and benchmarks count them).
        self.imports: Counter[int] = Counter()

    # ------------------------------------------------------------------ requests

    def __contains__(self, dc_id: object) -> bool:
        return dc_id in self._senders

    async def invoke(
        self,
        dc_id: int,
        obj: Any,
        *,
        timeout: float | None = None,
        flood_sleep_threshold: float | None = None,
    ) -> Any:
        """``obj`` on DC ``dc_id`` (its sender wraps it in ``invokeWithoutUpdates``)."""
        self._busy[dc_id] += 1
        try:
            sender = await self.get(dc_id)
            body = obj
            try:
                return await sender.invoke(
                    body, timeout=timeout, flood_sleep_threshold=flood_sleep_threshold
                )
            except AuthKeyUnregisteredError:
                # The DC forgot the import (or the key): authorize again, once.
                if not self._logged_in():
                    raise
                self._set_authorized(dc_id, False)
                await self._authorize(dc_id, sender)
                return await sender.invoke(
                    body, timeout=timeout, flood_sleep_threshold=flood_sleep_threshold
                )
        finally:
            self._busy[dc_id] -= 1
            self._touch(dc_id)

    async def get(self, dc_id: int) -> Sender:
        """DC ``dc_id``'s connected (and, when logged in, authorized) sender."""
        if dc_id == self._home.dc_id:
            raise InvalidInputError(f"DC {dc_id} is the home DC")
        sender = self._senders.get(dc_id)
        if sender is not None:
            return sender
        task = self._opening.get(dc_id)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._open(dc_id))
            self._opening[dc_id] = task
            task.add_done_callback(lambda _: self._opening.pop(dc_id, None))
        # shield: a caller that gives up does not cancel the others' connect
        return await asyncio.shield(task)

    def take(self, dc_id: int) -> Sender | None:
        """Removes DC ``dc_id``'s sender from the pool (it becomes the home's)."""
        timer = self._timers.pop(dc_id, None)
        if timer is not None:
            timer.cancel()
        self._last_used.pop(dc_id, None)
        return self._senders.pop(dc_id, None)

    async def close(self) -> None:
        """Closes every sender (their keys stay in the session)."""
        for task in list(self._opening.values()):
            task.cancel()
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        senders = list(self._senders.values())
        self._senders.clear()
        for sender in senders:
            await sender.close()
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)

    # ------------------------------------------------------------------ opening

    def _logged_in(self) -> bool:
        storage = self._storage()
        return storage is not None and storage.self_user is not None

    async def _open(self, dc_id: int) -> Sender:
        address = await self._home.dc_address(dc_id)
        if address is None:
            raise InvalidInputError(f"no address known for DC {dc_id}")
        storage = self._storage()
        stored = storage.dc_key(dc_id) if storage is not None else None
        auth = AuthState(stored.auth_key, stored.salt, stored.time_offset) if stored else None
        sender = self._home.new_dc_sender(dc_id, address[0], address[1], auth)
        await sender.connect()
        try:
            if self._logged_in() and not self._authorized(dc_id):
                await self._authorize(dc_id, sender)
        except BaseException:
            await sender.close()
            raise
        log.info("DC %d ready at %s:%d", dc_id, *address)
        self._senders[dc_id] = sender
        self._touch(dc_id)
        return sender

    def _authorized(self, dc_id: int) -> bool:
        storage = self._storage()
        key = storage.dc_key(dc_id) if storage is not None else None
        return key is not None and key.authorized

    def _set_authorized(self, dc_id: int, authorized: bool) -> None:
        storage = self._storage()
        key = storage.dc_key(dc_id) if storage is not None else None
        if storage is not None and key is not None:
            storage.set_dc_key(replace(key, authorized=authorized))

    def _authorize(self, dc_id: int, sender: Sender) -> Awaitable[None]:
        """One export/import for DC ``dc_id`` at a time (callers share it)."""
        task = self._authorizing.get(dc_id)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._export_import(dc_id, sender))
            self._authorizing[dc_id] = task
            task.add_done_callback(lambda _: self._authorizing.pop(dc_id, None))
        return asyncio.shield(task)

    async def _export_import(self, dc_id: int, sender: Sender) -> None:
        make = self._home.make
        exported = await self._home.invoke(make.auth_export_authorization(dc_id=dc_id))
        imported = make.auth_import_authorization(id=exported.id, bytes=exported.bytes)
        await sender.invoke(imported)
        self.imports[dc_id] += 1
        self._set_authorized(dc_id, True)
        log.info("authorization imported on DC %d", dc_id)

    # ------------------------------------------------------------------ idle senders

    def _touch(self, dc_id: int) -> None:
        if self.idle_timeout is None or dc_id not in self._senders:
            return
        loop = asyncio.get_running_loop()
        self._last_used[dc_id] = loop.time()
        if dc_id not in self._timers:
            self._timers[dc_id] = loop.call_later(self.idle_timeout, self._idle, dc_id)

    def _idle(self, dc_id: int) -> None:
        self._timers.pop(dc_id, None)
        timeout = self.idle_timeout
        if timeout is None or dc_id not in self._senders:
            return
        loop = asyncio.get_running_loop()
        left = self._last_used.get(dc_id, 0.0) + timeout - loop.time()
        if self._busy[dc_id] > 0 or left > 0:
            self._timers[dc_id] = loop.call_later(max(left, 0.05), self._idle, dc_id)
            return
        sender = self.take(dc_id)
        if sender is not None:
            log.info("closing the idle connection to DC %d", dc_id)
            task = loop.create_task(sender.close())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)


def dc_key_after_auth(old: DcKey | None, dc_id: int, auth: AuthState) -> DcKey:
    """The session's record of DC ``dc_id`` once its sender has ``auth``: a new key is not
    authorized (a new handshake is no login), a new salt or clock offset keeps it so."""
    authorized = old is not None and old.auth_key == auth.auth_key and old.authorized
    return DcKey(dc_id, auth.auth_key, auth.salt, auth.time_offset, authorized)
