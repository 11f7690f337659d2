"""One TCP connection speaking one MTProto transport (protocol.md 3.5).

``await Connection.open(host, port, "intermediate")`` connects; ``send(packet)`` frames and
writes one MTProto packet; ``recv()`` returns the next packet's payload. Transport error
packets (-404, -429, ...) are raised as :class:`~oxigram.errors.TransportError` before any
decryption; a closed or broken stream raises :class:`~oxigram.errors.ConnectionLostError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque

from ..errors import ConnectionLostError
from ..mtproto.transports import Frame, QuickAck, Transport, TransportKind, client_transport

__all__ = ["Connection"]

log = logging.getLogger(__name__)

_READ_SIZE = 65536


class Connection:
    """A framed TCP stream. Not safe for two concurrent ``recv`` calls (one reader task)."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        transport: Transport,
        *,
        address: tuple[str, int],
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._transport = transport
        self._ready: deque[bytes] = deque()
        self.address = address
        self.closed = False

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        transport: TransportKind | str = TransportKind.INTERMEDIATE,
        *,
        timeout: float = 10.0,
    ) -> Connection:
        framing = client_transport(transport)
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port), timeout=timeout
            )
        except (OSError, asyncio.TimeoutError) as exc:
            raise ConnectionLostError(f"cannot connect to {host}:{port}: {exc!r}") from exc
        log.debug("connected to %s:%d (%s)", host, port, framing.kind.value)
        return cls(reader, writer, framing, address=(host, port))

    @property
    def kind(self) -> TransportKind:
        return self._transport.kind

    async def send(self, packet: bytes) -> None:
        if self.closed:
            raise ConnectionLostError("connection is closed")
        try:
            self._writer.write(self._transport.pack(packet))
            await self._writer.drain()
        except (OSError, RuntimeError) as exc:
            self.closed = True
            raise ConnectionLostError(f"send failed: {exc!r}") from exc

    async def recv(self) -> bytes:
        """The next packet's payload. Quick acks are skipped. Raises ``TransportError``
        (server error packet), ``MalformedFrameError`` (broken framing) or
        ``ConnectionLostError`` (EOF / reset)."""
        while True:
            if self._ready:
                return self._ready.popleft()
            if self.closed:
                raise ConnectionLostError("connection is closed")
            try:
                data = await self._reader.read(_READ_SIZE)
            except OSError as exc:
                self.closed = True
                raise ConnectionLostError(f"receive failed: {exc!r}") from exc
            if not data:
                self.closed = True
                raise ConnectionLostError("the server closed the connection")
            self._transport.feed(data)
            try:
                for packet in self._transport:
                    if isinstance(packet, Frame):
                        self._ready.append(packet.payload)
                    elif isinstance(packet, QuickAck):
                        log.debug("quick ack %08x", packet.token)
            except BaseException:  # MalformedFrameError, or whatever else the bytes raised
                self.closed = True
                raise

    async def close(self) -> None:
        if self.closed and self._writer.is_closing():
            return
        self.closed = True
        self._writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._writer.wait_closed(), timeout=2.0)
