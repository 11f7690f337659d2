"""Scale-out test support: a real redis-server, worker subprocesses, pressing users."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

redis_mod = pytest.importorskip("redis", reason="the redis package is not installed")

from oxigram.scale.redis_server import RedisServer, redis_server_path  # noqa: E402

HANDLERS = f"{Path(__file__).resolve().parent / 'scale_handlers.py'}:handlers"
NATIVE = os.environ.get("OXIGRAM_BACKEND", "native") != "python"


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    if redis_server_path() is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server; CI has it)")
    with RedisServer(appendonly=True) as server:
        yield server


def _dc_args(redis_url: str, dc: Any, token: str, pem: Path) -> list[str]:
    return [
        "--redis",
        redis_url,
        "--server",
        f"{dc.host}:{dc.port}",
        "--pem",
        str(pem),
        "--token",
        token,
    ]


async def _stop(procs: list[asyncio.subprocess.Process]) -> None:
    """SIGTERM, then SIGKILL after 15 s; every wait bounded; prints what they wrote."""
    for p in procs:
        if p.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            await asyncio.wait_for(p.wait(), 15)
        except asyncio.TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                p.kill()
            await asyncio.wait_for(p.wait(), 5)
        if p.stdout is not None:
            print((await asyncio.wait_for(p.stdout.read(), 5)).decode(errors="replace"))


@contextlib.asynccontextmanager
async def front_process(
    redis_url: str, dc: Any, token: str, pem: Path, *extra: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """``oxigram front`` as a subprocess, started (its first line read); always stopped."""
    procs: list[asyncio.subprocess.Process] = []
    try:
        procs.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "oxigram.cli",
                "front",
                *_dc_args(redis_url, dc, token, pem),
                *extra,
                stdout=asyncio.subprocess.PIPE,
            )
        )
        assert procs[0].stdout is not None
        line = await asyncio.wait_for(procs[0].stdout.readline(), 30)
        assert line.startswith(b"front: stream "), line
        yield procs[0]
    finally:
        await _stop(procs)


@contextlib.asynccontextmanager
async def workers(
    n: int, redis_url: str, dc: Any, token: str, pem: Path, *extra: str
) -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """``n`` worker processes (``oxigram worker``), started and logged in; always stopped."""
    procs: list[asyncio.subprocess.Process] = []
    try:
        for i in range(n):
            procs.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "oxigram.cli",
                    "worker",
                    *_dc_args(redis_url, dc, token, pem),
                    "--handlers",
                    HANDLERS,
                    "--name",
                    f"w{i}",
                    *extra,
                    stdout=asyncio.subprocess.PIPE,
                )
            )
        for p in procs:
            assert p.stdout is not None
            line = await asyncio.wait_for(p.stdout.readline(), 30)
            assert line.startswith(b"worker "), line
        yield procs
    finally:
        await _stop(procs)
