"""MTProto message plumbing below the session rules: decrypting a packet into its header
fields, containers, gzip_packed, and the constructor ids the session looks at."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from typing import NamedTuple

from .. import crypto, tl
from ..errors import LimitExceededError, MalformedMessageError, TLDecodeError
from .framing import Role

__all__ = [
    "CONTAINER_ID",
    "GZIP_ID",
    "MAX_CONTAINER",
    "Inner",
    "Plain",
    "constructor_id",
    "decrypt",
    "gunzip",
    "pack_container",
    "peek_auth_key_id",
    "split_container",
]

CONTAINER_ID = 0x73F1F8DC
GZIP_ID = 0x3072CFA1
RPC_RESULT_ID = 0xF35C6D01
MSG_COPY_ID = 0xE06046B2
#: core.telegram.org/mtproto/service_messages: at most 1024 messages per container.
MAX_CONTAINER = 1024
#: Bound on what a message's gzip_packed may expand to (the TL decode budget's).
MAX_GUNZIP = tl.DECODE_MAX_INFLATED


class Plain(NamedTuple):
    """A decrypted message: its header fields and body (padding removed). A named tuple,
    not a frozen dataclass: made for every packet, and a tuple is built ~4x faster."""

    salt: int
    session_id: int
    msg_id: int
    seq_no: int
    body: bytes


class Inner(NamedTuple):
    """One message of a container (a named tuple, like :class:`Plain`)."""

    msg_id: int
    seq_no: int
    body: bytes


def constructor_id(body: bytes) -> int:
    return struct.unpack_from("<I", body)[0] if len(body) >= 4 else -1


def peek_auth_key_id(packet: bytes) -> bytes:
    """The first 8 bytes: zero for an unencrypted (handshake) message, else the key's id."""
    return bytes(packet[:8])


def decrypt(auth_key: bytes, packet: bytes, *, sender: Role) -> Plain:
    """Decrypts and checks one packet sent by ``sender`` (``MessageSecurityError``).

    Up to 15 trailing bytes beyond ``24 + 16k`` are dropped first, as tdlib does: padded
    intermediate adds them and cannot tell them apart from the payload.
    """
    extra = (len(packet) - 24) % 16 if len(packet) > 24 else 0
    payload = crypto.decrypt_message(
        auth_key, packet[: len(packet) - extra] if extra else packet, sender=sender
    )
    salt, session_id, msg_id, seq_no, length = struct.unpack_from("<qqqii", payload)
    return Plain(salt, session_id, msg_id, seq_no, bytes(payload[32 : 32 + length]))


def split_container(body: bytes) -> Iterator[Inner]:
    """The messages of a ``msg_container`` body. Each carries its own length, so a message
    that will not decode does not hide the others; a broken structure (count above 1024,
    a length past the end, trailing bytes) raises ``MalformedMessageError``."""
    if len(body) < 8:
        raise MalformedMessageError("container too short")
    (count,) = struct.unpack_from("<i", body, 4)
    if not 0 <= count <= MAX_CONTAINER:
        raise MalformedMessageError(f"container of {count} messages (limit {MAX_CONTAINER})")
    pos = 8
    items = []
    for _ in range(count):
        if pos + 16 > len(body):
            raise MalformedMessageError("container ends inside a message header")
        msg_id, seq_no, length = struct.unpack_from("<qii", body, pos)
        pos += 16
        if length < 0 or length % 4 or pos + length > len(body):
            raise MalformedMessageError(f"container message length {length} does not fit")
        items.append(Inner(msg_id, seq_no, bytes(body[pos : pos + length])))
        pos += length
    if pos != len(body):
        raise MalformedMessageError(f"{len(body) - pos} bytes after the container's messages")
    return iter(items)


def pack_container(messages: list[Inner]) -> bytes:
    out = [struct.pack("<Ii", CONTAINER_ID, len(messages))]
    for m in messages:
        out.append(struct.pack("<qii", m.msg_id, m.seq_no, len(m.body)))
        out.append(m.body)
    return b"".join(out)


def gunzip(body: bytes, limit: int = MAX_GUNZIP) -> bytes:
    """The payload of a ``gzip_packed`` body: ``TLDecodeError`` when broken,
    ``LimitExceededError`` when it expands beyond ``limit`` bytes (what is left of the
    message's decode budget)."""
    if len(body) < 8:
        raise TLDecodeError("gzip_packed too short")
    first = body[4]
    if first < 254:
        length, start = first, 5
    else:
        length, start = int.from_bytes(body[5:8], "little"), 8
    if start + length > len(body):
        raise TLDecodeError("gzip_packed length past the end")
    inflater = zlib.decompressobj(wbits=47)  # gzip or zlib header, as Telegram may use either
    try:
        data = inflater.decompress(body[start : start + length], limit + 1)
    except zlib.error as exc:
        raise TLDecodeError(f"bad gzip data: {exc}") from None
    if len(data) > limit:
        raise LimitExceededError(f"gzip_packed expands beyond {limit} bytes")
    return data
