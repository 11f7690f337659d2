"""Transport framings: abridged, intermediate, padded intermediate and full.

Each :class:`Framing` is both directions of one connection for one role. ``pack`` frames an
outgoing MTProto packet (a client's first frame carries the transport tag); ``feed`` buffers
incoming bytes and iterating yields every complete packet. Incoming payloads shorter than a
message (24 bytes) are transport signals, not messages: a negative int32 raises
:class:`~oxigram.errors.TransportError`, ``-1`` + token is a quick ack, ``0`` is a no-op.
"""

from __future__ import annotations

import enum
import os
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar, Literal, TypeAlias

from ..errors import FrameTooLargeError, InvalidInputError, MalformedFrameError, TransportError

__all__ = [
    "MAX_FRAME",
    "Abridged",
    "Frame",
    "Framing",
    "Full",
    "Intermediate",
    "Packet",
    "PaddedIntermediate",
    "QuickAck",
    "Role",
    "TransportKind",
]

Role: TypeAlias = Literal["client", "server"]

#: Default bound on one frame's payload: above it the peer is broken or hostile.
MAX_FRAME = 16 * 1024 * 1024

# The smallest MTProto message (unencrypted header 20 bytes + a 4-byte body); anything
# shorter is a transport signal (tdlib reads payloads < 12 bytes so, padding needs more).
_MIN_MESSAGE = 24
_QUICK_ACK_PREFIX = b"\xff\xff\xff\xff"


class TransportKind(str, enum.Enum):
    ABRIDGED = "abridged"
    INTERMEDIATE = "intermediate"
    PADDED_INTERMEDIATE = "padded_intermediate"
    FULL = "full"
    OBFUSCATED2 = "obfuscated2"


@dataclass(frozen=True)
class Frame:
    """One MTProto packet. ``quick_ack`` is set (server role) when the client asked for one."""

    payload: bytes
    quick_ack: bool = False


@dataclass(frozen=True)
class QuickAck:
    """A quick acknowledgement from the server (client role): the token with bit 31 set."""

    token: int


Packet: TypeAlias = Frame | QuickAck


class Framing:
    """Base of the four framings; subclasses define ``_frame`` and ``_parse``."""

    kind: ClassVar[TransportKind]
    #: Sent once, before the client's first frame (not under obfuscated2).
    tag: ClassVar[bytes] = b""

    def __init__(
        self, role: Role = "client", *, max_frame: int = MAX_FRAME, send_tag: bool | None = None
    ) -> None:
        if role not in ("client", "server"):
            raise InvalidInputError(f"role must be 'client' or 'server', not {role!r}")
        self.role: Role = role
        self.max_frame = max_frame
        #: Bound on an unencrypted frame (payload starting with auth_key_id 0: a handshake
        #: message), or None; checked once those 8 bytes are in, before the rest arrives.
        self.max_plain: int | None = None
        self._buf = bytearray()
        self._tag_pending = role == "client" if send_tag is None else send_tag

    # ------------------------------------------------------------------------- sending

    def pack(self, payload: bytes, *, quick_ack: bool = False) -> bytes:
        """Frames one packet; ``quick_ack`` asks the server for a quick ack (client role)."""
        out = self._frame(bytes(payload), quick_ack)
        if self._tag_pending:
            self._tag_pending = False
            return self.tag + out
        return out

    def pack_error(self, code: int) -> bytes:
        """A transport error packet (server role): ``code`` 404 is sent as int32 -404."""
        return self.pack(struct.pack("<i", -abs(code)))

    def pack_quick_ack(self, token: int) -> bytes:
        """The quick ack for ``token`` (server role); tdlib's ``-1`` + token form by default."""
        return self.pack(_QUICK_ACK_PREFIX + struct.pack("<I", token | 0x80000000))

    def _frame(self, payload: bytes, quick_ack: bool) -> bytes:
        raise NotImplementedError

    # ----------------------------------------------------------------------- receiving

    def feed(self, data: bytes) -> None:
        self._buf += data

    def __iter__(self) -> Iterator[Packet]:
        """Yields each complete packet buffered so far (and consumes it)."""
        while True:
            packet = self._parse()
            if packet is None:
                return
            if isinstance(packet, Frame) and len(packet.payload) < _MIN_MESSAGE:
                signal = self._signal(packet.payload)
                if signal is not None:
                    yield signal
                continue
            yield packet

    def receive(self, data: bytes) -> list[Packet]:
        """``feed(data)`` and every packet that became complete."""
        self.feed(data)
        return list(self)

    @property
    def buffered(self) -> int:
        """Bytes received but not yet part of a complete frame."""
        return len(self._buf)

    def _parse(self) -> Packet | None:
        raise NotImplementedError

    def _check_size(self, length: int) -> None:
        if length > self.max_frame:
            raise FrameTooLargeError(
                f"{self.kind.value} frame of {length} bytes exceeds the {self.max_frame} limit"
            )

    def _check_plain(self, start: int, length: int) -> None:
        limit = self.max_plain
        if limit is None or length <= limit or len(self._buf) < start + 8:
            return
        if not any(self._buf[start : start + 8]):
            raise FrameTooLargeError(
                f"unencrypted frame of {length} bytes exceeds the {limit} limit"
            )

    def _take(self, start: int, end: int, consumed: int | None = None) -> bytes:
        payload = bytes(self._buf[start:end])
        del self._buf[: end if consumed is None else consumed]
        return payload

    def _signal(self, payload: bytes) -> Packet | None:
        if self.role == "server" or len(payload) < 4:
            raise MalformedFrameError(f"{len(payload)}-byte payload is too short for a message")
        (code,) = struct.unpack_from("<i", payload)
        if code == -1 and len(payload) >= 8:
            return QuickAck(struct.unpack_from("<I", payload, 4)[0])
        if code < 0:
            raise TransportError(-code)
        if code == 0:
            return None  # tdlib's no-op packet
        raise MalformedFrameError(f"{len(payload)}-byte payload is too short for a message")


class Abridged(Framing):
    """``ef``; length/4 in one byte (or ``7f`` + 3 bytes); top bit = quick ack."""

    kind = TransportKind.ABRIDGED
    tag = b"\xef"

    def _frame(self, payload: bytes, quick_ack: bool) -> bytes:
        if len(payload) % 4:
            raise InvalidInputError(
                f"abridged payload length {len(payload)} is not a multiple of 4"
            )
        words = len(payload) // 4
        flag = 0x80 if quick_ack else 0
        if words < 0x7F:
            return bytes([words | flag]) + payload
        return bytes([0x7F | flag]) + words.to_bytes(3, "little") + payload

    def pack_quick_ack(self, token: int) -> bytes:
        # Abridged sends the bare token big-endian, so its first byte has the top bit set.
        return struct.pack(">I", token | 0x80000000)

    def _parse(self) -> Packet | None:
        buf = self._buf
        if not buf:
            return None
        first = buf[0]
        if first & 0x80 and self.role == "client":
            if len(buf) < 4:
                return None
            return QuickAck(int.from_bytes(self._take(0, 4), "big"))
        quick_ack = bool(first & 0x80)
        words = first & 0x7F
        header = 1
        if words == 0x7F:
            if len(buf) < 4:
                return None
            words = int.from_bytes(buf[1:4], "little")
            header = 4
        length = words * 4
        self._check_size(length)
        self._check_plain(header, length)
        if len(buf) < header + length:
            return None
        return Frame(self._take(header, header + length), quick_ack)


class Intermediate(Framing):
    """``eeeeeeee``; 4-byte length; bit 31 of the length = quick ack."""

    kind = TransportKind.INTERMEDIATE
    tag = b"\xee\xee\xee\xee"

    def _frame(self, payload: bytes, quick_ack: bool) -> bytes:
        return struct.pack("<I", len(payload) | (0x80000000 if quick_ack else 0)) + payload

    def pack_quick_ack(self, token: int) -> bytes:
        # The bare token where a length would be: its bit 31 marks it.
        return struct.pack("<I", token | 0x80000000)

    def _parse(self) -> Packet | None:
        buf = self._buf
        if len(buf) < 4:
            return None
        (length,) = struct.unpack_from("<I", buf)
        quick_ack = False
        if length & 0x80000000:
            if self.role == "client":
                del buf[:4]
                return QuickAck(length)
            quick_ack = True
            length &= 0x7FFFFFFF
        self._check_size(length)
        self._check_plain(4, length)
        if len(buf) < 4 + length:
            return None
        return Frame(self._take(4, 4 + length), quick_ack)


class PaddedIntermediate(Intermediate):
    """``dddddddd``; intermediate plus 0..15 random bytes the receiver cannot tell apart from
    the payload (the MTProto layer drops them: ``(len - 24) % 16`` for encrypted packets)."""

    kind = TransportKind.PADDED_INTERMEDIATE
    tag = b"\xdd\xdd\xdd\xdd"

    def __init__(
        self,
        role: Role = "client",
        *,
        max_frame: int = MAX_FRAME,
        send_tag: bool | None = None,
        random_bytes: Callable[[int], bytes] = os.urandom,
    ) -> None:
        super().__init__(role, max_frame=max_frame, send_tag=send_tag)
        self._random = random_bytes
        self._next_padding: bytes | None = None

    def pack(
        self, payload: bytes, *, quick_ack: bool = False, padding: bytes | None = None
    ) -> bytes:
        """As :meth:`Framing.pack`; ``padding`` (0..15 bytes) replaces the random padding."""
        if padding is not None and len(padding) > 15:
            raise InvalidInputError(f"padding must be 0 to 15 bytes, not {len(padding)}")
        self._next_padding = padding
        return super().pack(payload, quick_ack=quick_ack)

    def pack_quick_ack(self, token: int) -> bytes:
        return self.pack(_QUICK_ACK_PREFIX + struct.pack("<I", token | 0x80000000), padding=b"")

    def _frame(self, payload: bytes, quick_ack: bool) -> bytes:
        padding = self._next_padding
        if padding is None:
            padding = self._random(self._random(1)[0] % 16)
        self._next_padding = None
        return super()._frame(payload + padding, quick_ack)


class Full(Framing):
    """No tag; length (of length + seq + payload + crc) | seq | payload | CRC32, with a
    sequence number per direction starting at 0. No quick acks."""

    kind = TransportKind.FULL

    def __init__(
        self, role: Role = "client", *, max_frame: int = MAX_FRAME, send_tag: bool | None = None
    ) -> None:
        super().__init__(role, max_frame=max_frame, send_tag=send_tag)
        self.send_seq = 0
        self.recv_seq = 0

    def _frame(self, payload: bytes, quick_ack: bool) -> bytes:
        head = struct.pack("<ii", len(payload) + 12, self.send_seq)
        self.send_seq += 1
        body = head + payload
        return body + struct.pack("<I", zlib.crc32(body))

    def _parse(self) -> Packet | None:
        buf = self._buf
        if len(buf) < 4:
            return None
        (length,) = struct.unpack_from("<i", buf)
        if length < 0:
            # Telethon's reader: a bare negative int where the length belongs is an error code.
            raise TransportError(-length)
        if length < 12:
            raise MalformedFrameError(f"full frame length {length} is below 12")
        self._check_size(length - 12)
        self._check_plain(8, length - 12)
        if len(buf) < length:
            return None
        (seq,) = struct.unpack_from("<i", buf, 4)
        (crc,) = struct.unpack_from("<I", buf, length - 4)
        if zlib.crc32(buf[: length - 4]) != crc:
            raise MalformedFrameError("full frame CRC32 mismatch")
        if seq != self.recv_seq:
            raise MalformedFrameError(f"full frame sequence {seq}, expected {self.recv_seq}")
        self.recv_seq += 1
        return Frame(self._take(8, length - 4, length))
