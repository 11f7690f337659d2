"""The DC's push path after the e2e benchmark's speed-ups (docs/benchmarks.md): pushes go
through a user id -> sessions index that must follow logins, and the frames queued in one
event-loop iteration leave in one write, in order."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from mtclient import RawClient, login_bot, run

from oxigram.mtproto.rsa_keys import RsaPrivateKey
from oxigram.server import LocalDC


def test_a_session_opened_before_login_gets_pushes_after_it(rsa_key: RsaPrivateKey) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key) as dc:
            bot = dc.add_bot("push_bot")
            user = dc.add_user("15558000", "Pat")
            user_key = os.urandom(256)
            dc.import_auth_key(user_key, user.id)
            bot_key = os.urandom(256)
            dc.import_auth_key(bot_key)  # not logged in yet
            async with RawClient(dc.port, dc.rsa_public_key, auth_key=bot_key) as cb:
                await cb.call("help.getConfig")  # session exists, bound to nobody
                dc.send_message(user.id, bot.id, "before login")  # indexes: no bot session
                assert cb.updates.empty()
                await login_bot(cb, bot.token)
                dc.send_message(user.id, bot.id, "after login")
                upd = await cb.next_update()
                texts = [u.message.message for u in upd.updates]
                assert texts == ["after login"]
                await cb.call("auth.logOut")
                dc.send_message(user.id, bot.id, "after logout")
                await cb.call("help.getConfig")  # anything pushed would be in before this
                assert cb.updates.empty()

    run(main())


def test_frames_of_one_loop_iteration_leave_in_one_write_in_order(
    rsa_key: RsaPrivateKey,
) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key) as dc:
            bot = dc.add_bot("burst_bot")
            user = dc.add_user("15558001", "Quinn")
            key = os.urandom(256)
            dc.import_auth_key(key, user.id)
            async with RawClient(dc.port, dc.rsa_public_key, auth_key=key) as cu:
                await cu.call("updates.getState")
                writes: list[int] = []
                (conn,) = dc.engine._connections
                transport_cls = type(conn.io)
                real_write = transport_cls.write

                def counting_write(self: asyncio.Transport, data: Any) -> None:
                    writes.append(len(data))
                    real_write(self, data)

                transport_cls.write = counting_write  # type: ignore[method-assign,assignment]
                try:
                    for i in range(50):  # one iteration: no await in between
                        dc.send_message(bot.id, user.id, f"m{i}")
                    got: list[str] = []
                    while len(got) < 50:
                        upd = await cu.next_update()
                        got += [u.message.message for u in upd.updates]
                finally:
                    transport_cls.write = real_write  # type: ignore[method-assign]
                assert got == [f"m{i}" for i in range(50)]
                assert len(writes) == 1, writes  # 50 frames, one write (one send syscall)

    run(main())


def test_messages_queued_for_a_lost_connection_go_out_on_the_next_one(
    rsa_key: RsaPrivateKey,
) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key) as dc:
            bot = dc.add_bot("lost_bot")
            user = dc.add_user("15558002", "Rene")
            key = os.urandom(256)
            dc.import_auth_key(key, user.id)
            first = RawClient(dc.port, dc.rsa_public_key, auth_key=key)
            await first.connect()
            await first.call("updates.getState")
            (conn,) = dc.engine._connections
            dc.send_message(bot.id, user.id, "while you were away")  # queued for the flush
            conn.io.abort()  # the socket dies before that flush runs
            await first.close()
            async with RawClient(dc.port, dc.rsa_public_key, auth_key=key) as second:
                second.session = first.session  # the same MTProto session, a new connection
                await second.call("help.getConfig")
                upd = await second.next_update()
                assert [u.message.message for u in upd.updates] == ["while you were away"]

    run(main())
