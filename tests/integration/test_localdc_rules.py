"""Local DC rules checked with the raw client: seq_no parity (bad_msg 34/35), re-sent msg_ids
answered from the stored answers, injected errors, a quiet ``stop()`` with live connections,
and the answer store's bounds."""

from __future__ import annotations

import asyncio
import logging
import os
import struct
from typing import Any

import pytest
from mtclient import RawClient, RpcCallError, run

from oxigram import crypto, tl
from oxigram.mtproto.messages import Inner, pack_container
from oxigram.mtproto.rsa_keys import RsaPrivateKey
from oxigram.server import LocalDC
from oxigram.server.sessions import AnswerCache


def _send_raw(c: RawClient, body: bytes, seq_no: int) -> asyncio.Future[Any]:
    """One message with the given seq_no (bypassing the session's own numbering); returns a
    future for its answer (an ``RpcCallError(-code)`` for a bad_msg_notification)."""
    s = c.session
    assert s is not None
    msg_id = s.msg_ids.next()
    payload = struct.pack("<qqqii", s.salt, s.session_id, msg_id, seq_no, len(body)) + body
    padding = os.urandom(12 + (-(len(payload) + 12) % 16))
    c.write(crypto.encrypt_message(s.auth_key, payload, sender="client", padding=padding))
    fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    c._pending[msg_id] = (None, fut)
    return fut


def _unanswered(c: RawClient, fut: asyncio.Future[Any]) -> None:
    """Stops waiting for ``fut`` (a message that gets no answer of its own)."""
    assert not fut.done()
    for msg_id, (_, f) in list(c._pending.items()):
        if f is fut:
            del c._pending[msg_id]
    fut.cancel()


def _dumps(name: str, **fields: Any) -> bytes:
    return tl.dumps(tl.from_dict({"_": name, **fields}))


async def _bad_msg(fut: asyncio.Future[Any]) -> int:
    with pytest.raises(RpcCallError) as info:
        await asyncio.wait_for(fut, 5)
    return -info.value.code


def test_seq_no_parity_rules(rsa_key: RsaPrivateKey) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key) as dc:
            key = os.urandom(256)
            dc.import_auth_key(key)
            async with RawClient(dc.port, dc.rsa_public_key, auth_key=key) as c:
                await c.call("help.getNearestDc")  # salt learned, session created
                requests = dc.stats["requests"]
                request = _dumps("help.getNearestDc")
                # an API call with an even seq_no -> 35, not executed
                assert await _bad_msg(_send_raw(c, request, 2)) == 35
                # msgs_ack with an odd seq_no -> 34
                assert await _bad_msg(_send_raw(c, _dumps("msgs_ack", msg_ids=[1]), 3)) == 34
                # a container with an odd seq_no -> 34, nothing inside runs
                assert c.session is not None
                inner = pack_container([Inner(c.session.msg_ids.next(), 5, request)])
                assert await _bad_msg(_send_raw(c, inner, 5)) == 34
                assert dc.stats["requests"] == requests
                # the right parities are served: a request, an ack, a container
                ok = await asyncio.wait_for(_send_raw(c, request, 7), 5)
                assert ok.this_dc == 2
                ack = _send_raw(c, _dumps("msgs_ack", msg_ids=[1]), 8)
                inner_id = c.session.msg_ids.next()
                fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
                c._pending[inner_id] = (None, fut)
                container = _send_raw(c, pack_container([Inner(inner_id, 9, request)]), 10)
                assert (await asyncio.wait_for(fut, 5)).this_dc == 2
                _unanswered(c, ack)  # an ack gets no answer, nor a notification
                _unanswered(c, container)
                # a gzipped request is judged by what it holds (content-related)
                big = _dumps("contacts.resolveUsername", username="a" * 600)
                gz = tl.gzip_packed(big, threshold=0)
                assert len(gz) < len(big)
                with pytest.raises(RpcCallError) as info:  # answered: 401, not logged in
                    await asyncio.wait_for(_send_raw(c, gz, 11), 5)
                assert info.value.code == 401
                # pings are accepted with either parity (clients differ)
                assert await c.ping() != 0
                for ping_id, seq_no in ((77, 12), (78, 13)):
                    pong: asyncio.Future[int] = asyncio.get_running_loop().create_future()
                    c._pongs[ping_id] = pong
                    _unanswered(c, _send_raw(c, _dumps("ping", ping_id=ping_id), seq_no))
                    await asyncio.wait_for(pong, 5)
                assert dc.stats["requests"] == requests + 3

    run(main())


def test_resent_msg_id_gets_the_stored_answer_and_injected_errors(
    rsa_key: RsaPrivateKey,
) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key) as dc:
            bot = dc.add_bot("resend_bot")
            user = dc.add_user("15550303", "Rae")
            key = os.urandom(256)
            dc.import_auth_key(key, user_id=user.id)
            async with RawClient(dc.port, dc.rsa_public_key, auth_key=key) as c:
                await c.call("help.getNearestDc")
                peer = {"_": "inputPeerUser", "user_id": bot.id, "access_hash": bot.access_hash}
                send = tl.from_dict(
                    {"_": "messages.sendMessage", "peer": peer, "message": "hi", "random_id": 9}
                )
                assert c.session is not None
                packed = c.session.pack(send)
                (msg_id,) = packed.msg_ids
                loop = asyncio.get_running_loop()
                first: asyncio.Future[Any] = loop.create_future()
                c._pending[msg_id] = (send, first)
                c.write(packed.packet)
                result = await asyncio.wait_for(first, 5)
                # the same message again, in a new container (as a client re-sends it)
                again: asyncio.Future[Any] = loop.create_future()
                c._pending[msg_id] = (send, again)
                c.write(c.session.pack_again(packed.sent).packet)
                assert tl.dumps(await asyncio.wait_for(again, 5)) == tl.dumps(result)
                assert sum(m.text == "hi" for m in dc.store.messages.values()) == 1
                assert dc.stats["answers_resent"] == 1

                # inject_error: answered without running, `count` times
                dc.inject_error("messages.sendMessage", 420, "FLOOD_WAIT_7", count=2)
                for _ in range(2):
                    with pytest.raises(RpcCallError) as info:
                        await c.invoke(send)
                    assert (info.value.code, info.value.message) == (420, "FLOOD_WAIT_7")
                assert sum(m.text == "hi" for m in dc.store.messages.values()) == 1
                await c.invoke(send)
                assert sum(m.text == "hi" for m in dc.store.messages.values()) == 2

    run(main())


def test_stop_with_live_connections_logs_nothing(
    rsa_key: RsaPrivateKey, caplog: pytest.LogCaptureFixture
) -> None:
    async def main() -> list[dict[str, Any]]:
        loop_errors: list[dict[str, Any]] = []
        asyncio.get_running_loop().set_exception_handler(lambda _, ctx: loop_errors.append(ctx))
        dc = LocalDC(rsa_key=rsa_key)
        await dc.start()
        key = os.urandom(256)
        dc.import_auth_key(key)
        clients = [RawClient(dc.port, dc.rsa_public_key, auth_key=key) for _ in range(3)]
        for c in clients:
            await c.connect()
            await c.call("help.getNearestDc")
        idle = await asyncio.open_connection(dc.host, dc.port)  # no transport header yet
        dc.delay_next_response(5.0)  # an answer task still running at stop
        pending = clients[0].send(tl.from_dict({"_": "help.getNearestDc"}))
        await asyncio.sleep(0.1)
        assert dc.connections == 4
        start = loop_time()
        await dc.stop()
        assert loop_time() - start < 1.5
        await asyncio.sleep(0.1)  # let the loop run the done-callbacks
        for c in clients:
            await c.close()
        idle[1].close()
        assert isinstance(pending[0].exception(), ConnectionError)  # closed, never answered
        return loop_errors

    def loop_time() -> float:
        return asyncio.get_running_loop().time()

    with caplog.at_level(logging.WARNING):
        loop_errors = run(main())
    assert loop_errors == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_answer_cache_bounds() -> None:
    cache = AnswerCache(per_session=3, max_bytes=100)
    a, b = (b"k", 1), (b"k", 2)
    for i in range(5):
        cache.put(a, i, bytes(10))
    assert [cache.get(a, i) is not None for i in range(5)] == [False, False, True, True, True]
    assert cache.bytes == 30
    for i in range(3):
        cache.put(b, i, bytes(30))  # 30 + 90 > 100: a's oldest go first
    assert cache.bytes <= 100 and cache.get(b, 0) is not None
    assert cache.get(a, 2) is None
    cache.put(b, 9, bytes(101))  # larger than the whole budget: not kept
    assert cache.get(b, 9) is None
    cache.forget(b)
    assert len(cache) == sum(cache.get(a, i) is not None for i in range(5))
    cache.clear()
    assert cache.bytes == 0 and len(cache) == 0
