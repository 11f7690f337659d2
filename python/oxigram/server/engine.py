"""The MTProto engine of one DC id: listener, connections, sessions, pushes.

An :class:`Engine` accepts TCP connections on its port and runs the protocol for them (the
transports, the handshake, decryption, sessions with their acks and containers); requests go
to the method handlers with a ``Context`` holding the :class:`~.state.State` it serves. It
knows auth keys (its own: ``keys``) and which account each is logged in as, never accounts
themselves. Several engines may serve one state, each with its own DC id, port, keys and
salt: a push from the state reaches the account's sessions on all of them.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from ..mtproto.rsa_keys import RsaPrivateKey
from .connection import Connection, DCProtocol
from .faults import Faults
from .keys import AuthKeys, random_salt
from .model import AuthKeyRecord
from .sessions import SessionTable
from .state import State

__all__ = ["MAX_FRAME", "Engine"]

log = logging.getLogger(__name__)

#: Frame size bound (Telegram's own limit is about 1 MiB of payload).
MAX_FRAME = 2 * 1024 * 1024


class Engine:
    """DC ``dc_id`` on ``host:port`` (port 0: any free port, ``port`` is the bound one once
    started), serving ``state``. ``keys``: the DC's auth keys and salt (new, in memory, when
    not given); ``peers``: the other DCs ``help.getConfig`` names, by id. ``test_mode``: one
    of Telegram's test servers, which expect ``10000 + id`` as the handshake's DC id."""

    def __init__(
        self,
        state: State,
        *,
        dc_id: int,
        rsa_key: RsaPrivateKey,
        host: str = "127.0.0.1",
        port: int = 0,
        keys: AuthKeys | None = None,
        max_frame: int = MAX_FRAME,
        peers: Mapping[int, tuple[str, int]] | None = None,
        test_mode: bool = False,
    ) -> None:
        self.state = state
        self.dc_id = dc_id
        self.test_mode = test_mode
        self.host = host
        self.port = port
        self.rsa_key = rsa_key
        self.max_frame = max_frame
        self.peers: dict[int, tuple[str, int]] = dict(peers or {})
        self.keys = keys if keys is not None else AuthKeys()
        self.sessions = SessionTable(self.keys)
        self.faults = Faults()
        self.stats: Counter[str] = Counter()
        #: The DC id each completed handshake named (``p_q_inner_data_dc.dc``).
        self.handshake_dc_ids: Counter[int] = Counter()
        self._connections: set[Connection] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        #: Requests waiting for a future (a press for its bot's answer), see park().
        self._parked: dict[Coroutine[Any, Any, Any], asyncio.Future[Any]] = {}
        self._server: asyncio.Server | None = None
        state.attach(self.sessions)

    # ----------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        if self._server is not None:
            return
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: DCProtocol(self), self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("DC %d listening on %s:%d", self.dc_id, self.host, self.port)

    async def stop(self) -> None:
        """Closes the listener and every connection, ends the requests in flight and forgets
        the sessions (keys stay)."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for conn in list(self._connections):
            conn.close()
        self._cancel_parked()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5)
        if server is not None:
            try:
                await asyncio.wait_for(server.wait_closed(), 5)
            except asyncio.TimeoutError:
                log.warning("server did not close in time")
        self.sessions.clear()

    def connection_opened(self, conn: Connection) -> None:
        self._connections.add(conn)
        self.stats["connections"] += 1

    def connection_closed(self, conn: Connection) -> None:
        self._connections.discard(conn)

    @property
    def connections(self) -> int:
        return len(self._connections)

    # ------------------------------------------------------------ requests in flight

    def park(
        self,
        coro: Coroutine[Any, Any, Any],
        fut: asyncio.Future[Any],
        step: Callable[[Coroutine[Any, Any, Any], Any], None],
    ) -> None:
        """``coro`` waits for ``fut``: ``step(coro, fut)`` resumes it when ``fut`` is done
        (unless :meth:`stop` ended it first)."""
        self._parked[coro] = fut

        def wake(done: asyncio.Future[Any]) -> None:
            if self._parked.pop(coro, None) is not None:
                step(coro, done)

        fut.add_done_callback(wake)

    def _cancel_parked(self) -> None:
        """Ends the parked requests as a task cancellation would (their ``finally`` runs)."""
        while self._parked:
            coro, _ = self._parked.popitem()
            try:
                coro.throw(asyncio.CancelledError())
            except (StopIteration, asyncio.CancelledError):
                continue
            except Exception:
                log.exception("error while cancelling a request")
                continue
            coro.close()  # it waited again: give up on it

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # ---------------------------------------------------- the caller's key (ServingDc)

    def bind_key(
        self, record: AuthKeyRecord, user_id: int | None, *, imported: bool = False
    ) -> None:
        self.keys.bind(record, user_id, imported=imported)
        self.sessions.logins_changed()

    def set_layer(self, record: AuthKeyRecord, layer: int) -> None:
        self.keys.set_layer(record, layer)

    # ------------------------------------------------------------------------- faults

    def drop_connections(self) -> int:
        """Closes every connection now; returns how many."""
        conns = list(self._connections)
        for conn in conns:
            conn.close()
        return len(conns)

    def rotate_salt(self, *, keep_old: bool = False) -> int:
        """A new server salt; without ``keep_old`` the next message gets ``bad_server_salt``."""
        salt = random_salt()
        self.keys.set_salt(salt)
        self.sessions.set_salt(salt, keep_old=keep_old)
        return salt
