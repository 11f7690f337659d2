"""A small raw MTProto client for the local DC's tests, on the sans-IO layer only.

It is deliberately independent of ``oxigram.network``/``oxigram.client`` so the server can be
tested on its own: one TCP connection, one session, request futures by msg_id, resends after
``bad_server_salt``, pushed updates in a queue, and ways to send hostile bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Coroutine
from typing import Any, TypeVar

from oxigram import tl
from oxigram.errors import OxigramError, TransportError
from oxigram.mtproto import events as ev
from oxigram.mtproto.framing import Frame
from oxigram.mtproto.handshake import ClientHandshake
from oxigram.mtproto.rsa_keys import RsaPublicKey
from oxigram.mtproto.session import Session
from oxigram.mtproto.transports import Transport, client_transport

TIMEOUT = 10.0
T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
    """``asyncio.run`` with a bound: a test never hangs."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


class RpcCallError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message


class RawClient:
    def __init__(
        self,
        port: int,
        rsa_key: RsaPublicKey,
        *,
        kind: str = "intermediate",
        auth_key: bytes | None = None,
        salt: int = 0,
        host: str = "127.0.0.1",
    ) -> None:
        self.host, self.port, self.kind = host, port, kind
        self.rsa_key = rsa_key
        self.auth_key = auth_key
        self.salt = salt
        self.session: Session | None = None
        self.transport: Transport = client_transport(kind)
        self.updates: asyncio.Queue[Any] = asyncio.Queue()
        self.transport_error: int | None = None
        self.closed = asyncio.Event()
        self.new_sessions = 0
        self.bad_salts = 0
        self._plain: asyncio.Queue[bytes] = asyncio.Queue()
        self._pending: dict[int, tuple[Any, asyncio.Future[Any]]] = {}
        self._pongs: dict[int, asyncio.Future[int]] = {}
        self._reader_task: asyncio.Task[None] | None = None
        self.writer: asyncio.StreamWriter | None = None

    # ------------------------------------------------------------------ connection

    async def connect(self) -> RawClient:
        reader, self.writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port), TIMEOUT
        )
        self._reader_task = asyncio.create_task(self._read(reader))
        if self.auth_key is None:
            await self.handshake()
        else:
            self.session = Session(self.auth_key, role="client", salt=self.salt)
        return self

    async def handshake(self) -> None:
        hs = ClientHandshake([self.rsa_key], dc_id=2)
        out: bytes | None = hs.start()
        while out is not None:
            self.write(out)
            packet = await asyncio.wait_for(self._plain.get(), TIMEOUT)
            out = hs.receive(packet)
        result = hs.result
        self.auth_key = result.auth_key
        self.salt = result.server_salt
        self.session = Session(
            result.auth_key, role="client", salt=result.server_salt, time_offset=result.time_offset
        )

    def new_session(self) -> None:
        """A fresh session_id on the same key (as a client does after a reconnect)."""
        assert self.auth_key is not None and self.session is not None
        self.session = Session(self.auth_key, role="client", salt=self.session.salt)

    def write(self, payload: bytes) -> None:
        assert self.writer is not None
        self.writer.write(self.transport.pack(payload))

    def write_raw(self, data: bytes) -> None:
        assert self.writer is not None
        self.writer.write(data)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.writer.wait_closed(), 2)
        if self._reader_task is not None:
            self._reader_task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(self._reader_task, 2)

    async def __aenter__(self) -> RawClient:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --------------------------------------------------------------------- requests

    def send(self, *objs: Any) -> list[asyncio.Future[Any]]:
        """Sends requests in one packet (a container when several); returns their futures."""
        assert self.session is not None
        loop = asyncio.get_running_loop()
        futures = [loop.create_future() for _ in objs]
        packed = self.session.pack(*objs)
        for obj, fut, msg_id in zip(objs, futures, packed.msg_ids, strict=True):
            self._pending[msg_id] = (obj, fut)
        self.write(packed.packet)
        return futures

    async def invoke(self, obj: Any, timeout: float = TIMEOUT) -> Any:
        (fut,) = self.send(obj)
        return await asyncio.wait_for(fut, timeout)

    async def call(self, name: str, timeout: float = TIMEOUT, **fields: Any) -> Any:
        return await self.invoke(tl.from_dict({"_": name, **fields}), timeout)

    async def ping(self, ping_id: int | None = None, *, delay: int | None = None) -> int:
        assert self.session is not None
        ping_id = ping_id if ping_id is not None else int.from_bytes(os.urandom(8), "little") >> 1
        fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pongs[ping_id] = fut
        if delay is None:
            body = tl.from_dict({"_": "ping", "ping_id": ping_id})
        else:
            body = tl.from_dict(
                {"_": "ping_delay_disconnect", "ping_id": ping_id, "disconnect_delay": delay}
            )
        self.write(self.session.pack(body).packet)
        return await asyncio.wait_for(fut, TIMEOUT)

    async def next_update(self, timeout: float = TIMEOUT) -> Any:
        return await asyncio.wait_for(self.updates.get(), timeout)

    # ------------------------------------------------------------------------ input

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                self.transport.feed(data)
                for packet in self.transport:
                    if isinstance(packet, Frame):
                        self._packet(packet.payload)
        except TransportError as exc:
            self.transport_error = exc.code
        except (ConnectionError, OxigramError):
            pass
        finally:
            self.closed.set()
            for _, fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(ConnectionError("connection closed"))

    def _packet(self, payload: bytes) -> None:
        if payload[:8] == bytes(8):
            self._plain.put_nowait(payload)
            return
        assert self.session is not None
        for event in self.session.unpack(payload):
            self._event(event)

    def _event(self, event: ev.Event) -> None:
        if isinstance(event, ev.RpcResult):
            entry = self._pending.pop(event.req_msg_id, None)
            if entry and not entry[1].done():
                entry[1].set_result(event.result)
        elif isinstance(event, ev.RpcError):
            entry = self._pending.pop(event.req_msg_id, None)
            if entry and not entry[1].done():
                entry[1].set_exception(RpcCallError(event.code, event.message))
        elif isinstance(event, ev.Pong):
            fut = self._pongs.pop(event.ping_id, None)
            if fut and not fut.done():
                fut.set_result(event.req_msg_id)
        elif isinstance(event, ev.Update):
            self.updates.put_nowait(event.obj)
        elif isinstance(event, ev.NewSession):
            self.new_sessions += 1
        elif isinstance(event, ev.ResendRequest):
            if event.reason == 48:
                self.bad_salts += 1
            entries = [self._pending.pop(i) for i in event.msg_ids if i in self._pending]
            if entries and self.session is not None:
                packed = self.session.pack(*[obj for obj, _ in entries])
                for (obj, fut), msg_id in zip(entries, packed.msg_ids, strict=True):
                    self._pending[msg_id] = (obj, fut)
                self.write(packed.packet)
        elif isinstance(event, ev.BadMessage):
            for msg_id in event.msg_ids:
                entry = self._pending.pop(msg_id, None)
                if entry and not entry[1].done():
                    entry[1].set_exception(RpcCallError(-event.code, "BAD_MSG"))


async def login_bot(client: RawClient, token: str) -> Any:
    wrapped = tl.from_dict(
        {
            "_": "invokeWithLayer",
            "layer": tl.LAYER,
            "query": {
                "_": "initConnection",
                "api_id": 1,
                "device_model": "test",
                "system_version": "1",
                "app_version": "1",
                "system_lang_code": "en",
                "lang_pack": "",
                "lang_code": "en",
                "query": {
                    "_": "auth.importBotAuthorization",
                    "flags": 0,
                    "api_id": 1,
                    "api_hash": "x",
                    "bot_auth_token": token,
                },
            },
        }
    )
    return await client.invoke(wrapped)


async def login_user(client: RawClient, phone: str, code: str = "12345") -> Any:
    sent = await client.call(
        "auth.sendCode",
        phone_number=phone,
        api_id=1,
        api_hash="x",
        settings={"_": "codeSettings"},
    )
    return await client.call(
        "auth.signIn", phone_number=phone, phone_code_hash=sent.phone_code_hash, phone_code=code
    )
