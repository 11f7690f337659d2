"""The client runtime against DC fault hooks and a hostile network, over real TCP.

FLOOD_WAIT handling (``dc.inject_error``), a non-idempotent request in flight across a dropped
connection (answered from the DC's stored answers, run once), ``PHONE_MIGRATE_X`` at login
between two DCs, and a relaying proxy that corrupts the server's stream: a malformed frame,
an absurd frame length, garbage, tampered and replayed packets, a cut mid-request; and a
server restart with a request in flight. Keys are imported (``dc.import_auth_key``) where the
handshake is not the point, so the pure backend stays fast."""

from __future__ import annotations

import asyncio
import os
import struct
import tracemalloc
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from oxigram import errors
from oxigram.client import Client, MemorySession
from oxigram.client.storage import DcInfo
from oxigram.network.sender import SenderConfig
from oxigram.server import LocalDC

TIMEOUT = 40.0


def run(fn: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(fn(), TIMEOUT))


def keyed_session(dc_id: int, host: str, port: int, key: bytes) -> MemorySession:
    s = MemorySession()
    s.set_dc(DcInfo(dc_id, host, port, key))
    return s


def client(dc: LocalDC, session: Any, *, port: int | None = None, **kw: Any) -> Client:
    kw.setdefault("config", SenderConfig(backoff_base=0.05, request_timeout=10.0))
    return Client(
        session,
        1,
        "hash",
        server=(dc.host, dc.port if port is None else port),
        rsa_keys=[dc.public_key_pem],
        dc_id=dc.dc_id,
        **kw,
    )


async def wait_until(cond: Callable[[], bool], timeout: float = 5.0) -> None:
    async def poll() -> None:
        while not cond():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


def test_flood_wait_below_threshold_is_slept_above_raises() -> None:
    async def main() -> None:
        async with LocalDC() as dc:
            key = os.urandom(256)
            dc.import_auth_key(key)
            async with client(
                dc, keyed_session(2, dc.host, dc.port, key), flood_sleep_threshold=5
            ) as c:
                loop = asyncio.get_running_loop()
                dc.inject_error("help.getConfig", 420, "FLOOD_WAIT_1")
                start = loop.time()
                assert (await c.help.getConfig())._tl_name == "config"
                assert loop.time() - start >= 0.95  # slept, then repeated
                requests = dc.stats["requests"]
                dc.inject_error("help.getConfig", 420, "FLOOD_WAIT_30", count=2)
                start = loop.time()
                with pytest.raises(errors.FloodWaitError) as info:
                    await c.help.getConfig()
                assert info.value.seconds == 30 and info.value.request == "help.getConfig"
                assert loop.time() - start < 1.0  # above the threshold: no sleep
                assert dc.stats["requests"] == requests + 1
                # the rule's second use, then it is spent
                with pytest.raises(errors.FloodWaitError):
                    await c.help.getConfig()
                assert (await c.help.getConfig())._tl_name == "config"

    run(main)


def test_non_idempotent_request_across_a_drop_runs_once_and_gets_its_result() -> None:
    async def main() -> None:
        async with LocalDC() as dc:
            bot = dc.add_bot("once_bot")
            user = dc.add_user("15550101", "Uma")
            key = os.urandom(256)
            dc.import_auth_key(key, user_id=user.id)
            peer = {"_": "inputPeerUser", "user_id": bot.id, "access_hash": bot.access_hash}
            async with client(dc, keyed_session(2, dc.host, dc.port, key)) as c:
                sender = c.sender
                assert sender is not None

                def sent(text: str) -> int:
                    return sum(m.text == text for m in dc.store.messages.values())

                # 1. executed, answer withheld, then the connection drops: the re-sent copy
                #    (same msg_id) is answered from the DC's stored answers
                dc.withhold("messages.sendMessage")
                call = asyncio.create_task(
                    c.messages.sendMessage(peer=peer, message="once", random_id=1)
                )
                await wait_until(lambda: sent("once") == 1)
                assert dc.drop_connections() == 1
                result = await asyncio.wait_for(call, 15)
                assert result._tl_name == "updates"
                assert sent("once") == 1
                assert dc.stats["answers_resent"] == 1
                assert sender.reconnects == 1

                # 2. still running when the copy arrives: no second run, the answer follows
                dc.delay_next_response(1.0, "messages.sendMessage")
                call = asyncio.create_task(
                    c.messages.sendMessage(peer=peer, message="twice?", random_id=2)
                )
                await wait_until(lambda: sent("twice?") == 1)
                dc.drop_connections()
                result = await asyncio.wait_for(call, 15)
                assert result._tl_name == "updates"
                assert sent("twice?") == 1
                assert sender.reconnects == 2
                assert dc.answers.bytes > 0

    run(main)


def test_phone_migrate_moves_the_login_to_the_dc_named_by_the_config() -> None:
    async def main() -> None:
        async with LocalDC(dc_id=2) as home, LocalDC(dc_id=4) as other:
            home.add_peer_dc(4, other.host, other.port)
            user = other.add_user("15550404", "Mia")
            home.inject_error("auth.sendCode", 303, "PHONE_MIGRATE_4")
            key = os.urandom(256)
            home.import_auth_key(key)
            session = keyed_session(2, home.host, home.port, key)
            async with client(home, session) as c:
                me = await c.login_user("+15550404", code="12345")
                assert me.id == user.id
                assert c.dc_id == 4
                assert (await c.get_me()).id == user.id
            dc = session.dc
            assert dc is not None and (dc.dc_id, dc.port) == (4, other.port)
            assert dc.auth_key is not None and dc.auth_key != key
            assert other.stats["handshakes"] == 1
            # reopened with the old address: the session's home DC wins
            async with client(home, session) as c:
                assert c.dc_id == 4 and await c.is_authorized()
                assert (await c.get_me()).id == user.id
            # no migration for an authorized session, nor to a DC the config does not name
            home.inject_error("help.getNearestDc", 303, "USER_MIGRATE_9")
            async with client(home, keyed_session(2, home.host, home.port, key)) as c:
                with pytest.raises(errors.UserMigrateError) as info:
                    await c.help.getNearestDc()
                assert info.value.dc_id == 9 and c.dc_id == 2

    run(main)


class Proxy:
    """Relays TCP between clients (intermediate transport) and a DC; the server's stream is
    read frame by frame so bytes can be injected between frames."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.port = 0
        self.tamper = 0  # the next n server frames are preceded by a tampered copy
        self.replay = 0  # the next n server frames are sent twice
        self._writers: list[asyncio.StreamWriter] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> Proxy:
        self._server = await asyncio.start_server(self._on_client, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        self.cut()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)

    async def _on_client(self, cr: asyncio.StreamReader, cw: asyncio.StreamWriter) -> None:
        sr, sw = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", self.target), 5)
        self._writers += [cw, sw]
        for coro in (self._up(cr, sw), self._down(sr, cw)):
            task = asyncio.create_task(coro)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _up(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _down(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readexactly(4)
                frame = head + await reader.readexactly(struct.unpack("<i", head)[0])
                if self.tamper:
                    self.tamper -= 1
                    bad = bytearray(frame)
                    bad[-1] ^= 0x01
                    writer.write(bytes(bad))
                writer.write(frame)
                if self.replay:
                    self.replay -= 1
                    writer.write(frame)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def inject(self, data: bytes) -> None:
        """Raw bytes to every client, now (always between two frames)."""
        for w in self._writers[::2]:
            if not w.is_closing():
                w.write(data)

    def cut(self) -> None:
        for w in self._writers:
            w.close()
        self._writers.clear()


def test_hostile_server_stream_recovered_without_hangs_or_huge_allocations() -> None:
    async def main() -> None:
        async with LocalDC() as dc:
            key = os.urandom(256)
            dc.import_auth_key(key)
            async with Proxy(dc.port) as proxy:
                cfg = SenderConfig(backoff_base=0.05, request_timeout=10.0, max_bad_packets=4)
                async with client(
                    dc, keyed_session(2, dc.host, proxy.port, key), port=proxy.port, config=cfg
                ) as c:
                    sender = c.sender
                    assert sender is not None
                    config = c.schema["help.getConfig"]

                    async def in_flight(fault: Callable[[], None]) -> None:
                        """A request and a second one in flight while ``fault`` hits."""
                        dc.delay_next_response(0.3, "help.getConfig")
                        calls = [asyncio.create_task(c.invoke(config())) for _ in range(2)]
                        await asyncio.sleep(0.1)
                        fault()
                        for result in await asyncio.wait_for(asyncio.gather(*calls), 15):
                            assert result._tl_name == "config"

                    assert (await c.invoke(config()))._tl_name == "config"
                    # tampered and replayed packets: dropped, the connection carries on
                    proxy.tamper, proxy.replay = 2, 2
                    await in_flight(lambda: None)
                    assert sender.reconnects == 0
                    # a few garbage frames (random bytes): dropped
                    junk = os.urandom(64)
                    await in_flight(lambda: proxy.inject((struct.pack("<i", 64) + junk) * 2))
                    assert sender.reconnects == 0
                    # garbage beyond max_bad_packets: the connection is replaced
                    await in_flight(lambda: proxy.inject((struct.pack("<i", 64) + junk) * 4))
                    assert sender.reconnects == 1
                    # a malformed frame (too short to be a message): reconnect
                    await in_flight(lambda: proxy.inject(struct.pack("<i", 8) + b"\x01" * 8))
                    assert sender.reconnects == 2
                    # an absurd length: refused from the header, nothing that big allocated
                    tracemalloc.start()
                    try:
                        await in_flight(lambda: proxy.inject(struct.pack("<I", 0x7FFFFFFF)))
                        _, peak = tracemalloc.get_traced_memory()
                    finally:
                        tracemalloc.stop()
                    assert peak < 32 * 1024 * 1024
                    assert sender.reconnects == 3
                    # the proxy closes everything mid-request
                    await in_flight(proxy.cut)
                    assert sender.reconnects == 4
                    # every wait is bounded: a request that can never be answered times out
                    dc.withhold("help.getConfig")
                    with pytest.raises(errors.RequestTimeoutError):
                        await c.invoke(config(), timeout=0.5)
                    assert (await c.invoke(config()))._tl_name == "config"

    run(main)


def test_server_restart_with_requests_in_flight() -> None:
    async def main() -> None:
        async with LocalDC() as dc:
            bot = dc.add_bot("restart_bot")
            key = os.urandom(256)
            dc.import_auth_key(key, user_id=bot.id)
            cfg = SenderConfig(backoff_base=0.1, request_timeout=10.0, reconnect_retries=8)
            async with client(dc, keyed_session(2, dc.host, dc.port, key), config=cfg) as c:
                sender = c.sender
                assert sender is not None
                dc.delay_next_response(1.0, "help.getConfig")
                call = asyncio.create_task(c.help.getConfig())
                other = asyncio.create_task(c.get_me())
                await asyncio.sleep(0.2)
                await dc.restart()  # the delayed answer is lost with the old process
                assert (await asyncio.wait_for(call, 15))._tl_name == "config"
                assert (await asyncio.wait_for(other, 15)).id == bot.id
                assert sender.reconnects >= 1
            # the client closes cleanly even when the server is gone for good
            async with client(dc, keyed_session(2, dc.host, dc.port, key), config=cfg) as c:
                await dc.stop()
                with pytest.raises((errors.ConnectionLostError, errors.RequestTimeoutError)):
                    await c.invoke(c.schema["help.getConfig"](), timeout=2.0)

    run(main)
