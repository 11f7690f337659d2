"""Hostile input: the offending connection gets the protocol's answer or is closed; the
others keep being served; memory stays bounded (frame size bound, replay window)."""

from __future__ import annotations

import asyncio
import os
import struct

from mtclient import RawClient, run

from oxigram import crypto, tl
from oxigram.mtproto.messages import Inner, pack_container
from oxigram.mtproto.rsa_keys import RsaPrivateKey
from oxigram.server import LocalDC


async def _closed_after(dc: LocalDC, data: bytes) -> bytes:
    """Sends raw bytes on a fresh connection; returns what the server sent before closing."""
    reader, writer = await asyncio.open_connection(dc.host, dc.port)
    writer.write(data)
    await writer.drain()
    got = await asyncio.wait_for(reader.read(), 10)  # until EOF: the server closed
    writer.close()
    return got


def _raw_message(
    c: RawClient, body: bytes, *, msg_id: int | None = None, seq_no: int = 1
) -> tuple[bytes, int]:
    """One encrypted message with ``body`` as is (bypassing the session's own checks);
    ``seq_no`` 1 (content-related) by default, containers need an even one."""
    s = c.session
    assert s is not None
    msg_id = msg_id if msg_id is not None else s.msg_ids.next()
    payload = struct.pack("<qqqii", s.salt, s.session_id, msg_id, seq_no, len(body)) + body
    padding = os.urandom(12 + (-(len(payload) + 12) % 16))
    return crypto.encrypt_message(s.auth_key, payload, sender="client", padding=padding), msg_id


def test_hostile_connections_are_closed_and_others_keep_being_served(
    rsa_key: RsaPrivateKey,
) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key, max_frame=64 * 1024) as dc:
            key = os.urandom(256)
            dc.import_auth_key(key)
            async with RawClient(dc.port, dc.rsa_public_key, auth_key=key) as good:
                await good.call("help.getNearestDc")
                # garbage: HTTP, a random 64-byte header with no valid tag -> closed
                assert await _closed_after(dc, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n") == b""
                await _closed_after(dc, bytes([0x42]) * 7 + os.urandom(57))
                # oversized frame: intermediate length above the bound -> -404, closed
                got = await _closed_after(dc, b"\xee" * 4 + struct.pack("<i", 10 * 1024 * 1024))
                assert got == struct.pack("<i", 4) + struct.pack("<i", -404)
                # a frame too short to be a message, and a broken handshake packet
                got = await _closed_after(dc, b"\xee" * 4 + struct.pack("<i", 8) + bytes(8))
                assert got in (b"", struct.pack("<i", 4) + struct.pack("<i", -404))
                junk = bytes(8) + os.urandom(8) + struct.pack("<i", 20) + os.urandom(20)
                got = await _closed_after(dc, b"\xee" * 4 + struct.pack("<i", len(junk)) + junk)
                assert got.endswith(struct.pack("<i", -404))
                # a packet encrypted with a known key id but a wrong msg_key -> -404
                bogus = crypto.auth_key_id(key) + os.urandom(16 + 64)
                got = await _closed_after(dc, b"\xee" * 4 + struct.pack("<i", len(bogus)) + bogus)
                assert got.endswith(struct.pack("<i", -404))
                # truncated frame, then the client goes away
                _, writer = await asyncio.open_connection(dc.host, dc.port)
                writer.write(b"\xee" * 4 + struct.pack("<i", 1000) + b"partial")
                writer.close()
                assert (await good.call("help.getNearestDc")).this_dc == 2
                assert dc.stats["closed_bad_input"] >= 5

    run(main())


def test_replays_and_huge_or_nested_containers(rsa_key: RsaPrivateKey) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key) as dc:
            key = os.urandom(256)
            dc.import_auth_key(key)
            async with (
                RawClient(dc.port, dc.rsa_public_key, auth_key=key) as c,
                RawClient(dc.port, dc.rsa_public_key, auth_key=key) as other,
            ):
                await c.call("help.getNearestDc")
                await other.call("help.getNearestDc")
                requests = dc.stats["requests"]
                # the same packet twice: answered once
                body = tl.dumps(tl.from_dict({"_": "help.getNearestDc"}))
                packet, _ = _raw_message(c, body)
                c.write(packet)
                c.write(packet)
                await other.call("help.getNearestDc")
                await asyncio.sleep(0.2)
                assert dc.stats["requests"] == requests + 2  # c's once, other's once
                # a container of 1,025 messages -> bad_msg_notification 64, nothing executed
                assert c.session is not None
                inner = [Inner(c.session.msg_ids.next(), 1, body) for _ in range(1025)]
                packet, _ = _raw_message(c, pack_container(inner), seq_no=0)
                c.write(packet)
                # a container inside a container: the inner one is skipped, the rest served
                inner_c = pack_container([Inner(c.session.msg_ids.next(), 1, body)])
                nested = pack_container(
                    [
                        Inner(c.session.msg_ids.next(), 0, inner_c),
                        Inner(c.session.msg_ids.next(), 1, body),
                    ]
                )
                packet, _ = _raw_message(c, nested, seq_no=0)
                c.write(packet)
                assert (await c.call("help.getNearestDc")).this_dc == 2
                assert dc.stats["requests"] == requests + 4  # 1 from the nested + this call
                # flooding replays closes the connection (bounded work), others unaffected
                for _ in range(70):
                    c.write(packet)
                await asyncio.wait_for(c.closed.wait(), 10)
                assert c.transport_error == 429
                assert (await other.call("help.getNearestDc")).this_dc == 2

    run(main())


def test_a_flood_of_pings_in_one_read_is_answered_in_several_containers(
    rsa_key: RsaPrivateKey,
) -> None:
    # 1,200 pings in one TCP write: their pongs wait for one flush, more than a container
    # holds (1024). They go out in as many containers as needed, and the request that came
    # after them is answered.
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key) as dc:
            key = os.urandom(256)
            dc.import_auth_key(key)
            async with RawClient(dc.port, dc.rsa_public_key, auth_key=key) as c:
                await c.call("help.getConfig")
                assert c.session is not None
                data = b""
                for p in range(3):
                    pings = [tl.schema["ping"](ping_id=p * 1000 + i) for i in range(400)]
                    data += c.transport.pack(c.session.pack(*pings).packet)
                request = tl.schema["help.getConfig"]()
                packed = c.session.pack(request)
                fut = asyncio.get_running_loop().create_future()
                c._pending[packed.msg_ids[0]] = (request, fut)
                c.write_raw(data + c.transport.pack(packed.packet))
                config = await asyncio.wait_for(fut, 10)
                assert config._tl_name == "config"
                assert (await c.call("help.getConfig"))._tl_name == "config"

    run(main())
