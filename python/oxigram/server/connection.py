"""One TCP connection: transport detection, handshakes, decryption, events.

Anything wrong with what a client sends affects only its own connection: a bad frame, an
unknown auth key or a failed handshake is answered with transport error -404 (when the
transport is known) and the connection is closed; so is any other exception its bytes raise
(``network.peer_errors``), and a connection that misses a deadline of its listener's
``ConnectionLimits`` (``limits.py``). What a peer can make the DC log is rate-limited.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Callable, Coroutine, Generator
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import (
    MalformedFrameError,
    MessageSecurityError,
    OxigramError,
    ReplayedMessageError,
)
from ..mtproto import events as ev
from ..mtproto.framing import Frame
from ..mtproto.handshake import ServerHandshake
from ..mtproto.messages import decrypt
from ..mtproto.rsa_keys import RsaPrivateKey
from ..mtproto.session import rpc_error
from ..mtproto.telegram_dcs import TEST_DC_SHIFT
from ..mtproto.transports import Transport, accept_transport
from ..network.peer_errors import blame_peer
from . import dispatcher
from .context import Context, ServingDc
from .faults import Faults
from .keys import AuthKeys
from .model import AuthKeyRecord
from .sessions import ServerSession, SessionTable
from .state import State

if TYPE_CHECKING:
    from .limits import ConnectionLimits
    from .ratelog import RateLimitedLog

__all__ = ["Connection", "DCProtocol", "EngineSide"]

log = logging.getLogger(__name__)

_ZERO_KEY = bytes(8)
#: Requests of one connection being answered at once (more get FLOOD_WAIT_1).
MAX_IN_FLIGHT = 4096
#: Unsent bytes after which a client that does not read is dropped.
MAX_WRITE_BUFFER = 8 * 1024 * 1024
#: Packets dropped as replays before the connection is closed.
MAX_REPLAYS = 64
#: Encrypted packets from this size on are decrypted in a thread (``_decrypt_off_loop``),
#: the size from which the native backend releases the GIL too.
DECRYPT_OFF_LOOP = 64 * 1024


class _Resume:
    """Awaitable that carries on a coroutine already stepped once by hand, from what that
    step yielded (the future it waits for): what ``Task`` would have done from the start."""

    def __init__(self, coro: Coroutine[Any, Any, Any], first: Any) -> None:
        self.coro = coro
        self.first = first

    def __await__(self) -> Generator[Any, Any, Any]:
        coro = self.coro
        yielded = self.first
        while True:
            try:
                sent = yield yielded
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:  # forwarded, cancellation included
                try:
                    yielded = coro.throw(exc)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    yielded = coro.send(sent)
                except StopIteration as stop:
                    return stop.value


async def _continue(coro: Coroutine[Any, Any, Any], first: Any) -> Any:
    return await _Resume(coro, first)


class EngineSide(ServingDc, Protocol):
    """What a connection uses of the engine that accepted it (``engine.Engine``)."""

    state: State
    keys: AuthKeys
    sessions: SessionTable
    faults: Faults
    stats: Counter[str]
    handshake_dc_ids: Counter[int]
    rsa_key: RsaPrivateKey
    max_frame: int
    limits: ConnectionLimits
    #: Where lines a peer can cause go (one per kind per interval).
    ratelog: RateLimitedLog

    def spawn(self, coro: Coroutine[Any, Any, Any], /) -> asyncio.Task[Any]: ...

    def park(
        self,
        coro: Coroutine[Any, Any, Any],
        fut: asyncio.Future[Any],
        step: Callable[[Coroutine[Any, Any, Any], Any], None],
        /,
    ) -> None: ...

    def admit(self, io: asyncio.Transport, /) -> bool: ...

    def connection_opened(self, conn: Connection, /) -> None: ...

    def connection_closed(self, conn: Connection, /) -> None: ...

    def proven(self, conn: Connection, /) -> None: ...

    def buffer_changed(self, conn: Connection, delta: int, /) -> None: ...


class DCProtocol(asyncio.Protocol):
    """asyncio's side of one client connection: hands bytes to its :class:`Connection`."""

    def __init__(self, engine: EngineSide) -> None:
        self.engine = engine
        self.conn: Connection | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        if not self.engine.admit(transport):
            transport.close()  # at a cap: refused (counted and logged by the engine)
            return
        self.conn = Connection(self.engine, transport)
        self.engine.connection_opened(self.conn)

    def data_received(self, data: bytes) -> None:
        if self.conn is not None:
            self.conn.feed(data)

    def eof_received(self) -> bool:
        return False  # the client is done: close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        if self.conn is not None:
            self.conn.lost()
            self.engine.connection_closed(self.conn)


class Connection:
    def __init__(self, engine: EngineSide, io: asyncio.Transport):
        self.engine = engine
        # What each request reaches for (the engine's are fixed for its life).
        self._state = engine.state
        self._sessions = engine.sessions
        self.io = io
        self.transport: Transport | None = None
        self.handshake: ServerHandshake | None = None
        self._stored_key: bytes | None = None
        self.closed = False
        self._limits = engine.limits
        self._ratelog = engine.ratelog
        #: Bytes of unfinished frames, as last told to the engine (its global cap).
        self.buffered = 0
        self._proven = False  # sent an encrypted message with a known key
        self._got_frame = False  # a frame completed since the last _account()
        self.in_flight = 0
        self._replays = 0
        self._disconnect: asyncio.TimerHandle | None = None
        self._out: list[bytes] = []  # frames not yet written (see send_payload)
        self._sessions_out: list[ServerSession] = []  # sessions with bodies queued for us
        self._flush_due = False
        self._loop = asyncio.get_running_loop()
        self._head = b""  # bytes before the transport is known
        self._busy = False  # a handshake step runs in a thread: packets wait behind it
        # Deadlines (see _check_deadline): monotonic times on the loop's clock.
        self._opened = self._loop.time()
        self._last_frame: float | None = None
        self._frame_started: float | None = None
        self._watch = self._loop.call_at(
            self._opened + min(self._limits.hello_timeout, self._limits.frame_timeout),
            self._check_deadline,
        )
        peer = io.get_extra_info("peername")
        self.name = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
        #: The peer's IP address (its per-address cap).
        self.address = str(peer[0]) if isinstance(peer, tuple) else str(peer)

    # --------------------------------------------------------------------------- output

    def send_payload(self, payload: bytes) -> None:
        """Queues a frame; the frames queued during one event-loop iteration go out in one
        ``write`` (one ``send`` syscall instead of one per frame: the DC's hot path when it
        pushes many presses to one bot, see docs/benchmarks.md)."""
        if self.closed or self.transport is None:
            return
        self._out.append(self.transport.pack(payload))
        self._schedule_flush()

    def want_flush(self, ss: ServerSession) -> None:
        """``ss`` queued bodies for this connection: packed and written by the next flush."""
        if self.closed or self.transport is None:
            return
        self._sessions_out.append(ss)
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        if not self._flush_due:
            self._flush_due = True
            self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_due = False
        if not self.closed and self.io.is_closing():
            self.lost()  # reset or aborted since: keep the sessions' messages for later
            return
        if self._sessions_out and self.transport is not None:
            sessions, self._sessions_out = self._sessions_out, []
            for ss in sessions:
                try:
                    packets = ss.take_packets(self)
                except Exception:  # a bug, not input: that session's batch is lost, logged
                    log.exception("%s: packing a session's messages failed", self.name)
                    ss.release(self)
                    continue
                for packet in packets:
                    self._out.append(self.transport.pack(packet))
        out, self._out = self._out, []
        if self.closed or not out:
            return
        self.io.write(out[0] if len(out) == 1 else b"".join(out))
        buffered = self.io.get_write_buffer_size()
        if buffered > MAX_WRITE_BUFFER:
            log.warning("%s: %d bytes unread by the client, closing", self.name, buffered)
            self.close()

    def fail(self, code: int, reason: str) -> None:
        """Transport error ``-code`` (if the transport is known), then close."""
        self._ratelog.log(logging.INFO, "bad input", "%s: closing (%s)", self.name, reason)
        self.engine.stats["closed_bad_input"] += 1
        if self.transport is not None and not self.closed:
            self._flush()  # answers queued before the error go first
            with contextlib.suppress(Exception):  # best effort
                self.io.write(self.transport.pack_error(code))
        self.close()

    def lost(self) -> None:
        """The socket is gone: nothing queued can be written. Sessions keep what they had
        queued for it; it goes out on the client's next connection."""
        if self.closed:
            return
        self.closed = True
        sessions, self._sessions_out = self._sessions_out, []
        for ss in sessions:
            ss.release(self)
        self._out = []
        self._cancel_timers()
        self.engine.connection_closed(self)

    def close(self) -> None:
        if self.closed:
            return
        if self._out or self._sessions_out:
            self._flush()  # what was queued still goes out before the FIN
        self.closed = True
        self._cancel_timers()
        self.io.close()
        self.engine.connection_closed(self)  # its slot is free now, not when the socket is

    def _cancel_timers(self) -> None:
        self._watch.cancel()
        if self._disconnect is not None:
            self._disconnect.cancel()

    # ------------------------------------------------------------------------ deadlines

    def _check_deadline(self) -> None:
        """Closes the connection if it missed a deadline, else looks again at the next one.
        The hot path only notes times (``_account``); this timer never sleeps longer than
        ``frame_timeout``, so a frame begun after it was set is still caught on time."""
        if self.closed:
            return
        limits = self._limits
        if self._last_frame is None:
            due, what = self._opened + limits.hello_timeout, "no first frame"
        else:
            due, what = self._last_frame + limits.idle_timeout, "idle"
        started = self._frame_started
        if started is not None and started + limits.frame_timeout < due:
            due, what = started + limits.frame_timeout, "a frame begun and not finished"
        now = self._loop.time()
        if now >= due:
            self.engine.stats["closed_deadline"] += 1
            self._ratelog.log(logging.INFO, "deadline", "%s: closing (%s)", self.name, what)
            self.close()
            return
        self._watch = self._loop.call_at(min(due, now + limits.frame_timeout), self._check_deadline)

    # ---------------------------------------------------------------------------- input

    # The connection is driven by its protocol's callbacks (no task and no StreamReader per
    # connection: a read is handled in the callback that received it, which saves a task
    # wake-up per request on the DC's hot path).

    def feed(self, data: bytes) -> None:
        """Bytes received from the client (``data_received``)."""
        if self.closed:
            return
        try:
            if self.transport is None:
                self._head += data
                transport = accept_transport(self._head, max_frame=self.engine.max_frame)
                if transport is None:
                    return
                transport.max_plain = self._limits.max_plain_frame
                self.transport = transport
                self._head = b""
            else:
                self.transport.feed(data)
            if not self._busy:
                self._drain_packets()
            self._account()
        except BaseException as exc:
            self._error(exc)

    def _error(self, exc: BaseException) -> None:
        """What the peer's bytes raised ends its connection, closed here whatever happens;
        a cancellation or an interrupt is passed on (after closing)."""
        try:
            if not blame_peer(exc):
                raise exc
            self._failed(exc)
        finally:
            self.close()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, MalformedFrameError):
            self.fail(404, f"bad frame: {exc}")
        elif isinstance(exc, OxigramError):
            self.fail(404, f"bad input: {exc!r}")
        elif not isinstance(exc, ConnectionError):
            # Not a typed error: a bug, an allocation failure or a panic in a decoder.
            self.engine.stats["closed_errors"] += 1
            self._ratelog.log(
                logging.ERROR, "unexpected", "%s: unexpected error", self.name, exc_info=exc
            )
        self.close()

    def _account(self) -> None:
        """Notes the times the deadlines run from, and tells the engine how many bytes of
        unfinished frames this connection holds now (the listener's global cap)."""
        if self.closed or self.transport is None:
            return
        pending = self.transport.buffered
        if self._got_frame:
            self._got_frame = False
            now = self._loop.time()
            self._last_frame = now
            self._frame_started = now if pending else None
        elif not pending:
            self._frame_started = None
        elif self._frame_started is None:
            self._frame_started = self._loop.time()
        delta = pending - self.buffered
        if delta:
            self.buffered = pending
            self.engine.buffer_changed(self, delta)

    def _drain_packets(self) -> None:
        assert self.transport is not None
        for packet in self.transport:
            if self.closed:
                return
            if not isinstance(packet, Frame):
                continue  # a server never receives quick acks
            self._got_frame = True
            payload = packet.payload
            if payload[:8] == _ZERO_KEY:
                # The DH step runs in a thread; what follows waits for it, in order.
                self._off_loop(self._handshake(payload))
                return
            if len(payload) >= DECRYPT_OFF_LOOP:
                # So does decrypting a large packet: the pure backend's AES takes most of a
                # second per MiB, which would stall every other connection (and the native
                # one releases the GIL there anyway).
                self._off_loop(self._decrypt_off_loop(payload))
                return
            self._encrypted(payload)

    def _off_loop(self, step: Coroutine[Any, Any, None]) -> None:
        """Runs ``step`` (which waits on a thread) with reading paused; the frames after it
        are handled once it is done, in order."""
        self._busy = True
        self.io.pause_reading()
        self.engine.spawn(self._then_drain(step))

    async def _then_drain(self, step: Coroutine[Any, Any, None]) -> None:
        try:
            await step
            self._busy = False
            if not self.closed:
                self.io.resume_reading()
                self._drain_packets()
                self._account()
        except BaseException as exc:
            self._error(exc)

    # ------------------------------------------------------------------------ handshake

    async def _handshake(self, payload: bytes) -> None:
        engine = self.engine
        if self.handshake is None:
            keys = engine.keys
            self.handshake = ServerHandshake(
                engine.rsa_key, key_id_taken=lambda key_id: key_id in keys
            )
        hs = self.handshake
        try:
            reply = await asyncio.to_thread(hs.receive, payload)
        except OxigramError as exc:
            self.fail(404, f"handshake failed: {exc!r}")
            return
        if hs.done and hs.result.auth_key != self._stored_key:
            result = hs.result
            if result.dc_id is not None:
                engine.handshake_dc_ids[result.dc_id] += 1
                if (abs(result.dc_id) > TEST_DC_SHIFT) != engine.test_mode:
                    # Telegram's answer to a test DC id at a production DC and the reverse
                    self.fail(444, f"handshake for DC {result.dc_id}")
                    return
            self._stored_key = result.auth_key
            engine.keys.add(result.auth_key, result.auth_key_id, result.server_salt)
            engine.stats["handshakes"] += 1
            log.debug("%s: new auth key %s", self.name, result.auth_key_id.hex())
        self.send_payload(reply)

    # ------------------------------------------------------------------------ encrypted

    def _record(self, payload: bytes) -> AuthKeyRecord | None:
        record = self.engine.keys.records.get(bytes(payload[:8]))
        if record is None:
            self.fail(404, "unknown auth key")
        return record

    async def _decrypt_off_loop(self, payload: bytes) -> None:
        record = self._record(payload)
        if record is None:
            return
        try:
            plain = await asyncio.to_thread(decrypt, record.key, payload, sender="client")
        except OxigramError as exc:
            self.fail(404, f"undecryptable packet: {exc}")
            return
        if not self.closed:
            self._decrypted(record, plain)

    def _encrypted(self, payload: bytes) -> None:
        record = self._record(payload)
        if record is None:
            return
        try:
            plain = decrypt(record.key, payload, sender="client")
        except OxigramError as exc:
            self.fail(404, f"undecryptable packet: {exc}")
            return
        self._decrypted(record, plain)

    def _decrypted(self, record: AuthKeyRecord, plain: Any) -> None:
        if not self._proven:
            self._proven = True
            self.engine.proven(self)
        ss = self._sessions.session_for(record, plain.session_id)
        self._sessions.attach(ss, self)
        try:
            events = ss.session.receive(plain)
        except ReplayedMessageError as exc:
            self._replays += 1
            if self._replays > MAX_REPLAYS:
                self.fail(429, "too many replayed messages")
                return
            self._resent(ss, exc.msg_id)
            return
        except MessageSecurityError as exc:
            self.fail(404, f"rejected packet: {exc}")
            return
        for event in events:
            self._event(ss, record, event)
        if ss.session.needs_flush:
            ss.flush()

    def _event(self, ss: ServerSession, record: AuthKeyRecord, event: ev.Event) -> None:
        if isinstance(event, ev.Request):
            self.engine.stats["requests"] += 1
            if self.in_flight >= MAX_IN_FLIGHT:
                ss.send(rpc_error(event.msg_id, 420, "FLOOD_WAIT_1"))
                return
            ctx = Context(self._state, self.engine, ss, record, event.msg_id)
            self.in_flight += 1
            self._start(self._answer(ctx, event.obj))
        elif isinstance(event, ev.Ping):
            if event.disconnect_delay is not None:
                self._arm_disconnect(event.disconnect_delay)
        elif isinstance(event, ev.SkippedMessage):
            error = event.error
            if isinstance(error, ReplayedMessageError):
                self._resent(ss, event.msg_id)
            else:
                answer = dispatcher.skipped_answer(event.msg_id, error)
                if answer is not None:
                    ss.send(answer)

    def _resent(self, ss: ServerSession, msg_id: int) -> None:
        """A message with a msg_id this session already received (a client re-sending after
        a reconnect): the stored answer again, or, while the request still runs, nothing
        now (its answer goes to the session's current connection when done)."""
        answer = self._sessions.answers.get(ss.key, msg_id)
        if answer is not None:
            log.debug("%s: answering re-sent message %d again", self.name, msg_id)
            self.engine.stats["answers_resent"] += 1
            ss.send(answer)
        elif msg_id not in ss.running:
            log.debug("%s: dropping replayed message %d", self.name, msg_id)

    def _start(self, coro: Coroutine[Any, Any, None]) -> None:
        """Runs ``coro`` up to its first suspension now: most requests
        (``setBotCallbackAnswer``, ``getState``, ...) never suspend and are answered at once;
        a press suspends once, on its query's future, after its push to the bot. A coroutine
        waiting for a future is resumed from that future's done callback (what a task does,
        without a task per press: ``Engine.stop`` ends the parked ones); anything else it
        waits for gets a task."""
        self._step(coro, None)

    def _step(self, coro: Coroutine[Any, Any, None], _fut: Any) -> None:
        try:
            yielded = coro.send(None)
        except StopIteration:
            return
        except asyncio.CancelledError:
            return
        except Exception:
            log.exception("%s: unexpected error answering a request", self.name)
            return
        if isinstance(yielded, asyncio.Future) and yielded._asyncio_future_blocking:
            yielded._asyncio_future_blocking = False
            self.engine.park(coro, yielded, self._step)
        else:
            self.engine.spawn(_continue(coro, yielded))

    async def _answer(self, ctx: Context, obj: Any) -> None:
        ss = ctx.session
        faults = self.engine.faults
        ss.running.add(ctx.msg_id)
        try:
            try:
                name, body = await dispatcher.dispatch(ctx, obj, faults)
            finally:
                self.in_flight -= 1
            delay, withheld = faults.take(name)
            answers = self._sessions.answers
            if withheld:
                log.info("withholding the answer to %s", name)
                answers.put(ss.key, ctx.msg_id, body)
                return
            if delay:
                await asyncio.sleep(delay)
            answers.put(ss.key, ctx.msg_id, body)
            ss.send(body)
        finally:
            ss.running.discard(ctx.msg_id)

    def _arm_disconnect(self, delay: int) -> None:
        if self._disconnect is not None:
            self._disconnect.cancel()
            self._disconnect = None
        if delay > 0:
            loop = asyncio.get_running_loop()
            self._disconnect = loop.call_later(delay, self.close)
