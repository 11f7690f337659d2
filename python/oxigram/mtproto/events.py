"""What a :class:`~oxigram.mtproto.session.Session` reports after reading a packet.

The I/O layer (``network/`` for the client, ``server/`` for the local DC) consumes these;
each says what happened and, where the session cannot do it alone, what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

from ..errors import TLDecodeError, UnknownConstructorError

__all__ = [
    "Acked",
    "BadMessage",
    "Event",
    "NewSession",
    "Ping",
    "Pong",
    "Request",
    "ResendRequest",
    "RpcDecodeError",
    "RpcError",
    "RpcResult",
    "SkippedMessage",
    "UndecodableUpdate",
    "Update",
]


@dataclass(frozen=True)
class RpcResult:
    """The answer to our request ``req_msg_id`` (``future_salts`` comes this way too)."""

    req_msg_id: int
    result: Any


@dataclass(frozen=True)
class RpcError:
    """``rpc_error`` for our request ``req_msg_id``: map it to an exception."""

    req_msg_id: int
    code: int
    message: str


@dataclass(frozen=True)
class RpcDecodeError:
    """The result of ``req_msg_id`` arrived but cannot be decoded (e.g. a constructor of
    another layer): fail that request with ``error``; other requests are unaffected."""

    req_msg_id: int
    error: Exception


@dataclass(frozen=True)
class Update:
    """Anything the server pushed that is not a service message (``updates``, ...)."""

    msg_id: int
    obj: Any


@dataclass(frozen=True)
class UndecodableUpdate:
    """Client role: the server pushed a ``container`` (the name of the message's outer
    constructor, e.g. ``updates``) that does not decode with the loaded schema, ``layer``:
    something inside it is unknown (a newer layer) or broken. TL cannot skip a value of
    unknown size, so everything in the message is lost; whether that is a gap to recover
    with ``updates.getDifference`` is the update machine's call."""

    msg_id: int
    container: str
    error: TLDecodeError
    layer: int

    @property
    def constructor_id(self) -> int:
        """The unknown constructor (-1 when the data is broken in another way)."""
        error = self.error
        return error.constructor_id if isinstance(error, UnknownConstructorError) else -1

    @property
    def offset(self) -> int:
        """Where the unknown constructor is in the message (-1 as above)."""
        error = self.error
        return error.offset if isinstance(error, UnknownConstructorError) else -1


@dataclass(frozen=True)
class Pong:
    """The answer to ``ping``/``ping_delay_disconnect`` sent as ``req_msg_id``."""

    req_msg_id: int
    ping_id: int


@dataclass(frozen=True)
class Acked:
    """The peer acknowledged these msg_ids (``msgs_ack``)."""

    msg_ids: tuple[int, ...]


@dataclass(frozen=True)
class ResendRequest:
    """Send these requests again, as new messages (new msg_ids): the server rejected them
    for a reason the session already fixed (``reason``: 48 salt adopted, 16/17 clock synced,
    32/33 seq_no moved)."""

    msg_ids: tuple[int, ...]
    reason: int


@dataclass(frozen=True)
class BadMessage:
    """Client role: the server rejected ``msg_ids`` with bad_msg_notification ``code``; fail
    those requests. Server role: a client message was rejected and the notification is queued
    (send it with :meth:`Session.flush`)."""

    msg_ids: tuple[int, ...]
    code: int


@dataclass(frozen=True)
class NewSession:
    """Client role: the server started a new session (its salt is adopted; updates may have
    been lost, so fetch the difference). Server role: ``new_session_created`` is queued."""

    first_msg_id: int
    unique_id: int
    server_salt: int


@dataclass(frozen=True)
class SkippedMessage:
    """One message could not be used and was dropped, the others were kept: an unknown
    outer constructor, a service message that does not decode, a nested container, a
    duplicate inside a container, bad gzip (an update push that does not decode is an
    :class:`UndecodableUpdate`)."""

    msg_id: int
    error: Exception


@dataclass(frozen=True)
class Request:
    """Server role: a client request to answer with ``rpc_result(msg_id, ...)``."""

    msg_id: int
    obj: Any


@dataclass(frozen=True)
class Ping:
    """Server role: a ping whose ``pong`` is already queued; with ``disconnect_delay``
    (``ping_delay_disconnect``) close the connection after that many seconds of silence."""

    msg_id: int
    ping_id: int
    disconnect_delay: int | None = None


Event: TypeAlias = (
    RpcResult
    | RpcError
    | RpcDecodeError
    | Update
    | UndecodableUpdate
    | Pong
    | Acked
    | ResendRequest
    | BadMessage
    | NewSession
    | SkippedMessage
    | Request
    | Ping
)
