"""Malformed requests are answered, not dropped: the sender of a message the DC cannot use gets
the MTProto answer it can act on at once, not silence until its timeout.

What Telegram answers (the DC does the same):
- a request body that does not deserialize: ``rpc_error(400, "INPUT_FETCH_FAIL")`` ("Failed
  deserializing TL payload", core.telegram.org/api/errors; reported for malformed requests in
  LonamiWebs/Telethon#767, and as INPUT_FETCH_ERROR for a malformed ``users.getUsers`` vector
  in DrKLO/Telegram#1157);
- a wrong envelope: ``bad_msg_notification`` (core.telegram.org/mtproto/
  service_messages_about_messages: 18 "incorrect two lower order msg_id bits", 64 "invalid
  container");
- more ids than a method takes: 200 for ``users.getUsers`` (mtcute documents "up to 200 users
  at once"), 100 for ``messages.getMessages`` (Telethon fetches by id in chunks of 100);
  Telegram's answer beyond is not documented, the DC answers ``LIMIT_INVALID``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import struct
import time
from typing import Any

import pytest
from cbsupport import logged_in
from mtclient import RawClient, RpcCallError, run
from test_localdc_hostile import _raw_message

from oxigram import errors, tl
from oxigram.mtproto.messages import Inner, pack_container
from oxigram.mtproto.rsa_keys import RsaPrivateKey
from oxigram.server import LocalDC
from oxigram.server.methods.messages import MAX_GET_MESSAGES
from oxigram.server.methods.users import MAX_GET_USERS

SELF = {"_": "inputUserSelf"}


def _get_users(n: int) -> bytes:
    return tl.dumps(tl.from_dict({"_": "users.getUsers", "id": [SELF] * n}))


def _huge_count(body: bytes) -> bytes:
    """``users.getUsers`` whose vector claims 0x7fffffff elements (the issue's reproducer)."""
    return body[:8] + struct.pack("<i", 0x7FFFFFFF) + body[12:]


async def _answer_to(c: RawClient, packet: bytes, msg_id: int, timeout: float = 2.0) -> Any:
    """Writes a hand-made packet and waits for the answer to ``msg_id``."""
    fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    c._pending[msg_id] = (None, fut)
    c.write(packet)
    return await asyncio.wait_for(fut, timeout)


def test_undecodable_requests_and_bad_envelopes_are_answered_at_once(
    rsa_key: RsaPrivateKey, caplog: pytest.LogCaptureFixture
) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key) as dc:
            key = os.urandom(256)
            user = dc.add_user("15550901", "Mal")
            dc.import_auth_key(key, user.id)
            async with RawClient(dc.port, dc.rsa_public_key, auth_key=key) as c:
                await c.call("help.getNearestDc")
                assert c.session is not None
                # the reproducer: answered within a second, not after the timeout
                start = time.monotonic()
                packet, msg_id = _raw_message(c, _huge_count(_get_users(1)))
                with pytest.raises(RpcCallError) as info:
                    await _answer_to(c, packet, msg_id)
                assert (info.value.code, info.value.message) == (400, "INPUT_FETCH_FAIL")
                assert time.monotonic() - start < 1.0
                # a truncated body, and an unknown method
                packet, msg_id = _raw_message(c, _get_users(3)[:-4])
                with pytest.raises(RpcCallError, match="INPUT_FETCH_FAIL"):
                    await _answer_to(c, packet, msg_id)
                packet, msg_id = _raw_message(c, struct.pack("<I", 0x0BADF00D) + bytes(8))
                with pytest.raises(RpcCallError, match="INPUT_METHOD_INVALID_0BADF00D"):
                    await _answer_to(c, packet, msg_id)
                # envelopes: a container inside a container (64), wrong msg_id bits (18)
                body = tl.dumps(tl.from_dict({"_": "help.getNearestDc"}))
                inner_id = c.session.msg_ids.next()
                inner = pack_container([Inner(c.session.msg_ids.next(), 1, body)])
                outer = pack_container([Inner(inner_id, 0, inner)])
                packet, _ = _raw_message(c, outer, seq_no=0)
                with pytest.raises(RpcCallError) as info:
                    await _answer_to(c, packet, inner_id)
                assert info.value.code == -64
                odd_id = c.session.msg_ids.next() + 1
                good_id = c.session.msg_ids.next()
                both = pack_container([Inner(odd_id, 1, body), Inner(good_id, 1, body)])
                packet, _ = _raw_message(c, both, seq_no=0)
                with pytest.raises(RpcCallError) as info:
                    await _answer_to(c, packet, odd_id)
                assert info.value.code == -18
                # caps on the ids of one call; a legal 1 MiB request of 250,000 ids included
                assert (
                    len(await c.call("users.getUsers", id=[SELF] * MAX_GET_USERS)) == MAX_GET_USERS
                )
                for n in (MAX_GET_USERS + 1, 250_000):
                    packet, msg_id = _raw_message(c, _get_users(n))
                    with pytest.raises(RpcCallError, match="LIMIT_INVALID"):
                        await _answer_to(c, packet, msg_id, timeout=10.0)
                ids = [{"_": "inputMessageID", "id": 1}] * (MAX_GET_MESSAGES + 1)
                with pytest.raises(RpcCallError, match="LIMIT_INVALID"):
                    await c.call("messages.getMessages", id=ids)
                # a flood of bad messages costs at most one warning line per 10 s
                caplog.clear()
                with caplog.at_level(logging.WARNING, logger="oxigram.server.dispatcher"):
                    for _ in range(50):
                        packet, msg_id = _raw_message(c, _huge_count(_get_users(1)))
                        with pytest.raises(RpcCallError, match="INPUT_FETCH_FAIL"):
                            await _answer_to(c, packet, msg_id)
                lines = [r for r in caplog.records if r.name == "oxigram.server.dispatcher"]
                assert len(lines) <= 1
                assert (await c.call("help.getNearestDc")).this_dc == 2

    run(main())


def test_the_client_gets_a_typed_error_at_once() -> None:
    async def main() -> None:
        async with LocalDC() as dc:
            acc = dc.add_user("15550902", "Tia")
            async with logged_in(dc, acc.id, bot=False) as c:
                start = time.monotonic()
                with pytest.raises(errors.InputFetchFailError):
                    await c.invoke(_huge_count(_get_users(1)))  # raw bytes, sent as they are
                with pytest.raises(errors.LimitInvalidError):
                    await c.invoke(c.make.users_get_users(id=[c.make.input_user_self()] * 201))
                assert time.monotonic() - start < 2.0  # the request timeout is 10 s
                assert (await c.get_me()).id == acc.id

    run(main())
