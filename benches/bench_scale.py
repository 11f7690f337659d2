"""Scale-out figures (ARCHITECTURE.md, decisions, "Scale-out"): presses per second and p99
press-to-answer latency for one process (a plain oxigram bot) and for a front with 1, 2 and 4
``oxigram worker`` processes, in one run, against one local DC and a real redis-server.

The DC, the users and the bot (or the front) share this process; workers are subprocesses.
Every case runs the same handler (``_scale_handlers.py``: ``await q.answer("ok")``).

Run: ``pytest benches/bench_scale.py --benchmark-enable -s`` (2,000 presses per case from 8
users, 64 in flight; about 30 s). With ``--benchmark-disable`` (CI) each case runs once with
50 presses (20 on the pure backend) and checks that every press got exactly one answer.

``test_scale_delivery_modes``: a front and 2 workers under the DC's delivery modes (each press
to every subscribed session of the bot, or to one), with workers that send through
``invokeWithoutUpdates`` (``oxigram worker``'s default) or take updates and put the presses
they get on the stream (``--updates``); docs/scale-out.md, "Several sessions of one bot".
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("redis", reason="the redis package is not installed")

from _scale_handlers import handlers  # benches/ is on sys.path under pytest
from oxigram import _backend
from oxigram.client import Client, MemorySession
from oxigram.client.storage import DcInfo
from oxigram.network.sender import SenderConfig
from oxigram.scale import Front, ScaleConfig
from oxigram.scale.redis_server import RedisServer, redis_server_path
from oxigram.server import Button, LocalDC

HANDLERS = f"{Path(__file__).resolve().parent / '_scale_handlers.py'}:handlers"
WORKER_COUNTS = (0, 1, 2, 4)  # 0: one process, no Redis
#: (DC delivery mode, workers take updates) for test_scale_delivery_modes.
DELIVERY_CASES = (("all", False), ("recent", False), ("all", True), ("random", True))


@dataclass
class BenchConfig:
    presses: int
    users: int = 8
    in_flight: int = 64
    warmup: int = 16  # untimed presses first (connections, caches)


@dataclass
class CaseResult:
    case: str
    workers: int
    presses: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float


def _logged_in(dc: LocalDC, account_id: int, *, bot: bool) -> Client:
    """A client on an imported auth key (no handshake, no login)."""
    key = os.urandom(256)
    dc.import_auth_key(key, account_id)
    session = MemorySession()
    session.set_dc(DcInfo(dc.dc_id, dc.host, dc.port, key))
    session.set_self(account_id, bot)
    config = SenderConfig(backoff_base=0.05, request_timeout=30.0)
    return Client(
        session, 1, "hash", server=(dc.host, dc.port), rsa_keys=[dc.public_key_pem], config=config
    )


@contextlib.asynccontextmanager
async def _workers(
    n: int, redis_url: str, dc: LocalDC, token: str, pem: Path, stream: str, *extra: str
) -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """``n`` ``oxigram worker`` processes, logged in; always stopped (TERM, then KILL)."""
    procs: list[asyncio.subprocess.Process] = []
    try:
        for i in range(n):
            procs.append(
                await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "oxigram.cli", "worker",
                    "--redis", redis_url, "--server", f"{dc.host}:{dc.port}",
                    "--pem", str(pem), "--token", token, "--handlers", HANDLERS,
                    "--stream", stream, "--group", f"{stream}:g", "--name", f"w{i}", *extra,
                    stdout=asyncio.subprocess.PIPE,
                )
            )  # fmt: skip
        for p in procs:
            assert p.stdout is not None
            line = await asyncio.wait_for(p.stdout.readline(), 60)
            assert line.startswith(b"worker "), line
        yield procs
    finally:
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


def _percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


async def _case(
    n_workers: int,
    config: BenchConfig,
    redis_url: str,
    tmp: Path,
    *,
    delivery: str = "all",
    worker_updates: bool = False,
) -> CaseResult:
    from redis.asyncio import Redis

    async with LocalDC(answer_timeout=30.0, delivery=delivery, delivery_seed=1) as dc:
        pem = tmp / "dc.pem"
        pem.write_text(dc.public_key_pem)
        bot_acc = dc.add_bot("scale_bench_bot")
        accounts = [dc.add_user(f"1557000{i:03d}", f"U{i}") for i in range(config.users)]
        msgs = [
            dc.send_message(bot_acc.id, u.id, "press", [[Button.callback("P", b"press")]])
            for u in accounts
        ]
        users = [_logged_in(dc, u.id, bot=False) for u in accounts]
        bot = _logged_in(dc, bot_acc.id, bot=True)
        stream = f"bench:{n_workers}:{delivery}:{worker_updates}"
        extra = ("--updates",) if worker_updates else ()
        redis = Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
        front: Front | None = None
        try:
            async with (
                bot,
                _workers(n_workers, redis_url, dc, bot_acc.token, pem, stream, *extra) as _procs,
            ):
                if n_workers == 0:
                    handlers.install(bot)
                else:
                    front = Front(bot, redis, ScaleConfig(stream=stream, group=f"{stream}:g"))
                    await front.start()
                for c in users:
                    await c.connect()
                clickable = [await c.get_message(m) for c, m in zip(users, msgs, strict=True)]
                sem = asyncio.Semaphore(config.in_flight)
                latencies: list[float] = []

                async def press(i: int, timed: bool) -> None:
                    m = clickable[i % config.users]
                    assert m is not None
                    async with sem:
                        t = time.perf_counter()
                        ans = await m.click(data=b"press", timeout=30)
                        if timed:
                            latencies.append(time.perf_counter() - t)
                    assert ans.message == "ok", ans.message

                await asyncio.gather(*(press(i, False) for i in range(config.warmup)))
                t0 = time.perf_counter()
                await asyncio.gather(*(press(i, True) for i in range(config.presses)))
                seconds = time.perf_counter() - t0
                if front is not None:
                    await front.stop()
                    assert front.stats["shed"] == 0 and front.stats["deadline"] == 0
                    if not worker_updates:  # invokeWithoutUpdates: the front got every press
                        assert front.stats["received"] == config.warmup + config.presses
        finally:
            for c in users:
                await c.close()
            await redis.aclose()
        # exactly one answer per press, counted on the DC
        total = config.warmup + config.presses
        hub = dc.callbacks
        assert hub.timed_out == 0
        assert hub.answered == total
        assert len(hub.accepted) == total and set(hub.accepted.values()) == {1}
        assert sum(hub.answer_calls.values()) == total, hub.answer_calls.most_common(3)
    latencies.sort()
    name = (
        "one process" if n_workers == 0 else f"front + {n_workers} worker" + "s" * (n_workers > 1)
    )
    return CaseResult(
        name,
        n_workers,
        config.presses,
        seconds,
        config.presses / seconds,
        1000 * _percentile(latencies, 0.50),
        1000 * _percentile(latencies, 0.99),
    )


async def run_all(config: BenchConfig, tmp: Path) -> list[CaseResult]:
    with RedisServer(appendonly=False) as rs:
        return [await _case(n, config, rs.url, tmp) for n in WORKER_COUNTS]


async def run_delivery(config: BenchConfig, tmp: Path) -> list[CaseResult]:
    with RedisServer(appendonly=False) as rs:
        results = []
        for delivery, updates in DELIVERY_CASES:
            r = await _case(2, config, rs.url, tmp, delivery=delivery, worker_updates=updates)
            workers = "take updates (--updates)" if updates else "invokeWithoutUpdates"
            results.append(replace(r, case=f"delivery {delivery}, workers {workers}"))
        return results


def format_table(results: list[CaseResult], config: BenchConfig) -> str:
    lines = [
        f"{config.presses} presses per case, {config.users} users, {config.in_flight} in flight, "
        f"backend {_backend.backend}",
        "",
        "| case | presses/s | p50 ms | p99 ms |",
        "|---|---:|---:|---:|",
    ]
    for r in results:
        lines.append(f"| {r.case} | {r.per_second:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} |")
    return "\n".join(lines)


def test_scale_presses_answered_once(benchmark: Any, tmp_path: Path) -> None:
    if redis_server_path() is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server; CI has it)")
    pure = _backend.backend != "native"
    if benchmark.disabled:
        config = BenchConfig(presses=20 if pure else 50, users=4, in_flight=16, warmup=4)
    else:
        config = BenchConfig(presses=500 if pure else 2000)

    def run() -> list[CaseResult]:
        return asyncio.run(asyncio.wait_for(run_all(config, tmp_path), 240))

    results = benchmark.pedantic(run, rounds=1, iterations=1)
    assert [r.workers for r in results] == list(WORKER_COUNTS)
    for r in results:
        assert r.presses == config.presses and 0 < r.p50_ms <= r.p99_ms
    table = format_table(results, config)
    benchmark.extra_info["scale"] = [asdict(r) for r in results]
    benchmark.extra_info["table"] = table
    print("\n" + table)


def test_scale_delivery_modes(benchmark: Any, tmp_path: Path) -> None:
    if redis_server_path() is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server; CI has it)")
    pure = _backend.backend != "native"
    if benchmark.disabled:
        config = BenchConfig(presses=20 if pure else 50, users=4, in_flight=16, warmup=4)
    else:
        config = BenchConfig(presses=500 if pure else 2000)

    def run() -> list[CaseResult]:
        return asyncio.run(asyncio.wait_for(run_delivery(config, tmp_path), 240))

    results = benchmark.pedantic(run, rounds=1, iterations=1)
    assert len(results) == len(DELIVERY_CASES)
    for r in results:
        assert r.presses == config.presses and 0 < r.p50_ms <= r.p99_ms
    table = format_table(results, config)
    benchmark.extra_info["delivery"] = [asdict(r) for r in results]
    benchmark.extra_info["table"] = table
    print("\n" + table)
