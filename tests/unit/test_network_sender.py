"""Sender logic without a network: FLOOD_WAIT policy, tampered/replayed packets, routing."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from oxigram import tl
from oxigram.errors import (
    ConnectionLostError,
    FloodWaitError,
    PeerIdInvalidError,
    SlowmodeWaitError,
    rpc_error_from,
)
from oxigram.mtproto import events as ev
from oxigram.mtproto.session import Session, rpc_error, rpc_result
from oxigram.network.sender import AuthState, Sender, SenderConfig, _Request, is_idempotent

KEY = bytes(range(256))


def test_idempotent_methods() -> None:
    assert is_idempotent("help.getConfig")
    assert is_idempotent("updates.getDifference")
    assert not is_idempotent("messages.getBotCallbackAnswer")  # a press is never re-sent
    assert not is_idempotent("messages.sendMessage")
    assert not is_idempotent("auth.sendCode")


def _sender(**cfg: Any) -> Sender:
    return Sender("127.0.0.1", 1, rsa_keys=[], config=SenderConfig(**cfg))


def test_flood_wait_below_threshold_sleeps_and_retries() -> None:
    async def main() -> None:
        s = _sender(flood_sleep_threshold=1)
        calls: list[float] = []
        loop = asyncio.get_running_loop()

        async def once(body: Any, timeout: float | None, **kw: Any) -> Any:
            calls.append(loop.time())
            if len(calls) == 1:
                raise rpc_error_from(420, "FLOOD_WAIT_1", "help.getConfig")
            return "ok"

        s._invoke_once = once  # type: ignore[method-assign]
        assert await s.invoke(object()) == "ok"
        assert len(calls) == 2 and calls[1] - calls[0] >= 0.9

        calls.clear()

        async def always(body: Any, timeout: float | None, **kw: Any) -> Any:
            calls.append(loop.time())
            raise rpc_error_from(420, "FLOOD_WAIT_30", "help.getConfig")

        s._invoke_once = always  # type: ignore[method-assign]
        with pytest.raises(FloodWaitError) as info:
            await s.invoke(object())
        assert info.value.seconds == 30 and len(calls) == 1

        async def slow(body: Any, timeout: float | None, **kw: Any) -> Any:
            raise rpc_error_from(420, "SLOWMODE_WAIT_1")

        s._invoke_once = slow  # type: ignore[method-assign]
        with pytest.raises(SlowmodeWaitError):
            await s.invoke(object())

    asyncio.run(asyncio.wait_for(main(), 10))


class FakeConn:
    def __init__(self, packets: list[bytes]) -> None:
        self.packets = packets

    async def recv(self) -> bytes:
        if not self.packets:
            raise ConnectionLostError("end")
        return self.packets.pop(0)


def test_bad_packets_are_dropped_and_others_routed() -> None:
    async def main() -> None:
        s = _sender(max_bad_packets=3)
        s.auth = AuthState(KEY)
        client = Session(KEY, salt=1, time_synced=False)
        s.session = client
        server = Session(KEY, role="server", session_id=client.session_id, salt=1)
        loop = asyncio.get_running_loop()
        futs = [loop.create_future() for _ in range(2)]
        for i, fut in enumerate(futs):
            req = _Request(None, "help.getConfig", fut, True, msg_id=1000 + i * 4)
            s._by_msg_id[req.msg_id] = req
        pong = tl.from_dict({"_": "pong", "msg_id": 1, "ping_id": 2})
        good = server.pack(rpc_result(1000, pong, gzip=False)).packet
        tampered = bytearray(good)
        tampered[-1] ^= 1
        wrong_key = bytes(8) + good[8:]
        err = server.pack(rpc_error(1004, 400, "PEER_ID_INVALID")).packet
        conn = FakeConn([bytes(tampered), wrong_key, good, good, err])  # `good` twice: replay
        with pytest.raises(ConnectionLostError):
            await s._read_loop(conn)  # type: ignore[arg-type]
        assert futs[0].result()._tl_name == "pong"
        exc = futs[1].exception()
        assert isinstance(exc, PeerIdInvalidError) and exc.request == "help.getConfig"

        # too many undecryptable packets in a row: the connection is replaced
        junk = [os.urandom(8) + os.urandom(80) for _ in range(3)]
        with pytest.raises(ConnectionLostError, match="undecryptable"):
            await s._read_loop(FakeConn(junk))  # type: ignore[arg-type]

    asyncio.run(asyncio.wait_for(main(), 10))


def test_closed_sender_refuses_requests() -> None:
    async def main() -> None:
        s = _sender()
        with pytest.raises(Exception, match="not connected"):
            await s.invoke(tl.from_dict({"_": "help.getConfig"}))

    asyncio.run(asyncio.wait_for(main(), 10))


def _names(obj: Any) -> list[str]:
    """The TL names of ``obj`` and the queries it wraps, outermost first."""
    names = [obj._tl_name]
    while hasattr(obj, "query"):
        obj = obj.query
        names.append(obj._tl_name)
    return names


def test_a_sender_without_updates_wraps_every_request_but_pings() -> None:
    """``updates=False``: each request (an object, or bytes already serialized) leaves in
    ``invokeWithoutUpdates``, inside the first request's invokeWithLayer; service messages
    (ping) are not wrapped."""

    async def main() -> None:
        def with_layer(body: Any) -> Any:
            return tl.from_dict({"_": "invokeWithLayer", "layer": 1, "query": body})

        s = Sender("127.0.0.1", 1, rsa_keys=[], updates=False, wrap_first=with_layer)
        client = Session(KEY, salt=1, time_synced=False)
        server = Session(KEY, role="server", session_id=client.session_id, salt=1)
        loop = asyncio.get_running_loop()

        def sent(*reqs: _Request) -> list[list[str]]:
            packet = s._pack(client, list(reqs))
            assert packet is not None
            return [
                _names(e.obj) if isinstance(e, ev.Request) else ["ping"]
                for e in server.unpack(packet)
                if isinstance(e, (ev.Request, ev.Ping))
            ]

        first = tl.from_dict({"_": "help.getConfig"})
        assert sent(_Request(first, "help.getConfig", loop.create_future(), True)) == [
            ["invokeWithLayer", "invokeWithoutUpdates", "help.getConfig"]
        ]
        s._init_done = True  # what the first answer does
        state = tl.dumps(tl.from_dict({"_": "updates.getState"}))
        ping = tl.from_dict({"_": "ping", "ping_id": 7})
        assert sent(
            _Request(state, "updates.getState", loop.create_future(), True),
            _Request(ping, "ping", loop.create_future(), True, service=True),
        ) == [["invokeWithoutUpdates", "updates.getState"], ["ping"]]

    asyncio.run(asyncio.wait_for(main(), 10))
