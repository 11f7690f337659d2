"""An encrypted MTProto 2.0 session, sans-IO, for either role (protocol.md 3.2-3.3).

``pack(...)`` turns outgoing TL objects into one encrypted packet (a ``msg_container`` when
there are several, pending acks piggy-backed, large bodies gzipped) and tells which msg_id
each got; ``unpack(packet)`` checks an incoming packet against the session rules and returns
:mod:`.events` for the I/O layer. The session never sends by itself: anything it wants to
say (acks, pongs, bad_msg notifications) waits for the next ``pack`` or ``flush``.
"""

from __future__ import annotations

import logging
import struct
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from .. import crypto, tl
from ..errors import (
    InvalidInputError,
    MalformedMessageError,
    MessageRejectedError,
    MessageTimeError,
    MsgIdParityError,
    ReplayedMessageError,
    TLDecodeError,
    WrongSessionError,
)
from ..tl import types
from . import events as ev
from .framing import Role
from .messages import (
    CONTAINER_ID,
    GZIP_ID,
    MAX_CONTAINER,
    MSG_COPY_ID,
    RPC_RESULT_ID,
    Inner,
    Plain,
    constructor_id,
    decrypt,
    gunzip,
    pack_container,
    split_container,
)
from .msgid import Clock, MsgIds
from .random_pool import RandomPool
from .service import (
    BAD_MSG_NOTIFICATION,
    BAD_MSG_NOTIFICATION_ID,
    BAD_SERVER_SALT,
    BAD_SERVER_SALT_ID,
    DESTROY_SESSION_NONE_ID,
    DESTROY_SESSION_OK_ID,
    FUTURE_SALTS,
    FUTURE_SALTS_ID,
    HTTP_WAIT,
    MSG_DETAILED_INFO,
    MSG_NEW_DETAILED_INFO,
    MSG_RESEND_ANS_REQ,
    MSG_RESEND_REQ,
    MSGS_ACK,
    MSGS_ACK_ID,
    MSGS_ALL_INFO,
    MSGS_STATE_INFO_ID,
    MSGS_STATE_REQ,
    NEW_SESSION_CREATED,
    PING,
    PING_DELAY_DISCONNECT,
    PONG,
    PONG_ID,
    RPC_ERROR,
)

__all__ = ["Outgoing", "Packed", "Session", "rpc_error", "rpc_result"]

log = logging.getLogger(__name__)

#: Accepted msg_id age and lead (core.telegram.org/mtproto/description).
MAX_PAST = 300
MAX_FUTURE = 30
_MAX_ACKS = 8192

_CLOCK_FIXERS = {BAD_MSG_NOTIFICATION_ID, BAD_SERVER_SALT_ID}
# Never content-related (bad_msg 34 otherwise); bad_msg/bad_salt follow Telegram's usage.
_NOT_CONTENT = {
    MSGS_ACK_ID,
    CONTAINER_ID,
    GZIP_ID,
    MSG_COPY_ID,
    BAD_MSG_NOTIFICATION_ID,
    BAD_SERVER_SALT_ID,
}
# Server messages that answer a client message get msg_id = 1 mod 4, the rest 3 mod 4.
_RESPONSES = {
    RPC_RESULT_ID,
    BAD_MSG_NOTIFICATION_ID,
    BAD_SERVER_SALT_ID,
    PONG_ID,
    FUTURE_SALTS_ID,
    MSGS_STATE_INFO_ID,
    DESTROY_SESSION_OK_ID,
    DESTROY_SESSION_NONE_ID,
}


@dataclass(frozen=True)
class Outgoing:
    """A message to send with explicit flags (``None`` = derived from the constructor)."""

    body: Any  # TLObject or serialized bytes
    content_related: bool | None = None
    response: bool | None = None


class Packed(NamedTuple):
    """An encrypted packet; ``msg_ids[i]`` is the id given to the i-th body passed (a named
    tuple: one per packet sent, see :class:`~.messages.Plain`)."""

    packet: bytes
    msg_ids: tuple[int, ...]
    container_id: int | None = None
    #: The messages made of the bodies passed (id, seq_no, serialized body), for
    #: :meth:`Session.pack_again`.
    sent: tuple[Inner, ...] = ()


def rpc_result(req_msg_id: int, result: Any, *, gzip: bool = True) -> bytes:
    """``rpc_result`` (server role) with a large result gzipped inside, as Telegram does."""
    data = result if isinstance(result, bytes) else tl.dumps(result)
    if gzip:
        data = tl.gzip_packed(data)
    return struct.pack("<Iq", RPC_RESULT_ID, req_msg_id) + data


def rpc_error(req_msg_id: int, code: int, message: str) -> bytes:
    err = types.Rpc_error(error_code=code, error_message=message)
    return rpc_result(req_msg_id, err, gzip=False)


_DETAILED_INFO = frozenset((MSG_DETAILED_INFO, MSG_NEW_DETAILED_INFO))
# Requests a server may send that a client has no use for.
_IGNORED_FROM_SERVER = frozenset(
    (MSGS_STATE_REQ, MSG_RESEND_REQ, MSG_RESEND_ANS_REQ, MSGS_ALL_INFO)
)
_PINGS = frozenset((PING, PING_DELAY_DISCONNECT))
#: Everything a client handles as a service message (the rest is a pushed update).
_CLIENT_SERVICE = (
    frozenset(
        (PONG, MSGS_ACK, BAD_SERVER_SALT, BAD_MSG_NOTIFICATION, NEW_SESSION_CREATED, FUTURE_SALTS)
    )
    | _DETAILED_INFO
    | _IGNORED_FROM_SERVER
)

_unpack_id = struct.Struct("<I").unpack_from
_VECTOR_ID = 0x1CB5C415


def _msgs_ack(msg_ids: list[int]) -> bytes:
    """``msgs_ack{msg_ids}`` serialized directly (the same bytes as the TL codec's; the
    service message every client packet carries)."""
    return struct.pack(f"<IIi{len(msg_ids)}q", MSGS_ACK_ID, _VECTOR_ID, len(msg_ids), *msg_ids)


class _SeenIds:
    """Replay protection: the last ``size`` ids, and a floor below which all are refused."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._set: set[int] = set()
        self._order: deque[int] = deque()
        self._floor = 0

    def seen(self, msg_id: int) -> bool:
        return msg_id in self._set or msg_id <= self._floor

    def add(self, msg_id: int) -> None:
        self._set.add(msg_id)
        self._order.append(msg_id)
        if len(self._order) > self._size:
            old = self._order.popleft()
            self._set.discard(old)
            self._floor = max(self._floor, old)


class Session:
    """One MTProto session over one auth key.

    ``role`` is our side. A client session picks a random ``session_id``; a server session is
    created for the ``session_id`` a client used (see :func:`~.messages.decrypt`) and queues
    ``new_session_created`` before its first answer. ``time_synced=False`` (client) means
    the offset is unknown: the first message from the server sets it and the ±300/30 s window
    is enforced only from then on. ``accepted_salts`` (server) are valid besides ``salt``.
    """

    def __init__(
        self,
        auth_key: bytes,
        *,
        role: Role = "client",
        session_id: int | None = None,
        salt: int = 0,
        time_offset: float = 0.0,
        time_synced: bool = True,
        clock: Clock = time.time,
        random_bytes: Callable[[int], bytes] | None = None,
        schema: tl.Schema = tl.schema,
        gzip_threshold: int = tl.GZIP_THRESHOLD,
        replay_window: int = 4096,
    ) -> None:
        self.auth_key = bytes(auth_key)
        self.auth_key_id = crypto.auth_key_id(self.auth_key)
        self.role: Role = role
        self._peer: Role = "server" if role == "client" else "client"
        # Padding for every packet: from a pool unless the caller gives its own source.
        self._random = random_bytes = random_bytes or RandomPool()
        if session_id is None:
            session_id = int.from_bytes(random_bytes(8), "little", signed=True)
        self.session_id = session_id
        self.salt = salt
        self.accepted_salts: set[int] = set()
        self.msg_ids = MsgIds(role, clock=clock, time_offset=time_offset)
        self.time_synced = time_synced or role == "server"
        self.schema = schema
        self.gzip_threshold = gzip_threshold
        self._content_sent = 0  # n of the seq_no rule
        self._seen = _SeenIds(replay_window)
        self._pending_acks: list[int] = []
        self._outbox: list[Outgoing] = []
        self._containers: OrderedDict[int, tuple[tuple[int, ...], tuple[int, ...]]] = OrderedDict()
        self._announce_new_session = role == "server"

    # ================================================================== outgoing

    @property
    def pending_acks(self) -> tuple[int, ...]:
        return tuple(self._pending_acks)

    @property
    def needs_flush(self) -> bool:
        """Something other than acks is waiting (pong, bad_msg notification, ...)."""
        return bool(self._outbox)

    def _seq_no(self, content_related: bool) -> int:
        if content_related:
            self._content_sent += 1
            return self._content_sent * 2 - 1
        return self._content_sent * 2

    def _serialize(self, item: Any) -> tuple[bytes, bool, bool]:
        content_related = response = None
        body = item
        if isinstance(item, Outgoing):
            body, content_related, response = item.body, item.content_related, item.response
        if type(body) is bytes:
            data = body
        elif isinstance(body, (bytes, bytearray)):
            data = bytes(body)
        else:
            data = tl.dumps(body)
        cid = _unpack_id(data, 0)[0] if len(data) >= 4 else -1
        content = cid not in _NOT_CONTENT if content_related is None else content_related
        response = cid in _RESPONSES if response is None else response
        if content and cid != RPC_RESULT_ID and len(data) >= self.gzip_threshold:
            data = tl.gzip_packed(data, threshold=self.gzip_threshold)
        return data, content, response

    def pack(self, *bodies: Any) -> Packed:
        """Encrypts ``bodies`` (TL objects, serialized bytes or :class:`Outgoing`) with any
        queued service messages and pending acks: one message alone, else a container."""
        acks = self._pending_acks
        self._pending_acks = []
        ack_messages = [
            _msgs_ack(acks[start : start + _MAX_ACKS]) for start in range(0, len(acks), _MAX_ACKS)
        ]
        if len(bodies) + len(ack_messages) > MAX_CONTAINER:
            self._pending_acks = acks
            raise InvalidInputError(
                f"{len(bodies) + len(ack_messages)} messages exceed a container's {MAX_CONTAINER}"
            )
        # Queued service messages fill the room left; the rest wait for the next pack
        # (``needs_flush`` stays true), so a flood of pings cannot overflow a container.
        room = MAX_CONTAINER - len(bodies) - len(ack_messages)
        outbox = self._outbox
        if len(outbox) <= room:  # the usual case: all of it, no copies
            self._outbox = []
        else:
            outbox, self._outbox = outbox[:room], outbox[room:]
        queued: list[Any] = [*outbox, *bodies, *ack_messages]
        if not queued:
            raise InvalidInputError("nothing to pack")
        messages: list[Inner] = []
        content_ids: list[int] = []
        any_response = False
        for item in queued:
            data, content, response = self._serialize(item)
            msg_id = self.msg_ids.next(response=response)
            messages.append(Inner(msg_id, self._seq_no(content), data))
            any_response |= response
            if content:
                content_ids.append(msg_id)
        sent = tuple(messages[len(outbox) : len(outbox) + len(bodies)])
        given = tuple(m.msg_id for m in sent)
        if len(messages) == 1:
            only = messages[0]
            return Packed(self._encrypt(only.msg_id, only.seq_no, only.body), given, None, sent)
        # The container's id comes last: it must be greater than those it holds.
        container_id = self.msg_ids.next(response=any_response)
        self._remember_container(container_id, tuple(content_ids), tuple(acks))
        packet = self._encrypt(container_id, self._seq_no(False), pack_container(messages))
        return Packed(packet, given, container_id, sent)

    def pack_again(self, sent: Sequence[Inner]) -> Packed:
        """Re-sends messages that may already have reached the peer, keeping their msg_id and
        seq_no (MTProto's rule for a re-sent message, so the server runs each id once), in a
        new container together with queued service messages and pending acks. Used after a
        reconnect for requests that must not run twice."""
        if not sent:
            raise InvalidInputError("nothing to re-send")
        outbox = self._outbox
        self._outbox = []
        acks = self._pending_acks
        self._pending_acks = []
        extra: list[Any] = list(outbox)
        for start in range(0, len(acks), _MAX_ACKS):
            extra.append(_msgs_ack(acks[start : start + _MAX_ACKS]))
        if len(sent) + len(extra) > MAX_CONTAINER:
            raise InvalidInputError("too many messages to re-send in one container")
        messages = list(sent)
        for item in extra:
            data, content, response = self._serialize(item)
            messages.append(
                Inner(self.msg_ids.next(response=response), self._seq_no(content), data)
            )
        container_id = self.msg_ids.next()
        content_ids = tuple(m.msg_id for m in sent if m.seq_no % 2)
        self._remember_container(container_id, content_ids, tuple(acks))
        packet = self._encrypt(container_id, self._seq_no(False), pack_container(messages))
        return Packed(packet, tuple(m.msg_id for m in sent), container_id, tuple(sent))

    def flush(self) -> Packed | None:
        """Packs only what the session queued itself (acks, pongs, notifications)."""
        if not self._outbox and not self._pending_acks:
            return None
        return self.pack()

    def _remember_container(
        self, container_id: int, content_ids: tuple[int, ...], acks: tuple[int, ...]
    ) -> None:
        self._containers[container_id] = (content_ids, acks)
        while len(self._containers) > 256:
            self._containers.popitem(last=False)

    def _encrypt(self, msg_id: int, seq_no: int, body: bytes) -> bytes:
        header = struct.pack("<qqqii", self.salt, self.session_id, msg_id, seq_no, len(body))
        payload = header + body
        padding = self._random(12 + (-(len(payload) + 12) % 16))
        return crypto.encrypt_message(self.auth_key, payload, sender=self.role, padding=padding)

    # ================================================================== incoming

    def unpack(self, packet: bytes) -> list[ev.Event]:
        """Decrypts and handles one packet. Raises ``MessageSecurityError`` (a subclass says
        which rule failed) when the whole packet must be dropped."""
        return self.receive(decrypt(self.auth_key, packet, sender=self._peer))

    def receive(self, plain: Plain) -> list[ev.Event]:
        """Handles a packet already decrypted with :func:`~.messages.decrypt` (the server
        decrypts first to find the session)."""
        msg_id = plain.msg_id
        if plain.session_id != self.session_id:
            raise WrongSessionError(f"session_id {plain.session_id} is not ours", msg_id)
        out: list[ev.Event] = []
        if self.role == "server":
            rejected = self._server_checks(plain)
            if rejected is not None:
                return [rejected]
            if self._announce_new_session:
                self._announce_new_session = False
                out.append(self._new_session(msg_id))
        else:
            self._client_checks(plain)
        self._seen.add(msg_id)
        self._maybe_ack(msg_id, plain.seq_no)
        self._dispatch(msg_id, plain.seq_no, plain.body, out, nested=False)
        return out

    def _client_checks(self, plain: Plain) -> None:
        msg_id = plain.msg_id
        if msg_id % 2 != 1:
            raise MsgIdParityError(f"server msg_id {msg_id} is even", msg_id)
        if self._seen.seen(msg_id):
            raise ReplayedMessageError(f"msg_id {msg_id} was already received", msg_id)
        if not self.time_synced:
            self.msg_ids.sync(msg_id / 2**32)
            self.time_synced = True
            return
        if constructor_id(plain.body) in _CLOCK_FIXERS:
            return  # these exist to fix our clock; they may well look out of window
        self._check_window(msg_id)

    def _check_window(self, msg_id: int) -> None:
        delta = msg_id / 2**32 - self.msg_ids.now()
        if delta < -MAX_PAST:
            raise MessageTimeError(f"msg_id {msg_id} is {-delta:.0f} s in the past", msg_id)
        if delta > MAX_FUTURE:
            raise MessageTimeError(f"msg_id {msg_id} is {delta:.0f} s in the future", msg_id)

    def _server_checks(self, plain: Plain) -> ev.Event | None:
        """Rule failures a server answers with a notification instead of dropping."""
        msg_id = plain.msg_id
        if self._seen.seen(msg_id):
            raise ReplayedMessageError(f"msg_id {msg_id} was already received", msg_id)
        code = 0
        if msg_id % 4:
            code = 18
        else:
            try:
                self._check_window(msg_id)
            except MessageTimeError:
                code = 16 if msg_id / 2**32 < self.msg_ids.now() else 17
        if code:
            self._queue_bad_msg(msg_id, plain.seq_no, code)
            return ev.BadMessage((msg_id,), code)
        if plain.salt != self.salt and plain.salt not in self.accepted_salts:
            self._seen.add(msg_id)
            self._queue_bad_msg(msg_id, plain.seq_no, 48)
            return ev.BadMessage((msg_id,), 48)
        return None

    def _seq_no_wrong(self, msg_id: int, seq_no: int, content: bool, out: list[ev.Event]) -> bool:
        """Server: a content-related message needs an odd seq_no (else bad_msg 35), any other
        an even one (else 34); the notification is queued and the message dropped."""
        if bool(seq_no % 2) == content:
            return False
        code = 35 if content else 34
        self._queue_bad_msg(msg_id, seq_no, code)
        out.append(ev.BadMessage((msg_id,), code))
        return True

    def _queue_bad_msg(self, msg_id: int, seq_no: int, code: int) -> None:
        notice: types.Bad_server_salt | types.Bad_msg_notification
        if code == 48:
            notice = types.Bad_server_salt(
                bad_msg_id=msg_id, bad_msg_seqno=seq_no, error_code=code, new_server_salt=self.salt
            )
        else:
            notice = types.Bad_msg_notification(
                bad_msg_id=msg_id, bad_msg_seqno=seq_no, error_code=code
            )
        self._outbox.append(Outgoing(notice))

    def _new_session(self, first_msg_id: int) -> ev.NewSession:
        unique_id = int.from_bytes(self._random(8), "little", signed=True)
        created = types.New_session_created(
            first_msg_id=first_msg_id, unique_id=unique_id, server_salt=self.salt
        )
        self._outbox.append(Outgoing(created))
        return ev.NewSession(first_msg_id, unique_id, self.salt)

    def _maybe_ack(self, msg_id: int, seq_no: int) -> None:
        # The server's answers acknowledge requests implicitly; clients ack everything
        # content-related (odd seq_no).
        if self.role == "client" and seq_no % 2 == 1:
            self._pending_acks.append(msg_id)

    def _dispatch(
        self,
        msg_id: int,
        seq_no: int,
        body: bytes,
        out: list[ev.Event],
        *,
        nested: bool,
        inflated: int = 0,
    ) -> None:
        """Handles one message; ``inflated``: bytes its enclosing gzip_packed already took
        of the message's decode budget."""
        left = max(tl.DECODE_MAX_INFLATED - inflated, 0)
        cid = constructor_id(body)
        if cid == CONTAINER_ID:
            if nested:
                err = MalformedMessageError("container inside a container", msg_id)
                out.append(ev.SkippedMessage(msg_id, err))
                return
            if self.role == "server" and self._seq_no_wrong(msg_id, seq_no, False, out):
                return
            self._unpack_container(msg_id, body, out)
            return
        if cid == GZIP_ID:
            try:
                body = gunzip(body, left)
            except TLDecodeError as exc:
                out.append(ev.SkippedMessage(msg_id, exc))
                return
            inflated += len(body)
            self._dispatch(msg_id, seq_no, body, out, nested=nested, inflated=inflated)
            return
        if cid == RPC_RESULT_ID and len(body) >= 12:
            self._rpc_result(body, out, left)
            return
        try:
            obj = self.schema.loads(body, max_inflated=left)
        except TLDecodeError as exc:
            pushed = self._pushed_container(body) if self.role == "client" else None
            if pushed is not None:
                out.append(ev.UndecodableUpdate(msg_id, pushed, exc, self.schema.layer))
            else:
                log.debug("skipping message %d: %s", msg_id, exc)
                out.append(ev.SkippedMessage(msg_id, exc))
            return
        if self.role == "client":
            self._client_service(msg_id, obj, out)
        else:
            self._server_service(msg_id, seq_no, obj, out)

    def _unpack_container(self, container_id: int, body: bytes, out: list[ev.Event]) -> None:
        try:
            inner = list(split_container(body))
        except MalformedMessageError as exc:
            exc.msg_id = container_id
            if self.role == "server":
                notice = types.Bad_msg_notification(
                    bad_msg_id=container_id, bad_msg_seqno=0, error_code=64
                )
                self._outbox.append(Outgoing(notice))
                out.append(ev.BadMessage((container_id,), 64))
                return
            raise
        for m in inner:
            problem: MessageRejectedError | None = None
            if self._seen.seen(m.msg_id):
                problem = ReplayedMessageError(f"msg_id {m.msg_id} was already received")
            elif (self.role == "client") != (m.msg_id % 2 == 1) or (
                self.role == "server" and m.msg_id % 4
            ):
                problem = MsgIdParityError(f"msg_id {m.msg_id} has the wrong parity")
            elif m.msg_id >= container_id and self.role == "server":
                problem = MalformedMessageError("inner msg_id not below the container's")
            if problem is not None:
                problem.msg_id = m.msg_id
                out.append(ev.SkippedMessage(m.msg_id, problem))
                continue
            self._seen.add(m.msg_id)
            self._maybe_ack(m.msg_id, m.seq_no)
            self._dispatch(m.msg_id, m.seq_no, m.body, out, nested=True)

    def _pushed_container(self, body: bytes) -> str | None:
        """The name of an undecodable message's outer constructor when it is one the schema
        knows and not a service message: an update push (``updates``, ...) whose inside
        failed. ``None`` for an unknown outer constructor: nothing is known of it, it is
        skipped alone."""
        name = self.schema.name_of_id(constructor_id(body))
        if name is None or name in _CLIENT_SERVICE:
            return None
        return name

    def _rpc_result(self, body: bytes, out: list[ev.Event], max_inflated: int) -> None:
        # The request id is read by hand so a result that will not decode still finds
        # its request.
        (req_msg_id,) = struct.unpack_from("<q", body, 4)
        try:
            result = self.schema.loads(body[12:], max_inflated=max_inflated)
        except TLDecodeError as exc:
            # The request fails with this error: its caller is told, no log needed here.
            log.debug("undecodable result for request %d: %s", req_msg_id, exc)
            out.append(ev.RpcDecodeError(req_msg_id, exc))
            return
        if getattr(result, "_tl_name", None) == RPC_ERROR:
            out.append(ev.RpcError(req_msg_id, result.error_code, result.error_message))
        else:
            out.append(ev.RpcResult(req_msg_id, result))

    def _resend_ids(self, bad_msg_id: int) -> tuple[int, ...]:
        """The requests behind ``bad_msg_id`` (a container stands for its contents; the acks
        it carried go back to the pending list)."""
        entry = self._containers.pop(bad_msg_id, None)
        if entry is None:
            return (bad_msg_id,)
        content_ids, acks = entry
        self._pending_acks[:0] = acks
        return content_ids

    def _client_service(self, msg_id: int, obj: Any, out: list[ev.Event]) -> None:
        name = getattr(obj, "_tl_name", "")
        if name == PONG:
            out.append(ev.Pong(obj.msg_id, obj.ping_id))
        elif name == MSGS_ACK:
            out.append(ev.Acked(tuple(obj.msg_ids)))
        elif name == BAD_SERVER_SALT:
            self.salt = obj.new_server_salt
            out.append(ev.ResendRequest(self._resend_ids(obj.bad_msg_id), 48))
        elif name == BAD_MSG_NOTIFICATION:
            self._bad_msg(msg_id, obj, out)
        elif name == NEW_SESSION_CREATED:
            self.salt = obj.server_salt
            out.append(ev.NewSession(obj.first_msg_id, obj.unique_id, obj.server_salt))
        elif name == FUTURE_SALTS:
            out.append(ev.RpcResult(obj.req_msg_id, obj))
        elif name in _DETAILED_INFO:
            self._pending_acks.append(obj.answer_msg_id)  # the server asks for this ack
        elif name in _IGNORED_FROM_SERVER:
            log.debug("ignoring %s from the server", name)
        else:
            out.append(ev.Update(msg_id, obj))

    def _bad_msg(self, msg_id: int, obj: Any, out: list[ev.Event]) -> None:
        code = int(obj.error_code)
        ids = self._resend_ids(obj.bad_msg_id)
        if code in (16, 17):
            # The notification's own id carries the server's clock.
            self.msg_ids.sync(msg_id / 2**32, restart=True)
            self.time_synced = True
        elif code == 32:
            self._content_sent += 64  # Telethon's correction for "seq_no too low"
        elif code == 33:
            self._content_sent = max(0, self._content_sent - 16)
        else:
            out.append(ev.BadMessage(ids, code))
            return
        out.append(ev.ResendRequest(ids, code))

    def _server_service(self, msg_id: int, seq_no: int, obj: Any, out: list[ev.Event]) -> None:
        # seq_no parity (protocol.md 3.3): msgs_ack never content-related, every request
        # always; pings and http_wait are accepted either way (clients disagree on them).
        name = getattr(obj, "_tl_name", "")
        if name == MSGS_ACK:
            if self._seq_no_wrong(msg_id, seq_no, False, out):
                return
            out.append(ev.Acked(tuple(obj.msg_ids)))
        elif name in _PINGS:
            self._outbox.append(Outgoing(types.Pong(msg_id=msg_id, ping_id=obj.ping_id)))
            out.append(ev.Ping(msg_id, obj.ping_id, getattr(obj, "disconnect_delay", None)))
        elif name == HTTP_WAIT:
            log.debug("ignoring http_wait")
        elif not self._seq_no_wrong(msg_id, seq_no, True, out):
            out.append(ev.Request(msg_id, obj))
