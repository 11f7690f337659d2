"""End to end: K users press one bot's buttons through a Local DC over TCP.

Layout (docs/benchmarks.md): the :class:`~oxigram.server.LocalDC` runs in a child process
(its own core and event loop); this process holds the bots and the K users. Each user is a
lean sans-IO client (one TCP connection, its own account and auth key imported into the DC,
so no handshake) that presses in a closed loop: send ``messages.getBotCallbackAnswer``, wait
for the answer, check its text, press again. Latency is measured at the user, request sent
to answer received.

Bots, one phase each per K, on the same DC in the same run:

* ``oxigram``: an :class:`oxigram.client.Client` with ``@client.on_callback_query()`` and
  ``await query.answer(text)`` (the product).
* ``telethon``: Telethon 1.45 with ``@bot.on(events.CallbackQuery)`` and
  ``await event.answer(text)``, logged in with its bot token (its own handshake).
* ``raw``: a sans-IO loop that answers every query with no framework at all: the ceiling the
  DC and the users allow (what a bot cannot beat on this machine).

Every press must come back with ``"ok <data>"``; anything else counts as an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import gc
import logging
import math
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

from .. import tl
from ..errors import OxigramError
from ..mtproto import events as ev
from ..mtproto.framing import Frame
from ..mtproto.session import Session
from ..mtproto.transports import client_transport

__all__ = ["BOTS", "E2EConfig", "LevelResult", "run", "run_sync"]

log = logging.getLogger(__name__)

#: Bots measured, in the order each level runs them.
BOTS = ("oxigram", "telethon", "raw")
BUTTONS = (b"b0", b"b1", b"b2", b"b3")
#: Seconds for any single pipe call to the DC process.
PIPE_TIMEOUT = 120.0
CONNECT_TIMEOUT = 20.0
#: The oxigram bot's ``callbacks.config.max_concurrent`` (None: the product's default).
MAX_CONCURRENT: int | None = (
    int(os.environ["OXIGRAM_BENCH_MAX_CONCURRENT"])
    if os.environ.get("OXIGRAM_BENCH_MAX_CONCURRENT")
    else None
)


def expected_answer(data: bytes) -> str:
    """The text every bot answers a press of ``data`` with."""
    return "ok " + data.decode()


@dataclass
class E2EConfig:
    """What to run. ``presses``: total presses per level (each user presses
    ``ceil(presses / K)`` times, at least ``min_each``)."""

    ks: Sequence[int] = (1, 10, 100, 1000)
    bots: Sequence[str] = BOTS
    presses: int = 3000
    min_each: int = 3
    warmup: int = 20
    #: Each bot runs this many times per K (order alternating); the fastest round is kept
    #: (the machine is shared: the best round is the least disturbed one).
    rounds: int = 2
    phase_timeout: float = 120.0
    answer_timeout: float = 30.0
    profile_dir: Path | None = None
    profile_k: int = 100
    progress: Callable[[str], None] | None = None


@dataclass
class LevelResult:
    """One bot at one K."""

    bot: str
    k: int
    presses: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    mean_ms: float
    #: CPU seconds per wall second of this process (bots + users) and of the DC process.
    client_cpu: float
    dc_cpu: float

    @property
    def pps(self) -> float:
        return self.presses / self.seconds if self.seconds > 0 else 0.0

    @property
    def client_us(self) -> float:
        """CPU microseconds per press in this process (the bot + the K users)."""
        return self.client_cpu * self.seconds / self.presses * 1e6 if self.presses else 0.0

    @property
    def dc_us(self) -> float:
        """CPU microseconds per press in the DC process."""
        return self.dc_cpu * self.seconds / self.presses * 1e6 if self.presses else 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"pps": self.pps, "client_us": self.client_us, "dc_us": self.dc_us}


@dataclass
class E2EResult:
    levels: list[LevelResult] = field(default_factory=list)
    #: K -> updates.getState requests per second with no bot involved (the DC + users alone).
    dc_rps: dict[int, float] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    def get(self, bot: str, k: int) -> LevelResult | None:
        for level in self.levels:
            if level.bot == bot and level.k == k:
                return level
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "levels": [lvl.as_dict() for lvl in self.levels],
            "dc_rps": {str(k): v for k, v in self.dc_rps.items()},
            "skipped": self.skipped,
        }


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of ``values`` (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


# ============================================================================ DC process


#: Young-generation GC threshold of the DC process (see ``_dc_main``).
DC_GC_GEN0 = 20_000


def _settle_gc() -> None:
    """After setup (accounts, sessions, connections: long-lived): a full collection, then
    ``gc.freeze()`` so that later full collections do not walk them again. Without it a
    gen-2 collection in the DC process took up to ~18 ms at K = 100 (measured with
    ``gc.callbacks``), stalling all K presses at once: that was most of the p99 tail, in
    every bot's phase. Applies to the DC child and to the bots + users process alike."""
    gc.collect()
    gc.freeze()


def _dc_main(pipe: Pipe, answer_timeout: float) -> None:
    """Child process: a LocalDC driven by commands over ``pipe``."""
    logging.basicConfig(level=logging.WARNING)
    # The DC allocates a few dozen short-lived objects per press; at CPython's default
    # (a young collection every 700 allocations) collections were ~5% of its time (perf).
    # Same DC for every bot; the bots' process keeps the defaults.
    gc.set_threshold(DC_GC_GEN0, 10, 10)
    asyncio.run(_dc_serve(pipe, answer_timeout))


async def _dc_serve(pipe: Pipe, answer_timeout: float) -> None:
    from ..server import Button, LocalDC, default_rsa_key

    async with LocalDC(rsa_key=default_rsa_key(), answer_timeout=answer_timeout) as dc:
        pipe.send(("ready", dc.port, dc.public_key_pem))
        profiler: cProfile.Profile | None = None
        while True:
            ready = await asyncio.to_thread(pipe.poll, 1.0)
            if not ready:
                continue
            cmd, *args = pipe.recv()
            if cmd == "stop":
                pipe.send(None)
                return
            if cmd == "cpu":
                pipe.send(time.process_time())
            elif cmd == "setup":
                bots, user_keys = args
                out: dict[str, Any] = {"bots": {}, "users": [], "messages": {}}
                buttons = [[Button.callback(d.decode(), d) for d in BUTTONS]]
                for name, key in bots:
                    bot = dc.add_bot(name)
                    if key is not None:
                        dc.import_auth_key(key, bot.id)
                    out["bots"][name] = (bot.id, bot.access_hash, bot.token)
                    out["messages"][name] = []
                for n, key in enumerate(user_keys):
                    user = dc.add_user(f"1777{n:07d}", f"U{n}")
                    dc.import_auth_key(key, user.id)
                    out["users"].append(user.id)
                    for name, _ in bots:
                        bot_id = out["bots"][name][0]
                        out["messages"][name].append(
                            dc.send_message(bot_id, user.id, "press", buttons=buttons)
                        )
                _settle_gc()
                pipe.send(out)
            elif cmd == "profile":
                if args[0] == "start":
                    profiler = cProfile.Profile()
                    profiler.enable()
                elif profiler is not None:
                    profiler.disable()
                    profiler.dump_stats(args[1])
                    profiler = None
                pipe.send(None)
            else:
                pipe.send(ValueError(f"unknown command {cmd!r}"))


class DCProcess:
    """The Local DC in a child process (``spawn``: a clean interpreter on its own core)."""

    def __init__(self, answer_timeout: float) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._pipe, child = ctx.Pipe()
        self._proc = ctx.Process(target=_dc_main, args=(child, answer_timeout), daemon=True)
        self.port = 0
        self.pem = ""

    async def start(self) -> None:
        self._proc.start()
        _, self.port, self.pem = await self._recv(60.0)

    async def _recv(self, timeout: float) -> Any:
        if not await asyncio.to_thread(self._pipe.poll, timeout):
            raise TimeoutError(f"the DC process did not answer within {timeout} s")
        reply = self._pipe.recv()
        if isinstance(reply, Exception):
            raise reply
        return reply

    async def call(self, *cmd: Any, timeout: float = PIPE_TIMEOUT) -> Any:
        self._pipe.send(cmd)
        return await self._recv(timeout)

    async def stop(self) -> None:
        if self._proc.is_alive():
            with contextlib.suppress(Exception):
                await self.call("stop", timeout=10.0)
        await asyncio.to_thread(self._proc.join, 10.0)
        if self._proc.is_alive():
            self._proc.kill()
            await asyncio.to_thread(self._proc.join, 5.0)


# ============================================================================ raw clients


class RawConn(asyncio.Protocol):
    """One MTProto connection on the sans-IO layer with an imported auth key: requests by
    msg_id, resends after ``bad_server_salt``, pushed updates to ``on_update``. An asyncio
    protocol: a packet is handled in the callback that received it (no reader task), so the
    users cost as little as they can in the process they share with the bot."""

    def __init__(
        self, host: str, port: int, auth_key: bytes, on_update: Callable[[Any], None] | None = None
    ) -> None:
        self.host, self.port = host, port
        self.session = Session(auth_key, role="client", salt=0)
        self.transport = client_transport("intermediate")
        self.on_update = on_update
        self._pending: dict[int, tuple[Any, asyncio.Future[Any] | None]] = {}
        self._io: asyncio.Transport | None = None
        self._closed: asyncio.Future[None] | None = None

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        self._closed = loop.create_future()
        await asyncio.wait_for(
            loop.create_connection(lambda: self, self.host, self.port), CONNECT_TIMEOUT
        )

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._io = transport

    def send(self, obj: Any, *, want: bool = True) -> asyncio.Future[Any] | None:
        """Sends ``obj``; its future (None with ``want=False``: the result is dropped)."""
        fut = asyncio.get_running_loop().create_future() if want else None
        packed = self.session.pack(obj)
        self._pending[packed.msg_ids[0]] = (obj, fut)
        assert self._io is not None
        self._io.write(self.transport.pack(packed.packet))
        return fut

    async def close(self) -> None:
        if self._io is not None:
            self._io.close()
        if self._closed is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._closed), 2)

    def data_received(self, data: bytes) -> None:
        try:
            self.transport.feed(data)
            for packet in self.transport:
                if isinstance(packet, Frame):
                    for event in self.session.unpack(packet.payload):
                        self._event(event)
        except OxigramError as exc:
            log.debug("connection ended: %r", exc)
            if self._io is not None:
                self._io.close()

    def connection_lost(self, exc: Exception | None) -> None:
        for _, fut in self._pending.values():
            if fut is not None and not fut.done():
                fut.set_exception(ConnectionError("connection closed"))
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(None)

    def _event(self, event: ev.Event) -> None:
        if isinstance(event, ev.RpcResult | ev.RpcError):
            entry = self._pending.pop(event.req_msg_id, None)
            if entry is None or entry[1] is None or entry[1].done():
                return
            if isinstance(event, ev.RpcResult):
                entry[1].set_result(event.result)
            else:
                entry[1].set_exception(RuntimeError(f"{event.code} {event.message}"))
        elif isinstance(event, ev.Update):
            if self.on_update is not None:
                self.on_update(event.obj)
        elif isinstance(event, ev.ResendRequest):
            for msg_id in event.msg_ids:
                entry = self._pending.pop(msg_id, None)
                if entry is not None:
                    packed = self.session.pack(entry[0])
                    self._pending[packed.msg_ids[0]] = entry
                    assert self._io is not None
                    self._io.write(self.transport.pack(packed.packet))
        elif isinstance(event, ev.BadMessage):
            for msg_id in event.msg_ids:
                entry = self._pending.pop(msg_id, None)
                if entry is not None and entry[1] is not None and not entry[1].done():
                    entry[1].set_exception(RuntimeError(f"bad_msg_notification {event.code}"))


class PressingUser:
    """A user with its own connection; its presses for each bot are built once."""

    def __init__(self, conn: RawConn) -> None:
        self.conn = conn
        self.presses: dict[str, list[tuple[Any, str]]] = {}

    async def run(self, bot: str, count: int, latencies: list[float]) -> tuple[int, int]:
        """Presses ``count`` times in a closed loop; returns the numbers of wrong answers
        and of answers. The latency of every press but the first goes to ``latencies``."""
        errors = answered = 0
        presses = self.presses[bot]
        conn = self.conn
        clock = time.perf_counter
        for i in range(count):
            request, expected = presses[i % len(presses)]
            start = clock()
            fut = conn.send(request)
            assert fut is not None
            try:
                answer = await fut
            except (RuntimeError, ConnectionError) as exc:
                log.warning("press failed: %s", exc)
                errors += 1
                continue
            answered += 1
            if i:
                # Not the first press: all K users start it at the same instant, a burst of K
                # presses that no steady state has (it filled the top 1% on its own).
                latencies.append(clock() - start)
            if getattr(answer, "message", None) != expected:
                errors += 1
        return errors, answered


# ================================================================================== bots


class _Bot:
    name = ""

    async def start(self, host: str, port: int, pem: str, key: bytes, info: Any) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError


class OxigramBot(_Bot):
    name = "oxigram"

    async def start(self, host: str, port: int, pem: str, key: bytes, info: Any) -> None:
        from ..client import Client, MemorySession
        from ..client.storage import DcInfo

        session = MemorySession()
        session.set_dc(DcInfo(2, host, port, key))
        session.set_self(info[0], True)
        self.client = Client(session, 1, "bench", server=(host, port), rsa_keys=[pem])

        if MAX_CONCURRENT is not None:
            self.client.callbacks.config.max_concurrent = MAX_CONCURRENT

        @self.client.on_callback_query()
        async def on_press(query: Any) -> None:
            await query.answer(expected_answer(query.data))

        await asyncio.wait_for(self.client.connect(), CONNECT_TIMEOUT)

    async def stop(self) -> None:
        await asyncio.wait_for(self.client.close(), 10)


class TelethonBot(_Bot):
    name = "telethon"

    async def start(self, host: str, port: int, pem: str, key: bytes, info: Any) -> None:
        from telethon import TelegramClient, connection, events
        from telethon.crypto import rsa as telethon_rsa
        from telethon.sessions import StringSession

        logging.getLogger("telethon").setLevel(logging.WARNING)
        telethon_rsa.add_key(pem, old=False)
        self.client = TelegramClient(
            StringSession(), 1, "x" * 32, connection=connection.ConnectionTcpIntermediate
        )
        self.client.session.set_dc(2, host, port)

        @self.client.on(events.CallbackQuery)  # type: ignore[untyped-decorator]
        async def on_press(event: Any) -> None:
            await event.answer(expected_answer(event.data))

        await asyncio.wait_for(self.client.start(bot_token=info[2]), 60)

    async def stop(self) -> None:
        await asyncio.wait_for(self.client.disconnect(), 10)


class RawBot(_Bot):
    """No framework: each pushed query is answered from the read loop, results dropped."""

    name = "raw"

    async def start(self, host: str, port: int, pem: str, key: bytes, info: Any) -> None:
        self.conn = RawConn(host, port, key, on_update=self._on_update)
        await self.conn.open()
        state = self.conn.send(tl.schema["updates.getState"]())
        assert state is not None
        await asyncio.wait_for(state, CONNECT_TIMEOUT)

    def _on_update(self, obj: Any) -> None:
        for u in getattr(obj, "updates", ()):
            if u._tl_name == "updateBotCallbackQuery":
                body = tl.schema["messages.setBotCallbackAnswer"](
                    query_id=u.query_id, message=expected_answer(u.data), cache_time=0
                )
                self.conn.send(body, want=False)

    async def stop(self) -> None:
        await self.conn.close()


_BOT_CLASSES: dict[str, type[_Bot]] = {
    "oxigram": OxigramBot,
    "telethon": TelethonBot,
    "raw": RawBot,
}


# ================================================================================ driver


async def _cpu_pair(dc: DCProcess) -> tuple[float, float]:
    return time.process_time(), float(await dc.call("cpu"))


async def _run_phase(
    users: Sequence[PressingUser],
    bot: str,
    each: int,
    timeout: float,
) -> tuple[list[float], float, int, int]:
    """Latencies, seconds, wrong answers, answers."""
    latencies: list[float] = []
    start = time.perf_counter()
    counts = await asyncio.wait_for(
        asyncio.gather(*(u.run(bot, each, latencies) for u in users)), timeout
    )
    seconds = time.perf_counter() - start
    return latencies, seconds, sum(c[0] for c in counts), sum(c[1] for c in counts)


async def _dc_rps(dc: DCProcess, users: Sequence[PressingUser], each: int, timeout: float) -> float:
    """Requests per second of ``updates.getState`` from ``users``: the DC with no bot."""
    request = tl.schema["updates.getState"]()

    async def loop(u: PressingUser) -> None:
        for _ in range(each):
            fut = u.conn.send(request)
            assert fut is not None
            await fut

    start = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(loop(u) for u in users)), timeout)
    return len(users) * each / (time.perf_counter() - start)


async def _measure(
    dc: DCProcess,
    users: Sequence[PressingUser],
    k: int,
    name: str,
    each: int,
    config: E2EConfig,
    profile: bool,
) -> LevelResult:
    """One phase: a small warm-up, then the first ``k`` users press ``each`` times."""
    warm = users[: min(k, config.warmup)]
    _, _, warm_errors, _ = await _run_phase(warm, name, 1, config.phase_timeout)
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        await dc.call("profile", "start")
        profiler.enable()
    cpu0, dc0 = await _cpu_pair(dc)
    lat, secs, errors, answered = await _run_phase(users[:k], name, each, config.phase_timeout)
    cpu1, dc1 = await _cpu_pair(dc)
    if profiler is not None and config.profile_dir is not None:
        profiler.disable()
        config.profile_dir.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(config.profile_dir / f"{name}-k{k}-client.pstats")
        dc_path = config.profile_dir / f"{name}-k{k}-dc.pstats"
        await dc.call("profile", "stop", str(dc_path.resolve()))
    return LevelResult(
        bot=name,
        k=k,
        presses=answered,
        seconds=secs,
        errors=errors + warm_errors,
        p50_ms=percentile(lat, 50) * 1e3,
        p99_ms=percentile(lat, 99) * 1e3,
        mean_ms=sum(lat) / len(lat) * 1e3 if lat else 0.0,
        client_cpu=(cpu1 - cpu0) / secs,
        dc_cpu=(dc1 - dc0) / secs,
    )


def _available_bots(names: Iterable[str], skipped: dict[str, str]) -> list[str]:
    out = []
    for name in names:
        if name == "telethon":
            try:
                import telethon  # noqa: F401
            except ImportError:
                skipped[name] = "Telethon is not installed"
                continue
        out.append(name)
    return out


async def run(config: E2EConfig) -> E2EResult:
    """Runs every bot at every K on one DC (a child process); returns the measurements."""
    result = E2EResult()
    say = config.progress or (lambda _: None)
    bots = _available_bots(config.bots, result.skipped)
    max_k = max(config.ks)
    bot_keys = {name: os.urandom(256) for name in bots}
    user_keys = [os.urandom(256) for _ in range(max_k)]
    dc = DCProcess(config.answer_timeout)
    say("starting the DC process")
    await dc.start()
    host = "127.0.0.1"
    running: list[_Bot] = []
    users: list[PressingUser] = []
    try:
        setup = await dc.call(
            "setup",
            [
                (f"bench_{name}_bot", None if name == "telethon" else bot_keys[name])
                for name in bots
            ],
            user_keys,
        )
        for name in bots:
            say(f"starting the {name} bot")
            bot = _BOT_CLASSES[name]()
            await bot.start(
                host, dc.port, dc.pem, bot_keys[name], setup["bots"][f"bench_{name}_bot"]
            )
            running.append(bot)
        s = tl.schema
        for k in sorted(config.ks):
            if len(users) < k:
                say(f"connecting users {len(users) + 1}..{k}")
                new = [
                    PressingUser(RawConn(host, dc.port, user_keys[i])) for i in range(len(users), k)
                ]
                await asyncio.gather(*(u.conn.open() for u in new))
                for i, u in enumerate(new, start=len(users)):
                    for name in bots:
                        bot_id, access_hash, _ = setup["bots"][f"bench_{name}_bot"]
                        peer = s["inputPeerUser"](user_id=bot_id, access_hash=access_hash)
                        msg_id = setup["messages"][f"bench_{name}_bot"][i]
                        u.presses[name] = [
                            (
                                s["messages.getBotCallbackAnswer"](
                                    peer=peer, msg_id=msg_id, data=d
                                ),
                                expected_answer(d),
                            )
                            for d in BUTTONS
                        ]
                users.extend(new)
                _settle_gc()
                # the first request of each user meets bad_server_salt: not in any figure
                await asyncio.wait_for(
                    asyncio.gather(*(u.conn.send(s["updates.getState"]()) for u in new)),  # type: ignore[arg-type]
                    config.phase_timeout,
                )
            active = users[:k]
            each = max(config.min_each, math.ceil(config.presses / k))
            say(f"K={k}: DC alone (updates.getState)")
            result.dc_rps[k] = await _dc_rps(dc, active, each, config.phase_timeout)
            best: dict[str, LevelResult] = {}
            errors_of: dict[str, int] = dict.fromkeys(bots, 0)
            for round_no in range(config.rounds):
                # alternate the order so no bot always runs right after another one
                for name in bots if round_no % 2 == 0 else bots[::-1]:
                    say(f"K={k}: {name} bot, {each * k} presses (round {round_no + 1})")
                    profile = (
                        config.profile_dir is not None and k == config.profile_k and round_no == 0
                    )
                    level = await _measure(dc, users, k, name, each, config, profile)
                    errors_of[name] += level.errors
                    if name not in best or level.pps > best[name].pps:
                        best[name] = level
            for name in bots:
                best[name].errors = errors_of[name]
                result.levels.append(best[name])
    finally:
        for bot in running:
            with contextlib.suppress(Exception):
                await bot.stop()
        await asyncio.gather(*(u.conn.close() for u in users), return_exceptions=True)
        await dc.stop()
    return result


def run_sync(config: E2EConfig) -> E2EResult:
    """:func:`run` in a fresh event loop, bounded by every phase's timeout."""
    phases = len(config.ks) * (2 * config.rounds * len(config.bots) + 1)
    bound = config.phase_timeout * (phases + 2)
    return asyncio.run(asyncio.wait_for(run(config), bound))


def format_table(result: E2EResult) -> str:
    """Markdown: presses/s and p50/p99 per bot and K, and oxigram's ratios to Telethon."""
    head = (
        "| K | bot | presses/s | p50 ms | p99 ms | errors | CPU bot+users | CPU DC "
        "| bot+users us/press | DC us/press |"
    )
    lines = [head, "|" + "---|" * 10]
    for lvl in result.levels:
        lines.append(
            f"| {lvl.k} | {lvl.bot} | {lvl.pps:,.0f} | {lvl.p50_ms:.2f} | {lvl.p99_ms:.2f} | "
            f"{lvl.errors} | {lvl.client_cpu:.0%} | {lvl.dc_cpu:.0%} | {lvl.client_us:.0f} | "
            f"{lvl.dc_us:.0f} |"
        )
    ratios = []
    for k in sorted({lvl.k for lvl in result.levels}):
        ox, te = result.get("oxigram", k), result.get("telethon", k)
        if ox is not None and te is not None and te.pps > 0 and te.p99_ms > 0:
            ratios.append(
                f"| {k} | {ox.pps / te.pps:.2f}x | {ox.p99_ms / te.p99_ms:.2f}x | "
                f"{result.dc_rps.get(k, 0):,.0f} |"
            )
    if ratios:
        lines += [
            "",
            "| K | oxigram/Telethon presses/s | oxigram/Telethon p99 | DC alone, requests/s |",
            "|---|---|---|---|",
            *ratios,
        ]
    for name, why in result.skipped.items():
        lines.append(f"\n({name} skipped: {why})")
    return "\n".join(lines)
