"""``oxigram serve`` in a subprocess with few file descriptors (``RLIMIT_NOFILE`` lowered):
thousands of idle sockets, half-sent frames and accept errors, measured from outside.

Before connection limits, 1,021 idle sockets against ``nofile`` 1024 made an honest login time
out for as long as they were held, and asyncio wrote about a million lines of EMFILE
tracebacks in 40 s (``scripts/hostile_connections.py`` measures the same from the command
line)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import struct
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

resource = pytest.importorskip("resource")  # Unix: descriptor limits

from oxigram.client import Client  # noqa: E402
from oxigram.mtproto.rsa_keys import RsaPrivateKey, private_key_to_pem  # noqa: E402

TOKEN = "4242:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
TAG = b"\xee" * 4
CLI = "import sys; from oxigram.cli import main; sys.exit(main())"


@dataclass
class Served:
    proc: asyncio.subprocess.Process
    port: int
    pem: str
    stderr: Path

    def stderr_lines(self) -> int:
        return self.stderr.read_bytes().count(b"\n")

    def peak_rss(self) -> int:
        """The DC's peak resident memory in bytes (VmHWM)."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        assert match is not None
        return int(match.group(1)) * 1024


@contextlib.asynccontextmanager
async def serve(tmp: Path, key: RsaPrivateKey, nofile: int, *flags: str) -> AsyncIterator[Served]:
    def lower() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    pem, stderr, key_file = tmp / "dc.pem", tmp / "stderr", tmp / "dc.key"
    key_file.write_text(private_key_to_pem(key))  # a new one would take a second or more
    argv = ["serve", "--key", str(key_file), "--pem", str(pem), "--bot", f"hb:{TOKEN}", *flags]
    with stderr.open("wb") as err:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", CLI, *argv, stdout=subprocess.PIPE, stderr=err, preexec_fn=lower
        )
    try:
        assert proc.stdout is not None
        port = 0
        while True:
            line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
            assert line, f"the DC exited: {stderr.read_text()}"
            if match := re.search(r"listening on [^:]+:(\d+)", line):
                port = int(match.group(1))
            if line.startswith("bot @"):
                break
        yield Served(proc, port, pem.read_text(), stderr)
        assert proc.returncode is None, "the DC died"
    finally:
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except asyncio.TimeoutError:
                proc.kill()
                await proc.wait()


async def login(dc: Served) -> float:
    """Seconds for a new client to get an auth key and log in as the bot."""
    client = Client(None, 1, "hash", server=("127.0.0.1", dc.port), rsa_keys=[dc.pem])
    start = time.monotonic()
    try:
        await client.connect()
        await client.login_bot(TOKEN)
        return time.monotonic() - start
    finally:
        await client.close()


async def answers_again(port: int, within: float = 30.0) -> None:
    """Waits until a new connection's ``req_pq_multi`` gets its ``resPQ`` (the DC accepts
    and serves new connections again)."""
    body = (0xBE7E8EF1).to_bytes(4, "little") + bytes(16)  # req_pq_multi, a zero nonce
    msg_id = (int(time.time() * 2**32) // 4 * 4).to_bytes(8, "little")
    message = bytes(8) + msg_id + struct.pack("<i", len(body)) + body
    deadline = time.monotonic() + within
    while True:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 2.0)
            try:
                writer.write(TAG + struct.pack("<i", len(message)) + message)
                (size,) = struct.unpack("<i", await asyncio.wait_for(reader.readexactly(4), 2.0))
                if size > 0:
                    await asyncio.wait_for(reader.readexactly(size), 2.0)
                    return
            finally:
                writer.close()
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            pass
        assert time.monotonic() < deadline, "the DC did not answer a new connection"


async def open_idle(
    port: int, count: int, first: bytes = TAG, wait: float = 5.0
) -> list[asyncio.StreamWriter]:
    async def one() -> asyncio.StreamWriter | None:
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), wait)
        except (OSError, asyncio.TimeoutError):
            return None
        writer.write(first)
        return writer

    held: list[asyncio.StreamWriter] = []
    for start in range(0, count, 500):  # in waves: the listen backlog is finite
        got = await asyncio.gather(*(one() for _ in range(min(500, count - start))))
        held += [w for w in got if w is not None]
    return held


def _own_descriptors(need: int) -> int:
    """Raises this process's soft descriptor limit towards ``need``; returns what it got."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = need if hard == resource.RLIM_INFINITY else min(need, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return max(soft, target)


def run(coro: object, timeout: float = 120) -> None:
    asyncio.run(asyncio.wait_for(coro, timeout))  # type: ignore[arg-type]


def test_an_honest_login_succeeds_within_a_second_while_5000_idle_sockets_are_held(
    tmp_path: Path, rsa_key: RsaPrivateKey
) -> None:
    count = min(5000, _own_descriptors(5300) - 300)

    async def main() -> None:
        async with serve(tmp_path, rsa_key, 1024) as dc:
            assert await login(dc) < 5  # the first one also imports and warms up
            held = await open_idle(dc.port, count)
            assert len(held) == count  # none hangs: each is accepted, some to be closed
            # The kernel completes a connect before the DC accepts it: wait until the DC has
            # worked through its accept queue (thousands of accepts, each closing an older
            # socket) and answers again, so the login is timed "while they are held" rather
            # than behind a full listen queue (a dropped SYN is retried after 1 s).
            await answers_again(dc.port)
            assert await login(dc) < 1.0
            for writer in held:
                writer.close()
            assert dc.stderr_lines() < 10  # with the default (WARNING) level

    run(main())


def test_40_half_sent_2_mib_frames_keep_the_dc_s_memory_bounded(
    tmp_path: Path, rsa_key: RsaPrivateKey
) -> None:
    cap = 8 * 1024 * 1024
    if not Path("/proc/self/status").exists():
        pytest.skip("peak memory is read from /proc")

    async def half_sent(port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(TAG + struct.pack("<i", 2 * 1024 * 1024) + b"\x01" * (1024 * 1024))
        with contextlib.suppress(ConnectionResetError, asyncio.TimeoutError):
            await asyncio.wait_for(reader.read(), 3)
        writer.close()

    async def main() -> None:
        async with serve(tmp_path, rsa_key, 1024, "--max-buffered", str(cap)) as dc:
            await login(dc)
            before = dc.peak_rss()
            senders = [asyncio.create_task(half_sent(dc.port)) for _ in range(40)]
            await asyncio.sleep(0.5)
            assert await login(dc) < 2.0
            await asyncio.gather(*senders)
            grown = dc.peak_rss() - before
            # 40 MiB without the cap; the cap, a read buffer per connection and slack with it
            assert grown < cap + 16 * 1024 * 1024, grown

    run(main())


def test_accept_errors_write_a_few_lines_not_a_flood(
    tmp_path: Path, rsa_key: RsaPrivateKey
) -> None:
    # No descriptor reserve: the DC's own cap is the limit itself, so accept() does fail
    # with EMFILE (asyncio takes up to 100 sockets at once before the DC sees them).
    _own_descriptors(1000)

    async def main() -> None:
        flags = ("--fd-reserve", "0", "--hello-timeout", "2")
        async with serve(tmp_path, rsa_key, 256, *flags) as dc:
            held = await open_idle(dc.port, 500, b"", wait=1.0)
            await asyncio.sleep(1.5)
            for writer in held:
                writer.close()
            text = dc.stderr.read_text()
            assert "cannot accept connections" in text  # EMFILE it was
            assert dc.stderr_lines() < 50, text[:2000]
            assert await login(dc) < 2.0

    run(main())
