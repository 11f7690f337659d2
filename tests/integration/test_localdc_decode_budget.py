"""The issue's breadth gzip bomb against the local DC: sent encrypted by a client with an auth
key and unencrypted before any auth key exists, 16 and 64 copies. The DC refuses each at
the decode budget, a logged-in client's pings keep answering within 100 ms meanwhile, the
DC's memory stays within the budget's bound, and it keeps serving."""

from __future__ import annotations

import asyncio
import gzip
import logging
import os
import struct
import sys
from collections.abc import Awaitable, Callable

import pytest
from mtclient import RawClient, run
from test_localdc_hostile import _raw_message

from oxigram.mtproto.rsa_keys import RsaPrivateKey
from oxigram.testing import Sandbox

STALL_LIMIT = 0.100  # seconds between answered pings while the bombs land
MEMORY_LIMIT_MB = 250  # growth of the process's peak RSS the bombs may cause


def breadth_bomb(copies: int) -> bytes:
    """A vector of ``copies`` copies of one 16 KB gzip_packed that unpacks to a 16 MiB
    vector of boolTrue (before the budget: 7.5 s and 601 MB to decode 16 copies natively)."""
    n = (16 * 1024 * 1024 - 8) // 4
    payload = struct.pack("<Ii", 0x1CB5C415, n) + struct.pack("<I", 0x997275B5) * n
    raw = gzip.compress(payload, 9, mtime=0)
    one = b"\xa1\xcf\x72\x30" + struct.pack("<I", 254 | len(raw) << 8) + raw
    one += bytes(-len(raw) % 4)
    return struct.pack("<Ii", 0x1CB5C415, copies) + one * copies


def intermediate(payload: bytes) -> bytes:
    return struct.pack("<i", len(payload)) + payload


async def send_and_wait_closed(host: str, port: int, data: bytes) -> None:
    """Sends ``data`` on a fresh connection and waits until the DC closes it (or 10 s). A
    DC that closes with our bytes still unread in its buffer makes the kernel reset the
    connection: a close too."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(data)
        await writer.drain()
        await asyncio.wait_for(reader.read(), 10)
    except ConnectionResetError:
        pass
    finally:
        writer.close()


def memory_mb(field: str) -> float:
    """``VmRSS`` or ``VmHWM`` (the peak since the last :func:`reset_peak`) of this process."""
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(f"{field}:")) / 1024


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # resets VmHWM to the current RSS


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="peak memory from /proc")
def test_bombs_do_not_stall_a_logged_in_client_or_exhaust_the_dc(
    rsa_key: RsaPrivateKey, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="oxigram.mtproto.session")

    async def main() -> None:
        async with Sandbox(rsa_key=rsa_key) as sb:
            dc = sb.dc
            user = await sb.user()
            sender = user.sender
            assert sender is not None
            await sender.ping()
            key = os.urandom(256)
            dc.import_auth_key(key)
            bombs = {copies: breadth_bomb(copies) for copies in (16, 64)}
            stalls: list[float] = []
            done = asyncio.Event()

            async def pinger() -> None:
                # A stall is the time from one answered ping to the next (a ping every
                # 5 ms): it counts a frozen event loop whether or not a ping was in flight.
                loop = asyncio.get_running_loop()
                last = loop.time()
                while not done.is_set():
                    await sender.ping(timeout=30)
                    now = loop.time()
                    stalls.append(now - last)
                    last = now
                    await asyncio.sleep(0.005)

            async def longest_stall_while(send: Callable[[bytes], Awaitable[None]]) -> float:
                stalls.clear()
                done.clear()
                pinging = asyncio.create_task(pinger())
                await asyncio.sleep(0.05)
                for _ in range(2):
                    for bomb in bombs.values():
                        await send(bomb)
                await asyncio.sleep(0.1)
                done.set()
                await pinging
                assert len(stalls) > 10
                return max(stalls)

            async def before_auth(bomb: bytes) -> None:
                # an unencrypted message (auth_key_id 0), decoded by the handshake
                plain = bytes(8) + struct.pack("<qi", 1 << 62, len(bomb)) + bomb
                await send_and_wait_closed(dc.host, dc.port, b"\xee" * 4 + intermediate(plain))

            reset_peak()
            rss_before = memory_mb("VmRSS")
            stall = await longest_stall_while(before_auth)
            assert stall < STALL_LIMIT, sorted(stalls)[-5:]
            print(f"before auth: {len(stalls)} pings, longest {stall * 1000:.1f} ms")
            async with RawClient(dc.port, dc.rsa_public_key, auth_key=key) as attacker:
                # a first call settles the server salt, so the bombs reach the decoder
                assert (await attacker.call("help.getNearestDc")).this_dc == 2

                # encrypted messages whose body is a bomb, in the order they are sent, built
                # before the pings are timed (the attacker's own pure AES would stall this
                # process's loop, which the DC and the pinging client share)
                packets = iter(
                    [_raw_message(attacker, b)[0] for _ in range(2) for b in bombs.values()]
                )

                async def after_auth(bomb: bytes) -> None:
                    attacker.write(next(packets))
                    await asyncio.sleep(0.2)

                stall = await longest_stall_while(after_auth)
                print(f"after auth: {len(stalls)} pings, longest {stall * 1000:.1f} ms")
                # (the pure backend's AES takes most of a second over a 1 MB packet: the DC
                # decrypts large packets in a thread, so the loop keeps answering)
                assert stall < STALL_LIMIT, sorted(stalls)[-5:]
                assert (await attacker.call("help.getNearestDc")).this_dc == 2
            grown = memory_mb("VmHWM") - rss_before
            print(f"peak RSS +{grown:.0f} MB")
            assert grown < MEMORY_LIMIT_MB, grown
            assert (await user.get_me()).id == sb.account(user).id

    run(main(), timeout=120)
    # the encrypted bombs were decoded, and refused at the budget
    # (the session logs each skipped message; the dispatcher's rate-limited line is not
    # counted)
    refused = [
        r
        for r in caplog.records
        if r.name == "oxigram.mtproto.session" and "exceeds the decode budget" in r.getMessage()
    ]
    assert len(refused) == 4


def test_a_large_packet_is_decrypted_off_the_loop_and_answered_in_order(
    rsa_key: RsaPrivateKey,
) -> None:
    """A packet from ``DECRYPT_OFF_LOOP`` bytes on is decrypted in a thread: it is still
    answered, and the requests sent after it on the same connection are answered too."""
    from oxigram import errors
    from oxigram.server.connection import DECRYPT_OFF_LOOP
    from oxigram.tl import functions

    async def main() -> None:
        async with Sandbox(rsa_key=rsa_key) as sb:
            user = await sb.user()
            big = functions.upload.SaveFilePart(
                file_id=1, file_part=0, bytes=os.urandom(2 * DECRYPT_OFF_LOOP)
            )
            calls = [user.invoke(big), user.get_me(), user.invoke(big), user.get_me()]
            results = await asyncio.gather(*calls, return_exceptions=True)
            # the local DC has no uploads: the large request is answered with an RPC error
            assert isinstance(results[0], errors.RPCError), results[0]
            assert "NOT_IMPLEMENTED" in str(results[0])
            assert isinstance(results[2], errors.RPCError), results[2]
            assert results[1].id == results[3].id == sb.account(user).id  # type: ignore[union-attr]

    run(main(), timeout=60)
