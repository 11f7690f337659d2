"""The client runtime against the local DC over real TCP.

One DC per test function (plain ``asyncio.run``), few handshakes: clients that only need a
key share a session (the key is reused, no new exchange)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from oxigram import errors, tl
from oxigram.client import Client, MemorySession, SQLiteSession
from oxigram.mtproto.msgid import MsgIds
from oxigram.network.sender import AuthState, Sender, SenderConfig

server = pytest.importorskip("oxigram.server")
LocalDC = server.LocalDC

TIMEOUT = 45.0


def run(fn: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(fn(), TIMEOUT))


def client(dc: Any, session: Any = None, **kw: Any) -> Client:
    kw.setdefault("config", SenderConfig(backoff_base=0.05, request_timeout=10.0))
    return Client(session, 1, "hash", server=(dc.host, dc.port), rsa_keys=[dc.public_key_pem], **kw)


async def wait_until(cond: Callable[[], bool], timeout: float = 5.0) -> None:
    async def poll() -> None:
        while not cond():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout)


def test_logins_transports_invoke_and_peers() -> None:
    async def main() -> None:
        async with LocalDC(port=0) as dc:
            bot = dc.add_bot("demo_bot")
            dc.add_user("15550001", "Alice", password="hunter2", username="alice")
            shared = MemorySession()
            async with client(dc, shared) as c:
                me = await c.login_bot(bot.token)
                assert me.id == bot.id and me.bot
                cfg = await c.help.getConfig()
                assert cfg._tl_name == "config"
                # peers: username, Bot-API id, "me", InputPeer
                users = await c.users.getUsers(id=["@alice", "me"])
                assert users[0].first_name == "Alice"
                assert users[1].id == bot.id
                alice_id = users[0].id
                again = await c.users.getUsers(id=[alice_id, "alice"])
                assert [u.id for u in again] == [alice_id, alice_id]
                with pytest.raises(errors.PeerNotFoundError):
                    await c.users.getUsers(id=["@nobody_here"])
                with pytest.raises(errors.PeerNotFoundError):
                    await c.users.getUsers(id=[123456789])
                with pytest.raises(errors.RPCError) as info:
                    await c.invoke(
                        c.schema["messages.getBotCallbackAnswer"](
                            peer=await c.get_input_peer("alice"), msg_id=1
                        )
                    )
                assert info.value.request == "messages.getBotCallbackAnswer"
            # every transport, on the key made above (no new handshake)
            for kind in ("abridged", "intermediate", "padded_intermediate", "full", "obfuscated2"):
                async with client(dc, shared, transport=kind) as c:
                    assert (await c.help.getConfig())._tl_name == "config"
                    assert (await c.get_me()).id == bot.id
            assert shared.dc is not None and shared.dc.auth_key is not None

            # user login with 2FA: wrong password, then right (callbacks, sync and async)
            async with client(dc, transport="obfuscated2") as u:
                with pytest.raises(errors.PasswordHashInvalidError):
                    await u.login_user("+15550001", code="12345", password="wrong")
                with pytest.raises(errors.PhoneCodeInvalidError):
                    await u.login_user("+15550001", code="00000", password="x")

                async def code(sent: Any) -> str:
                    assert sent.phone_code_hash
                    return "12345"

                me = await u.login_user("+15550001", code=code, password=lambda: "hunter2")
                assert me.first_name == "Alice"
                assert (await u.get_me()).id == me.id

    run(main)


def test_updates_with_forced_gap_are_recovered(tmp_path: Path) -> None:
    async def main() -> None:
        async with LocalDC(port=0) as dc:
            bot = dc.add_bot("gap_bot")
            user = dc.add_user("15550002", "Bob")
            async with client(dc, tmp_path / "user") as u:
                await u.login_user("15550002", code="12345")
                got: list[Any] = []

                @u.on_update
                async def handler(update: Any) -> None:
                    got.append(update)

                d = u.updates_dispatcher
                assert d is not None
                dc.send_message(bot.id, user.id, "one")
                await wait_until(lambda: len(got) == 1)
                d.enabled = False  # the next push is lost on our side
                dc.send_message(bot.id, user.id, "two")
                await asyncio.sleep(0.3)
                d.enabled = True
                before = d.differences
                dc.send_message(bot.id, user.id, "three")
                await wait_until(lambda: len(got) == 3)
                await d.idle()
                texts = [g.message.message for g in got]
                assert texts == ["one", "two", "three"]
                assert d.differences > before  # "two" came from getDifference
                state = d.machine.state
                assert state is not None
            # the state was saved: a reopened session starts from it
            s = SQLiteSession(tmp_path / "user")
            assert s.update_state == state
            s.close()

    run(main)


def test_reconnect_salt_and_sessions_faults(tmp_path: Path) -> None:
    async def main() -> None:
        path = tmp_path / "bot.session"
        async with LocalDC(port=0, db=str(tmp_path / "dc.db")) as dc:
            bot = dc.add_bot("fault_bot")
            async with client(dc, path) as c:
                await c.login_bot(bot.token)
                sender = c.sender
                assert sender is not None
                # requests in flight when the connection drops
                dc.delay_next_response(0.6)
                calls = [asyncio.create_task(c.help.getConfig()) for _ in range(3)]
                await asyncio.sleep(0.2)
                assert dc.drop_connections() >= 1
                results = await asyncio.wait_for(asyncio.gather(*calls), 15)
                assert all(r._tl_name == "config" for r in results)
                assert sender.reconnects >= 1
                # a salt change: bad_server_salt, adopted, request re-sent
                dc.rotate_salt(keep_old=False)
                assert (await c.help.getConfig())._tl_name == "config"
                # a forgotten session: new_session_created, requests carry on
                dc.forget_sessions()
                assert (await c.get_me()).id == bot.id
                # an answer that never comes: a typed timeout, nothing hangs
                dc.withhold("help.getConfig")
                with pytest.raises(errors.RequestTimeoutError):
                    await c.invoke(c.schema["help.getConfig"](), timeout=0.5)
                assert (await c.get_me()).id == bot.id
            # the server restarts (state kept in its db); the session file is reopened
            await dc.restart()
            async with client(dc, path) as c:
                assert await c.is_authorized()
                assert (await c.get_me()).id == bot.id

    run(main)


def test_a_request_that_cannot_be_serialized_fails_alone() -> None:
    # A wrong field type is found when the sender serializes the request: that request
    # raises TLEncodeError, and the client keeps serving the others.
    async def main() -> None:
        async with LocalDC(port=0) as dc:
            bot = dc.add_bot("encode_bot")
            async with client(dc, MemorySession()) as c:
                await c.login_bot(bot.token)
                bad = c.schema["messages.setBotCallbackAnswer"](query_id="x", cache_time=0)
                # in the same batch as a good request, then on its own
                failed, config = await asyncio.gather(
                    c.invoke(bad), c.help.getConfig(), return_exceptions=True
                )
                assert isinstance(failed, errors.TLEncodeError)
                assert config._tl_name == "config"
                with pytest.raises(errors.TLEncodeError):
                    await c.invoke(bad)
                assert (await c.help.getConfig())._tl_name == "config"

    run(main)


def test_ids_after_the_first_time_sync_stay_above_those_sent_before() -> None:
    # A new session sends with the time offset it stored, then adopts the server's clock
    # from the first answer. When that moves its clock back (the stored offset was ahead,
    # or that answer came late under load), the next ids must still be above the ones
    # already sent: the DC drops a msg_id it has seen as a replay, and that request is
    # never answered (it once was: a request on a new session timed out, nothing logged).
    async def main() -> None:
        async with LocalDC(port=0) as dc:
            key = os.urandom(256)
            dc.import_auth_key(key)
            salt = dc.rotate_salt()
            now = [time.time()]  # the client's clock, moved by the test only
            config = SenderConfig(request_timeout=3.0, ack_interval=30.0)
            sender = Sender(
                dc.host, dc.port, rsa_keys=[], auth=AuthState(key, salt, 1.0), config=config
            )
            await sender.connect()
            try:
                session = sender.session
                assert session is not None
                session.msg_ids.clock = lambda: now[0]
                first = MsgIds("client", clock=lambda: now[0], time_offset=1.0).next()
                await sender.ping()  # the first message: sent as `first`, 1 s ahead
                # synced to the server's clock from the pong; the next id would now be
                # `first` again at this reading of the clock
                now[0] = now[0] + 1.0 - session.msg_ids.time_offset
                result = await sender.invoke(tl.schema["help.getConfig"]())
                assert result._tl_name == "config"
                assert session.msg_ids.last > first
            finally:
                await sender.close()

    run(main)
