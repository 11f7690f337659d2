"""Transports: the four framings, obfuscated2, and server-side detection from the first bytes.

Client: ``t = client_transport("intermediate")``, then ``t.pack(packet)`` for each outgoing
MTProto packet (the tag or obfuscated2 header goes out with the first one) and
``t.receive(data)`` (or ``t.feed(data)`` + ``for p in t``) for incoming bytes. Server:
``accept_transport(first_bytes)`` returns ``None`` until it has seen enough bytes, then a
server-role transport that has consumed them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from ..errors import InvalidInputError, MalformedFrameError
from .ctr import DEFAULT_CIPHER, CipherFactory, CtrCipher
from .framing import (
    MAX_FRAME,
    Abridged,
    Frame,
    Framing,
    Full,
    Intermediate,
    Packet,
    PaddedIntermediate,
    QuickAck,
    Role,
    TransportKind,
)
from .obfuscated2 import HEADER_SIZE, Obfuscated2

__all__ = [
    "DEFAULT_CIPHER",
    "MAX_FRAME",
    "Abridged",
    "CipherFactory",
    "CtrCipher",
    "Frame",
    "Framing",
    "Full",
    "Intermediate",
    "Obfuscated2",
    "Packet",
    "PaddedIntermediate",
    "QuickAck",
    "Transport",
    "TransportKind",
    "accept_transport",
    "client_transport",
    "detect_transport",
]

_FRAMINGS: dict[TransportKind, type[Framing]] = {
    TransportKind.ABRIDGED: Abridged,
    TransportKind.INTERMEDIATE: Intermediate,
    TransportKind.PADDED_INTERMEDIATE: PaddedIntermediate,
    TransportKind.FULL: Full,
}
_PLAIN_PROBES = (b"HEAD", b"POST", b"GET ", b"OPTI")


class Transport(Protocol):
    """What the I/O layer uses: :class:`Framing` subclasses and :class:`Obfuscated2`."""

    @property
    def kind(self) -> TransportKind: ...
    @property
    def role(self) -> Role: ...
    @property
    def buffered(self) -> int: ...

    max_plain: int | None

    def pack(self, payload: bytes, *, quick_ack: bool = False) -> bytes: ...
    def pack_error(self, code: int) -> bytes: ...
    def pack_quick_ack(self, token: int) -> bytes: ...
    def feed(self, data: bytes) -> None: ...
    def __iter__(self) -> Iterator[Packet]: ...
    def receive(self, data: bytes) -> list[Packet]: ...


def client_transport(
    kind: TransportKind | str,
    *,
    obfuscated_inner: TransportKind | str = TransportKind.ABRIDGED,
    max_frame: int = MAX_FRAME,
    cipher: CipherFactory = DEFAULT_CIPHER,
) -> Transport:
    """A client-role transport by name (``"obfuscated2"`` wraps ``obfuscated_inner``)."""
    kind = _check_kind(kind)
    if kind is TransportKind.OBFUSCATED2:
        return Obfuscated2.client(obfuscated_inner, max_frame=max_frame, cipher=cipher)
    return _FRAMINGS[kind]("client", max_frame=max_frame)


def detect_transport(
    first_bytes: bytes, *, cipher: CipherFactory = DEFAULT_CIPHER, secret: bytes | None = None
) -> TransportKind | None:
    """The transport a client speaks, from the first bytes it sent; ``None`` while more
    bytes are needed (at most 64). ``MalformedFrameError`` for anything else (HTTP, TLS,
    an obfuscated2 header with an unknown tag)."""
    data = bytes(first_bytes)
    if not data:
        return None
    if data[0] == 0xEF:
        return TransportKind.ABRIDGED
    for marker, kind in (
        (b"\xee" * 4, TransportKind.INTERMEDIATE),
        (b"\xdd" * 4, TransportKind.PADDED_INTERMEDIATE),
    ):
        if data[:4] == marker:
            return kind
    if len(data) < 8:
        return None
    if data[:4] in _PLAIN_PROBES:
        raise MalformedFrameError(f"not an MTProto transport (starts with {data[:4]!r})")
    # obfuscated2 headers never have a zero second word; full's seq 0 is one.
    if data[4:8] == bytes(4):
        return TransportKind.FULL
    if len(data) < HEADER_SIZE:
        return None
    Obfuscated2.server(data[:HEADER_SIZE], cipher=cipher, secret=secret)  # checks the tag
    return TransportKind.OBFUSCATED2


def accept_transport(
    first_bytes: bytes,
    *,
    max_frame: int = MAX_FRAME,
    cipher: CipherFactory = DEFAULT_CIPHER,
    secret: bytes | None = None,
) -> Transport | None:
    """The server-role transport for a connection that began with ``first_bytes``, which it
    has consumed (complete packets are ready to iterate); ``None`` while more are needed."""
    data = bytes(first_bytes)
    kind = detect_transport(data, cipher=cipher, secret=secret)
    if kind is None:
        return None
    transport: Transport
    if kind is TransportKind.OBFUSCATED2:
        transport = Obfuscated2.server(
            data[:HEADER_SIZE], cipher=cipher, secret=secret, max_frame=max_frame
        )
        rest = data[HEADER_SIZE:]
    else:
        framing = _FRAMINGS[kind]
        transport = framing("server", max_frame=max_frame)
        rest = data[len(framing.tag) :]
    transport.feed(rest)
    return transport


def _check_kind(kind: str) -> TransportKind:
    try:
        return TransportKind(kind)
    except ValueError:
        raise InvalidInputError(f"unknown transport {kind!r}") from None
