"""Connection abuse against ``oxigram serve``, measured: idle sockets, slowloris, log volume.

    python scripts/hostile_connections.py [--sockets 5000] [--nofile 1024] [-- SERVE FLAGS]

Starts ``oxigram serve`` in a subprocess with ``RLIMIT_NOFILE`` lowered to
``--nofile`` (stderr to a temporary file), then, one after the other:

* idle sockets: opens ``--sockets`` connections that send the intermediate tag and nothing
  more, holds them, and logs a bot in (new auth key + ``auth.importBotAuthorization``) with
  oxigram's own client, timing it;
* half-sent frames: ``--half-sent`` connections each announce a 2 MiB frame, send 1 MiB of
  it and wait: the DC's peak resident memory (VmHWM) before and after, and a login meanwhile;
* slowloris: a connection that sends the tag then one byte every ``--drip`` seconds, and one
  that starts a 1,000-byte frame and never finishes it: how long each stays open (at most
  ``--hold`` seconds);
* how many lines the DC wrote to stderr during all this.

Only public entry points are used, so the same script measures any revision of the package
(``PYTHONPATH`` picks which). Flags after ``--`` go to ``oxigram serve``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import resource
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TOKEN = "4242:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
TAG = b"\xee" * 4
_CLI = "import sys; from oxigram.cli import main; sys.exit(main())"


def _lower_nofile(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))


async def _start_dc(nofile: int, extra: list[str], pem: Path, stderr: Path) -> tuple[Any, int]:
    cmd = [sys.executable, "-c", _CLI, "serve", "--pem", str(pem), "--bot", f"hb:{TOKEN}"]
    proc = await asyncio.create_subprocess_exec(
        *cmd,
        *extra,
        stdout=subprocess.PIPE,
        stderr=stderr.open("wb"),
        preexec_fn=lambda: _lower_nofile(nofile),
    )
    assert proc.stdout is not None
    while True:
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        if not line:
            raise RuntimeError("the DC exited")
        match = re.search(r"listening on [^:]+:(\d+)", line)
        if match:
            port = int(match.group(1))
        if line.startswith("bot @"):
            return proc, port


async def _login(port: int, pem: Path, timeout: float) -> float | str:
    from oxigram.client import Client

    start = time.monotonic()
    client = Client(None, 1, "hash", server=("127.0.0.1", port), rsa_keys=[pem.read_text()])
    try:
        await asyncio.wait_for(_connect_and_login(client), timeout)
    except Exception as exc:  # what happened is the measurement
        return f"failed after {time.monotonic() - start:.2f} s: {exc!r}"
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.close(), 5)
    return time.monotonic() - start


async def _connect_and_login(client: Any) -> None:
    await client.connect()
    await client.login_bot(TOKEN)


async def _idle(port: int, count: int) -> list[asyncio.StreamWriter]:
    async def one() -> asyncio.StreamWriter | None:
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
        except (OSError, asyncio.TimeoutError):
            return None
        writer.write(TAG)
        return writer

    held: list[asyncio.StreamWriter] = []
    for start in range(0, count, 500):  # in waves: the listen backlog is finite
        got = await asyncio.gather(*(one() for _ in range(min(500, count - start))))
        held += [w for w in got if w is not None]
    return held


def _peak_rss(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(match.group(1)) * 1024 if match else 0


async def _half_sent(port: int, hold: float) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(TAG + struct.pack("<i", 2 * 1024 * 1024) + b"\x01" * (1024 * 1024))
    with contextlib.suppress(OSError, asyncio.TimeoutError):
        await asyncio.wait_for(reader.read(), hold)
    writer.close()


async def _open_for(port: int, first: bytes, drip: float | None, hold: float) -> float:
    """Seconds until the DC closed a connection that sent ``first`` then, unless ``drip`` is
    None, one byte every ``drip`` seconds of a 1,000-byte frame (never finished)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    start = time.monotonic()
    writer.write(first)

    async def dripping() -> None:
        frame = struct.pack("<i", 1000) + bytes(999)
        for i in range(len(frame)):
            if drip is None:
                return
            await asyncio.sleep(drip)
            writer.write(frame[i : i + 1])

    task = asyncio.create_task(dripping())
    try:
        with contextlib.suppress(asyncio.TimeoutError, OSError):
            await asyncio.wait_for(reader.read(), hold)  # until EOF: the DC closed
    finally:
        task.cancel()
        writer.close()
    return time.monotonic() - start


async def main(args: argparse.Namespace) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, args.sockets + 256)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    with tempfile.TemporaryDirectory() as tmp:
        pem, err = Path(tmp) / "dc.pem", Path(tmp) / "stderr"
        proc, port = await _start_dc(args.nofile, args.serve, pem, err)
        try:
            print(f"DC on port {port}, nofile {args.nofile}; serve flags: {args.serve or '-'}")
            print(f"baseline login: {await _login(port, pem, 10)}")
            t0 = time.monotonic()
            held = await _idle(port, args.sockets)
            took = time.monotonic() - t0
            print(f"idle sockets opened: {len(held)} of {args.sockets} ({took:.1f} s)")
            print(f"login while they are held: {await _login(port, pem, 10)}")
            for w in held:
                w.close()
            held.clear()
            await asyncio.sleep(1)
            lines = err.read_bytes().count(b"\n")
            print(f"DC stderr lines so far: {lines} ({err.stat().st_size} bytes)")
            if args.half_sent:
                before = _peak_rss(proc.pid)
                senders = [
                    asyncio.create_task(_half_sent(port, 5.0)) for _ in range(args.half_sent)
                ]
                await asyncio.sleep(1.0)
                took = await _login(port, pem, 10)
                print(f"login while {args.half_sent} frames are half sent: {took}")
                await asyncio.gather(*senders)
                grown = (_peak_rss(proc.pid) - before) / 2**20
                print(f"DC peak memory grew by {grown:.1f} MiB")
            hold, drip = args.hold, args.drip
            tag_only = await _open_for(port, TAG, None, hold)
            print(f"tag only, then nothing: open {tag_only:.1f} s")
            drip_tag = await _open_for(port, TAG, drip, hold)
            print(f"slowloris (tag, then a frame a byte every {drip} s): open {drip_tag:.1f} s")
            partial = TAG + struct.pack("<i", 1000) + bytes(10)
            open_partial = await _open_for(port, partial, drip, hold)
            print(f"slowloris (a frame begun, a byte every {drip} s): open {open_partial:.1f} s")
            print(f"login after: {await _login(port, pem, 10)}")
            lines = err.read_bytes().count(b"\n")
            print(f"DC stderr lines in all: {lines} ({err.stat().st_size} bytes)")
        finally:
            proc.terminate()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(proc.wait(), 10)
            if proc.returncode is None:
                proc.kill()
                await proc.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=5000)
    parser.add_argument("--nofile", type=int, default=1024)
    parser.add_argument("--drip", type=float, default=4.0)
    parser.add_argument("--hold", type=float, default=40.0)
    parser.add_argument("--half-sent", type=int, default=40)
    parser.add_argument("serve", nargs="*", help="flags for oxigram serve (after --)")
    asyncio.run(main(parser.parse_args()))
