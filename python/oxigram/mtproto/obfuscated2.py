"""obfuscated2: a 64-byte random header, then a framing under AES-256-CTR.

Header rules and key derivation from core.telegram.org/mtproto/mtproto-transports (protocol.md
3.5): the tag (``efefefef``, ``eeeeeeee`` or ``dddddddd``) sits at 56..59; the client encrypts
with key/iv = header[8:40]/[40:56] and decrypts with the same ranges of the byte-reversed header
(the server the other way round); the CTR streams start with the header itself and run for the
whole connection. With an MTProxy ``secret``, key = SHA256(key + secret).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator

from ..errors import InvalidInputError, MalformedFrameError
from .ctr import DEFAULT_CIPHER, CipherFactory, CtrCipher
from .framing import (
    MAX_FRAME,
    Abridged,
    Framing,
    Intermediate,
    Packet,
    PaddedIntermediate,
    Role,
    TransportKind,
)

__all__ = ["HEADER_SIZE", "TAGS", "Obfuscated2", "check_header", "make_header"]

HEADER_SIZE = 64

#: Tag at header[56:60] -> the framing it announces.
TAGS: dict[bytes, type[Framing]] = {
    b"\xef\xef\xef\xef": Abridged,
    b"\xee\xee\xee\xee": Intermediate,
    b"\xdd\xdd\xdd\xdd": PaddedIntermediate,
}
_TAG_OF = {cls.kind: tag for tag, cls in TAGS.items()}

# First words a server could mistake for another protocol (tdlib's list, longer than
# Telethon's).
_FORBIDDEN_FIRST = (
    b"HEAD",
    b"POST",
    b"GET ",
    b"OPTI",
    b"\x16\x03\x01\x02",
    b"\xdd" * 4,
    b"\xee" * 4,
)


def check_header(header: bytes) -> None:
    """Raises ``InvalidInputError`` unless ``header`` is a valid client header (before the
    tag is written)."""
    if len(header) != HEADER_SIZE:
        raise InvalidInputError(f"obfuscated2 header must be 64 bytes, not {len(header)}")
    if header[0] == 0xEF or header[:4] in _FORBIDDEN_FIRST or header[4:8] == bytes(4):
        raise InvalidInputError("obfuscated2 header could be mistaken for another transport")


def make_header(tag: bytes, random_bytes: Callable[[int], bytes] = os.urandom) -> bytes:
    """A fresh random header carrying ``tag`` at 56..59 (redrawn until it passes the rules)."""
    while True:
        header = random_bytes(HEADER_SIZE)
        try:
            check_header(header)
        except InvalidInputError:
            continue
        return header[:56] + tag + header[60:]


def _keys(header: bytes, secret: bytes | None) -> tuple[bytes, bytes, bytes, bytes]:
    """(key, iv) of the client->server stream, then of the server->client stream."""
    reversed_header = header[::-1]
    out_key, out_iv = header[8:40], header[40:56]
    in_key, in_iv = reversed_header[8:40], reversed_header[40:56]
    if secret is not None:
        out_key = hashlib.sha256(out_key + secret).digest()
        in_key = hashlib.sha256(in_key + secret).digest()
    return out_key, out_iv, in_key, in_iv


class Obfuscated2:
    """A framing wrapped in the two CTR streams; same interface as :class:`Framing`."""

    kind = TransportKind.OBFUSCATED2

    def __init__(
        self,
        inner: Framing,
        encryptor: CtrCipher,
        decryptor: CtrCipher,
        *,
        header: bytes = b"",
    ) -> None:
        self.inner = inner
        self.role: Role = inner.role
        self._encryptor = encryptor
        self._decryptor = decryptor
        self._header = header  # sent before the first frame (client role)

    @classmethod
    def client(
        cls,
        inner: TransportKind | str = TransportKind.ABRIDGED,
        *,
        header: bytes | None = None,
        random_bytes: Callable[[int], bytes] = os.urandom,
        secret: bytes | None = None,
        cipher: CipherFactory = DEFAULT_CIPHER,
        max_frame: int = MAX_FRAME,
    ) -> Obfuscated2:
        """A client connection; ``header`` fixes the 64 random bytes (the tag is written
        over 56..59)."""
        kind = TransportKind(inner)
        if kind not in _TAG_OF:
            raise InvalidInputError(f"obfuscated2 cannot carry the {kind.value} transport")
        tag = _TAG_OF[kind]
        if header is None:
            header = make_header(tag, random_bytes)
        else:
            check_header(header)
            header = header[:56] + tag + header[60:]
        out_key, out_iv, in_key, in_iv = _keys(header, secret)
        encryptor = cipher(out_key, out_iv)
        encrypted = encryptor.update(header)
        framing = TAGS[tag]("client", max_frame=max_frame, send_tag=False)
        return cls(framing, encryptor, cipher(in_key, in_iv), header=header[:56] + encrypted[56:])

    @classmethod
    def server(
        cls,
        header: bytes,
        *,
        secret: bytes | None = None,
        cipher: CipherFactory = DEFAULT_CIPHER,
        max_frame: int = MAX_FRAME,
    ) -> Obfuscated2:
        """The server side of a connection that began with ``header`` (64 bytes as received).
        ``MalformedFrameError`` when the decrypted tag is none of the three."""
        if len(header) != HEADER_SIZE:
            raise InvalidInputError(f"obfuscated2 header must be 64 bytes, not {len(header)}")
        in_key, in_iv, out_key, out_iv = _keys(header, secret)
        decryptor = cipher(in_key, in_iv)
        tag = decryptor.update(header)[56:60]
        framing_cls = TAGS.get(tag)
        if framing_cls is None:
            raise MalformedFrameError(f"unknown obfuscated2 protocol tag {tag.hex()}")
        framing = framing_cls("server", max_frame=max_frame, send_tag=False)
        return cls(framing, cipher(out_key, out_iv), decryptor)

    @property
    def inner_kind(self) -> TransportKind:
        return self.inner.kind

    @property
    def max_plain(self) -> int | None:
        return self.inner.max_plain

    @max_plain.setter
    def max_plain(self, limit: int | None) -> None:
        self.inner.max_plain = limit

    @property
    def buffered(self) -> int:
        return self.inner.buffered

    def pack(self, payload: bytes, *, quick_ack: bool = False) -> bytes:
        out = self._encryptor.update(self.inner.pack(payload, quick_ack=quick_ack))
        if self._header:
            out = self._header + out
            self._header = b""
        return out

    def pack_error(self, code: int) -> bytes:
        return self._encryptor.update(self.inner.pack_error(code))

    def pack_quick_ack(self, token: int) -> bytes:
        return self._encryptor.update(self.inner.pack_quick_ack(token))

    def feed(self, data: bytes) -> None:
        self.inner.feed(self._decryptor.update(bytes(data)))

    def __iter__(self) -> Iterator[Packet]:
        return iter(self.inner)

    def receive(self, data: bytes) -> list[Packet]:
        self.feed(data)
        return list(self)
