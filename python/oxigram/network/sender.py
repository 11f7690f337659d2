"""The sender: one MTProto session over a (re)connecting TCP connection.

It owns the asyncio side of :class:`~oxigram.mtproto.session.Session`: request futures keyed
by msg_id, ``rpc_result`` routing, batched acks, resends the session asks for (salt, clock,
seq_no), keep-alive pings (``ping_delay_disconnect``), the ``invokeWithLayer(initConnection)``
wrap of the first request of a connection, FLOOD_WAIT sleeps below a threshold, and
reconnects with backoff.

Errors get the reaction Telegram documents for them: ``FLOOD_WAIT_X`` up to a threshold is
slept through and the request repeated; ``-503 Timeout`` and ``-3002`` (all workers busy) are
retried with back-off for read-only requests and raised for every other (a press is never sent
twice); ``406 AUTH_KEY_DUPLICATED`` is raised, and the dead key replaced by a new one (the
session is logged out: the caller logs in again).

Requests in flight when a connection drops are never run twice by a retry of ours: requests
known to be read-only (``idempotent``) are sent again as new messages; every other request is
re-sent with its original msg_id and seq_no (MTProto's rule for a re-sent message: the server
executes a msg_id once per session), but only once the server has shown that it still holds
the session: a ping goes first on the new connection, and a ``new_session_created`` before its
pong means the server forgot the session, so the same msg_id would run as a new request there;
those requests end in :class:`~oxigram.errors.MaybeDeliveredError` instead. So does a request
sent in a session the server announced it lost while the connection stayed, if the connection
then drops before its answer. Each request ends in a result or an exception; every wait has a
timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import tl
from ..errors import (
    BadMessageError,
    ConnectionLostError,
    FloodError,
    HandshakeError,
    MalformedFrameError,
    MaybeDeliveredError,
    MessageSecurityError,
    NotConnectedError,
    OxigramError,
    RequestTimeoutError,
    RPCTimeoutError,
    SlowmodeWaitError,
    TLDecodeError,
    TransportError,
    UndecodableResultError,
    WorkersBusyError,
    describe_undecodable,
    rpc_error_from,
)
from ..mtproto import events as ev
from ..mtproto.handshake import AuthKeyResult, ClientHandshake
from ..mtproto.messages import Inner
from ..mtproto.rsa_keys import RsaPublicKey
from ..mtproto.service import PING, PING_DELAY_DISCONNECT
from ..mtproto.session import Session
from ..mtproto.telegram_dcs import handshake_dc_id
from ..mtproto.transports import TransportKind
from ..tl import functions
from .connection import Connection
from .peer_errors import blame_peer

__all__ = ["AuthState", "Sender", "SenderConfig", "is_idempotent"]

log = logging.getLogger(__name__)

# Methods whose name says "get" but which act: never re-sent as new messages.
_NOT_IDEMPOTENT = frozenset(
    (
        functions.messages.GetBotCallbackAnswer._tl_name,
        functions.ephemeral.GetCallbackAnswer._tl_name,
        functions.auth.SendCode._tl_name,
        functions.account.GetPassword._tl_name,
    )
)
# Name families (of whatever layer is loaded, hence prefixes) and single methods that read.
_IDEMPOTENT_PREFIXES = ("help.get", "updates.get", "users.get", "contacts.resolve")
_IDEMPOTENT = frozenset((PING, PING_DELAY_DISCONNECT, functions.messages.GetMessages._tl_name))


def is_idempotent(name: str) -> bool:
    """Read-only methods, safe to send again as a new message after a reconnect."""
    if name in _NOT_IDEMPOTENT:
        return False
    return name.startswith(_IDEMPOTENT_PREFIXES) or name in _IDEMPOTENT


def _maybe_delivered(req: _Request) -> MaybeDeliveredError:
    return MaybeDeliveredError(
        f"{req.name}: the connection was lost with the request in flight and the server "
        f"lost the session it was sent in; it may have been run, and it is not sent again"
    )


_WITHOUT_UPDATES_ID = functions.InvokeWithoutUpdates._tl_id.to_bytes(4, "little")


def _without_updates(body: Any) -> Any:
    """``body`` (a TL function object or its bytes) wrapped in ``invokeWithoutUpdates``."""
    if type(body) is bytes:
        return _WITHOUT_UPDATES_ID + body
    return functions.InvokeWithoutUpdates(query=body)


def _expire(fut: asyncio.Future[Any], name: str, wait: float) -> None:
    if not fut.done():
        fut.set_exception(RequestTimeoutError(f"{name}: no answer within {wait} s"))


@dataclass
class SenderConfig:
    """Timeouts (seconds) and limits."""

    transport: TransportKind | str = TransportKind.INTERMEDIATE
    connect_timeout: float = 10.0
    request_timeout: float = 60.0
    handshake_timeout: float = 30.0
    #: Seconds between keep-alive pings; the server drops us after ``ping_disconnect``.
    ping_interval: float = 60.0
    ping_disconnect: int = 75
    #: FLOOD_WAIT up to this many seconds is slept through and the request repeated.
    flood_sleep_threshold: float = 60.0
    reconnect_retries: int = 6
    backoff_base: float = 0.1
    backoff_max: float = 5.0
    ack_interval: float = 0.5
    ack_count: int = 16
    #: Consecutive undecryptable packets before the connection is replaced.
    max_bad_packets: int = 8
    #: -503 Timeout / -3002 workers busy: a read-only request is sent again this many times,
    #: after ``server_retry_base`` seconds, doubling up to ``backoff_max``.
    server_retries: int = 3
    server_retry_base: float = 0.5


@dataclass(frozen=True)
class AuthState:
    """An auth key and what goes with it (from storage or a handshake)."""

    auth_key: bytes
    salt: int = 0
    time_offset: float = 0.0


@dataclass(eq=False)
class _Request:
    body: Any
    name: str
    future: asyncio.Future[Any]
    idempotent: bool
    service: bool = False  # ping: never wrapped
    msg_id: int = 0
    sent: Inner | None = None
    acked: bool = False
    wrapped: bool = False
    #: Sent in a session the server has since said it lost: never re-sent with its msg_id.
    orphaned: bool = False
    done_hooks: list[Callable[[], None]] = field(default_factory=list)


def _backoff(attempt: int, base: float, cap: float) -> float:
    return float(min(cap, base * 2**attempt) * (0.5 + random.random() / 2))


class Sender:
    """Sends requests to one DC and routes what comes back. ``updates=False``: every
    request goes in ``invokeWithoutUpdates``, so the server never subscribes this session
    to the account's updates (core.telegram.org/api/invoking, "Disabling updates")."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        rsa_keys: Iterable[RsaPublicKey],
        dc_id: int = 2,
        test_mode: bool = False,
        auth: AuthState | None = None,
        schema: tl.Schema = tl.schema,
        wrap_first: Callable[[Any], Any] | None = None,
        config: SenderConfig | None = None,
        on_update: Callable[[Any], None] | None = None,
        on_new_session: Callable[[], None] | None = None,
        on_auth: Callable[[AuthState | None], None] | None = None,
        on_undecodable: Callable[[ev.UndecodableUpdate], None] | None = None,
        updates: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.dc_id = dc_id
        self.test_mode = test_mode
        self.rsa_keys = list(rsa_keys)
        self.auth = auth
        self.schema = schema
        self.config = config or SenderConfig()
        self._wrap_first = wrap_first
        self.updates = updates
        self._on_update = on_update
        self._on_new_session = on_new_session
        self._on_auth = on_auth
        self._on_undecodable = on_undecodable
        self.session: Session | None = None
        self._conn: Connection | None = None
        self._by_msg_id: dict[int, _Request] = {}
        self._queue: list[_Request] = []  # new messages
        self._again: list[_Request] = []  # re-send with the same msg_id
        self._wakeup = asyncio.Event()
        self._connected = asyncio.Event()
        self._init_done = False
        self._closing = False
        self._failed: BaseException | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._conn_tasks: list[asyncio.Task[None]] = []
        self._bad_packets = 0
        self.reconnects = 0
        #: ``new_session_created`` notices received (a change means the server lost ours).
        self.new_sessions = 0

    # ================================================================== public

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    async def connect(self) -> None:
        """Connects (and creates the auth key if there is none); raises if it cannot."""
        self._closing = False
        self._failed = None
        await self._connect_once()
        self._tasks = [
            asyncio.create_task(self._supervise(), name="oxigram-sender"),
            asyncio.create_task(self._keepalive(), name="oxigram-ping"),
        ]

    async def close(self) -> None:
        self._closing = True
        for task in [*self._tasks, *self._conn_tasks]:
            task.cancel()
        for task in [*self._tasks, *self._conn_tasks]:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, timeout=5)
        self._tasks = []
        self._conn_tasks = []
        if self._conn is not None:
            await self._conn.close()
        self._connected.clear()
        self._fail_all(ConnectionLostError("the client was closed"))

    async def invoke(
        self, body: Any, *, timeout: float | None = None, flood_sleep_threshold: float | None = None
    ) -> Any:
        """Sends ``body`` (a TL function object) and returns its result; RPC errors raise
        their typed exception. FLOOD_WAIT up to the threshold is slept through; -503 and
        -3002 are retried with back-off if the request is read-only."""
        cfg = self.config
        threshold = (
            cfg.flood_sleep_threshold if flood_sleep_threshold is None else flood_sleep_threshold
        )
        retries = 0
        while True:
            try:
                return await self._invoke_once(body, timeout)
            except FloodError as exc:
                if isinstance(exc, SlowmodeWaitError) or exc.seconds > threshold:
                    raise
                log.info("%s: flood wait %d s, sleeping", exc.request, exc.seconds)
                await asyncio.sleep(exc.seconds)
            except (RPCTimeoutError, WorkersBusyError) as exc:
                # The server did not run it, or ran it and lost the answer: only a request
                # that changes nothing may be sent again.
                if retries >= cfg.server_retries or not is_idempotent(exc.request or ""):
                    raise
                pause = _backoff(retries, cfg.server_retry_base, cfg.backoff_max)
                retries += 1
                log.info("%s: %s, retry %d in %.2f s", exc.request, exc.message, retries, pause)
                await asyncio.sleep(pause)

    async def ping(self, *, timeout: float = 10.0) -> float:
        """Round trip of a ``ping`` in seconds."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        ping_id = int.from_bytes(os.urandom(8), "little", signed=True)
        await self._invoke_once(functions.Ping(ping_id=ping_id), timeout, service=True)
        return loop.time() - start

    # ================================================================== requests

    async def _invoke_once(self, body: Any, timeout: float | None, *, service: bool = False) -> Any:
        if self._failed is not None:
            raise ConnectionLostError(f"not connected: {self._failed!r}") from self._failed
        if self._closing or not self._tasks:
            raise NotConnectedError("the sender is not connected")
        name = getattr(body, "_tl_name", type(body).__name__)
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        req = _Request(body, name, fut, is_idempotent(name), service=service)
        self._queue.append(req)
        self._wakeup.set()
        wait = self.config.request_timeout if timeout is None else timeout
        # One timer instead of wait_for (which adds a waiter future, a callback and a timer
        # per call): every answer of a busy bot goes through here.
        timer = None
        try:
            if wait is not None:  # None: no timeout (what wait_for accepted too)
                timer = fut.get_loop().call_later(wait, _expire, fut, name, wait)
            return await fut
        finally:
            if timer is not None:
                timer.cancel()
            self._forget(req)

    def _forget(self, req: _Request) -> None:
        if req.msg_id and self._by_msg_id.get(req.msg_id) is req:
            del self._by_msg_id[req.msg_id]
        for lst in (self._queue, self._again):
            if req in lst:
                lst.remove(req)

    def _fail_all(self, exc: BaseException) -> None:
        for req in [*self._by_msg_id.values(), *self._queue, *self._again]:
            if not req.future.done():
                req.future.set_exception(exc)
        self._by_msg_id.clear()
        self._queue.clear()
        self._again.clear()

    def _resolve(self, msg_id: int, result: Any = None, exc: BaseException | None = None) -> None:
        req = self._by_msg_id.pop(msg_id, None)
        if req is None:
            log.debug("answer for unknown or expired request %d", msg_id)
            return
        if req.wrapped:
            self._init_done = True
        if req.future.done():
            return
        if exc is not None:
            req.future.set_exception(exc)
        else:
            req.future.set_result(result)

    # ================================================================== connection

    async def _connect_once(self) -> None:
        conn = await Connection.open(
            self.host, self.port, self.config.transport, timeout=self.config.connect_timeout
        )
        try:
            if self.auth is None:
                self.auth = await self._handshake(conn)
                self.session = None
                if self._on_auth is not None:
                    self._on_auth(self.auth)
            if self.session is None or self.session.auth_key != self.auth.auth_key:
                self.session = Session(
                    self.auth.auth_key,
                    salt=self.auth.salt,
                    time_offset=self.auth.time_offset,
                    time_synced=False,
                    schema=self.schema,
                )
        except BaseException:
            await conn.close()
            raise
        self._conn = conn
        self._init_done = False
        self._bad_packets = 0
        self._conn_tasks = [asyncio.create_task(self._write_loop(conn), name="oxigram-writer")]
        self._connected.set()
        log.info("connected to DC %d at %s:%d", self.dc_id, self.host, self.port)

    async def _handshake(self, conn: Connection) -> AuthState:
        hs = ClientHandshake(self.rsa_keys, dc_id=handshake_dc_id(self.dc_id, test=self.test_mode))

        async def exchange() -> AuthKeyResult:
            out: bytes | None = hs.start()
            while out is not None:
                await conn.send(out)
                out = hs.receive(await conn.recv())
            return hs.result

        try:
            result = await asyncio.wait_for(exchange(), timeout=self.config.handshake_timeout)
        except asyncio.TimeoutError:
            raise HandshakeError("the auth key exchange timed out") from None
        log.info("created a new auth key with DC %d", self.dc_id)
        return AuthState(result.auth_key, result.server_salt, float(result.time_offset))

    async def _supervise(self) -> None:
        """Reads from the current connection; on a failure, reconnects with backoff."""
        while not self._closing:
            conn = self._conn
            assert conn is not None
            try:
                await self._read_loop(conn)
            except asyncio.CancelledError:
                raise
            except (ConnectionLostError, MalformedFrameError, TransportError, OSError) as exc:
                if self._closing:
                    return
                log.warning("connection lost (%r); reconnecting", exc)
                if isinstance(exc, TransportError) and exc.code == 404:
                    self._drop_auth_key("the server forgot our auth key")
            except BaseException as exc:
                # Anything else the server's bytes raised (a panic, MemoryError): that
                # connection is done, this loop is not (_reconnect closes it).
                if not blame_peer(exc):
                    raise
                if self._closing:
                    return
                log.error(
                    "unexpected error reading from DC %d; reconnecting", self.dc_id, exc_info=exc
                )
            await self._reconnect()

    async def _reconnect(self) -> None:
        self._connected.clear()
        for task in self._conn_tasks:
            task.cancel()
        if self._conn is not None:
            await self._conn.close()
        last: BaseException | None = None
        for attempt in range(self.config.reconnect_retries):
            cfg = self.config
            await asyncio.sleep(_backoff(attempt, cfg.backoff_base, cfg.backoff_max))
            if self._closing:
                return
            try:
                await self._connect_once()
            except BaseException as exc:  # what the server sent in the handshake, included
                if not blame_peer(exc):
                    raise
                last = exc
                log.info("reconnect attempt %d failed: %r", attempt + 1, exc)
                continue
            self.reconnects += 1
            self._requeue_in_flight()
            return
        self._failed = last or ConnectionLostError("reconnect failed")
        err = ConnectionLostError(f"cannot reconnect to {self.host}:{self.port}: {last!r}")
        self._fail_all(err)
        self._closing = True
        log.error("giving up on DC %d: %r", self.dc_id, last)

    def _drop_auth_key(self, why: str) -> None:
        """The key is unknown (-404) or dead (AUTH_KEY_DUPLICATED): the next connection makes
        a new one, and what is in flight is sent as new (the server ran none of it)."""
        log.warning("%s; creating a new auth key", why)
        self.auth = None
        self.session = None
        for req in list(self._by_msg_id.values()):
            req.sent = None  # never executed: send again as new
        if self._on_auth is not None:
            self._on_auth(None)

    def _requeue_in_flight(self) -> None:
        again: list[_Request] = []
        fresh: list[_Request] = []
        for req in dict.fromkeys(self._by_msg_id.values()):
            if req.future.done():
                continue
            if req.idempotent or req.sent is None or req.wrapped:
                # wrapped: the first request carried initConnection, which the new
                # connection needs again; its inner query is re-sent as new only if
                # idempotent, else with the same id.
                if req.sent is not None and not req.idempotent:
                    again.append(req)
                else:
                    fresh.append(req)
            else:
                again.append(req)
        self._by_msg_id.clear()
        self._queue[:0] = fresh
        lost = [req for req in again if req.orphaned]
        again = [req for req in again if not req.orphaned]
        for req in lost:
            req.future.set_exception(_maybe_delivered(req))
        for req in again:
            if req.sent is not None:
                self._by_msg_id[req.sent.msg_id] = req
        if again or fresh:
            log.info("re-sending %d request(s) with their ids, %d as new", len(again), len(fresh))
        if again:
            probe = self._confirm_session(again, self.new_sessions)
            self._conn_tasks.append(asyncio.create_task(probe, name="oxigram-session-probe"))
        self._wakeup.set()

    async def _confirm_session(self, held: list[_Request], notices: int) -> None:
        """Re-sends ``held`` with their msg_ids once a ping shows the server kept our session
        (no ``new_session_created`` came before its pong); otherwise the server would run
        them as new requests, so they end in :class:`MaybeDeliveredError`."""
        ping_id = int.from_bytes(os.urandom(8), "little", signed=True)
        try:
            await self._invoke_once(functions.Ping(ping_id=ping_id), None, service=True)
            kept = self.new_sessions == notices
        except OxigramError as exc:
            log.info("no answer to the session probe (%r)", exc)
            kept = False
        waiting = [req for req in held if not req.future.done()]
        if kept:
            self._again.extend(waiting)
            self._wakeup.set()
            return
        for req in waiting:
            self._forget(req)
            req.future.set_exception(_maybe_delivered(req))
        if waiting:
            log.warning(
                "the server lost our session: %d request(s) may have been run, not re-sent",
                len(waiting),
            )

    # ================================================================== writing

    async def _write_loop(self, conn: Connection) -> None:
        cfg = self.config
        while not conn.closed:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=cfg.ack_interval)
            self._wakeup.clear()
            session = self.session
            if session is None:
                return
            try:
                if self._again:
                    again, self._again = self._again[:1000], self._again[1000:]
                    sent = [r.sent for r in again if r.sent is not None]
                    if sent:
                        await conn.send(session.pack_again(sent).packet)
                while self._queue:
                    batch, self._queue = self._queue[:500], self._queue[500:]
                    packet = self._pack(session, batch)
                    if packet is not None:
                        await conn.send(packet)
                if session.needs_flush or len(session.pending_acks) >= 1:
                    packed = session.flush()
                    if packed is not None:
                        await conn.send(packed.packet)
            except ConnectionLostError:
                return  # the reader sees it too and reconnects

    def _pack(self, session: Session, batch: list[_Request]) -> bytes | None:
        """The packet of ``batch``; None when none of it could be serialized. A request that
        cannot be (a wrong field type, ...) fails with that error and is left out: the
        write loop must live on for the others."""
        bodies: list[bytes] = []
        ok: list[_Request] = []
        for req in batch:
            body = req.body
            wrapped = False
            if not req.service and not self.updates:
                body = _without_updates(body)
            if not req.service and not self._init_done and self._wrap_first is not None:
                body = self._wrap_first(body)
                wrapped = True
            try:
                data = body if type(body) is bytes else tl.dumps(body)
            except Exception as exc:  # TLEncodeError and kin: the caller's to see
                if not req.future.done():
                    req.future.set_exception(exc)
                continue
            req.wrapped = wrapped
            bodies.append(data)
            ok.append(req)
        if not ok:
            return None
        try:
            packed = session.pack(*bodies)
        except Exception as exc:
            log.exception("packing %d requests failed", len(ok))
            for req in ok:
                if not req.future.done():
                    req.future.set_exception(exc)
            return None
        for req, msg_id, inner in zip(ok, packed.msg_ids, packed.sent, strict=True):
            req.msg_id = msg_id
            req.sent = inner
            req.acked = False
            self._by_msg_id[msg_id] = req
        return packed.packet

    # ================================================================== reading

    async def _read_loop(self, conn: Connection) -> None:
        while True:
            packet = await conn.recv()
            session = self.session
            if session is None:
                return
            try:
                events = session.unpack(packet)
            except MessageSecurityError as exc:
                self._bad_packets += 1
                log.warning("dropping a packet: %r", exc)
                if self._bad_packets >= self.config.max_bad_packets:
                    raise ConnectionLostError("too many undecryptable packets") from exc
                continue
            self._bad_packets = 0
            for event in events:
                self._handle(event)
            if self.session is not session:
                return  # the key was dropped: reconnect with a new one
            if session.salt != (self.auth.salt if self.auth else 0):
                self._save_auth(session)
            if session.needs_flush or len(session.pending_acks) >= self.config.ack_count:
                self._wakeup.set()

    def _save_auth(self, session: Session) -> None:
        if self.auth is None:
            return
        self.auth = AuthState(self.auth.auth_key, session.salt, session.msg_ids.time_offset)
        if self._on_auth is not None:
            self._on_auth(self.auth)

    def _handle(self, event: ev.Event) -> None:
        if isinstance(event, ev.RpcResult):
            self._resolve(event.req_msg_id, event.result)
        elif isinstance(event, ev.RpcError):
            req = self._by_msg_id.get(event.req_msg_id)
            name = req.name if req is not None else None
            self._resolve(event.req_msg_id, exc=rpc_error_from(event.code, event.message, name))
            if event.message == "AUTH_KEY_DUPLICATED":
                self._drop_auth_key("the server says our auth key is used elsewhere")
        elif isinstance(event, ev.RpcDecodeError):
            self._resolve(event.req_msg_id, exc=self._undecodable_result(event))
        elif isinstance(event, ev.Pong):
            self._resolve(event.req_msg_id, event.ping_id)
        elif isinstance(event, ev.Update):
            if self._on_update is not None:
                self._on_update(event.obj)
        elif isinstance(event, ev.UndecodableUpdate):
            if self._on_undecodable is not None:
                self._on_undecodable(event)
            else:
                log.warning(
                    "dropped update %s: %s",
                    event.container,
                    describe_undecodable(event.error, event.layer),
                )
        elif isinstance(event, ev.Acked):
            for msg_id in event.msg_ids:
                req = self._by_msg_id.get(msg_id)
                if req is not None:
                    req.acked = True
        elif isinstance(event, ev.ResendRequest):
            self._resend_new(event.msg_ids, event.reason)
        elif isinstance(event, ev.BadMessage):
            for msg_id in event.msg_ids:
                req = self._by_msg_id.get(msg_id)
                self._resolve(msg_id, exc=BadMessageError(event.code, req.name if req else None))
        elif isinstance(event, ev.NewSession):
            log.info("new session created by the server (first msg %d)", event.first_msg_id)
            self.new_sessions += 1
            for msg_id, req in self._by_msg_id.items():
                if msg_id < event.first_msg_id:
                    req.orphaned = True
            if self._on_new_session is not None:
                self._on_new_session()
        elif isinstance(event, ev.SkippedMessage):
            error = event.error
            why = (
                describe_undecodable(error, self.schema.layer)
                if isinstance(error, TLDecodeError)
                else str(error)
            )
            log.warning("skipped message %d: %s", event.msg_id, why)
        else:
            log.debug("ignoring %r", event)

    def _undecodable_result(self, event: ev.RpcDecodeError) -> BaseException:
        """The typed error for a result that does not decode: it names the request."""
        error = event.error
        if not isinstance(error, TLDecodeError):
            return error
        req = self._by_msg_id.get(event.req_msg_id)
        name = req.name if req is not None else f"request {event.req_msg_id}"
        return UndecodableResultError(name, error, self.schema.layer)

    def _resend_new(self, msg_ids: tuple[int, ...], reason: int) -> None:
        """The server refused these before running them (salt, clock, seq_no): new ids."""
        n = 0
        for msg_id in msg_ids:
            req = self._by_msg_id.pop(msg_id, None)
            if req is not None and not req.future.done():
                self._queue.append(req)
                n += 1
        if n:
            log.info("re-sending %d request(s) (bad_msg %d)", n, reason)
            self._wakeup.set()

    # ================================================================== keep-alive

    async def _keepalive(self) -> None:
        cfg = self.config
        while not self._closing:
            await asyncio.sleep(cfg.ping_interval)
            if not self._connected.is_set():
                continue
            ping_id = int.from_bytes(os.urandom(8), "little", signed=True)
            body = functions.Ping_delay_disconnect(
                ping_id=ping_id, disconnect_delay=cfg.ping_disconnect
            )
            try:
                await self._invoke_once(body, min(cfg.ping_interval, 30.0), service=True)
            except RequestTimeoutError:
                log.warning("keep-alive ping unanswered; reconnecting")
                if self._conn is not None:
                    await self._conn.close()
            except OxigramError as exc:
                log.debug("keep-alive ping failed: %r", exc)
