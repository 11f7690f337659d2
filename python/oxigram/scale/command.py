"""`'oxigram front'` and `'oxigram worker'`: the scale-out pair against a DC (e.g. ``oxigram
serve``), like the examples: ``--server HOST:PORT --pem FILE --token TOKEN``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path

from .common import ScaleConfig, load_handlers

log = logging.getLogger(__name__)


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--redis", default="redis://127.0.0.1:6379/0", metavar="URL", help="the Redis server"
    )
    parser.add_argument("--server", required=True, metavar="HOST:PORT", help="the DC's address")
    parser.add_argument(
        "--pem",
        required=True,
        metavar="FILE",
        help="the DC's public key (oxigram serve --pem FILE)",
    )
    parser.add_argument("--token", required=True, help="the bot's token")
    parser.add_argument(
        "--stream",
        default=ScaleConfig.stream,
        help="the Redis stream of presses; the front and its workers must agree",
    )
    parser.add_argument(
        "--group",
        default=ScaleConfig.group,
        help="the workers' consumer group on the stream; the front and its workers must agree",
    )
    parser.add_argument(
        "--deadline",
        type=float,
        default=ScaleConfig.deadline,
        metavar="SECONDS",
        help="after this long a press gets the default (empty) answer if no handler answered",
    )
    parser.add_argument(
        "--duration", type=float, default=0, metavar="SECONDS", help="stop after this; 0: never"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")


def add_front(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument(
        "--max-backlog",
        type=int,
        default=ScaleConfig.max_backlog,
        metavar="N",
        help="presses waiting for a worker at most; beyond it new presses are answered "
        "'Busy, try again' at once",
    )


def add_worker(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument(
        "--handlers",
        required=True,
        metavar="MODULE:ATTR",
        help="where the handlers are: MODULE:ATTR or path/to/file.py:ATTR, ATTR being an "
        "oxigram.scale.Handlers registry or a setup(bot) function that registers them with "
        "@bot.on_callback_query",
    )
    parser.add_argument(
        "--name", help="this worker's consumer name, unique per worker (default: HOST-PID)"
    )
    parser.add_argument(
        "--min-idle",
        type=float,
        default=ScaleConfig.min_idle,
        metavar="SECONDS",
        help="a press another worker took and left this long is taken over (a dead worker)",
    )
    parser.add_argument(
        "--updates",
        action="store_true",
        help="let this worker's session take the bot's updates (it puts the presses it gets "
        "on the stream, as the front does); default: its requests go in "
        "invokeWithoutUpdates and every press goes to the front",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=ScaleConfig.max_concurrent,
        metavar="N",
        help="presses this worker handles at once",
    )


def _config(args: argparse.Namespace) -> ScaleConfig:
    cfg = ScaleConfig(stream=args.stream, group=args.group, deadline=args.deadline)
    if getattr(args, "max_backlog", None) is not None:
        cfg.max_backlog = args.max_backlog
    if getattr(args, "min_idle", None) is not None:
        cfg.min_idle = args.min_idle
    if getattr(args, "concurrency", None) is not None:
        cfg.max_concurrent = args.concurrency
    return cfg


def _stop_event(duration: float) -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Windows' event loops have no signal handlers: there Ctrl+C raises KeyboardInterrupt,
        # asyncio.run cancels the main task and the `async with` blocks still close.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    if duration > 0:
        loop.call_later(duration, stop.set)
    return stop


async def _front(args: argparse.Namespace) -> int:
    from redis.asyncio import Redis

    from ..client import Client
    from .front import Front

    host, _, port = args.server.rpartition(":")
    cfg = _config(args)
    redis = Redis.from_url(args.redis, socket_timeout=5, socket_connect_timeout=5)
    bot = Client(
        None, 1, "oxigram-front", server=(host, int(port)), rsa_keys=[Path(args.pem).read_text()]
    )
    async with bot:
        await bot.login_bot(args.token)
        front = Front(bot, redis, cfg)
        async with front:
            print(f"front: stream {cfg.stream!r} on {args.redis}; Ctrl+C to stop", flush=True)
            stop = _stop_event(args.duration)
            while not stop.is_set():
                try:
                    await asyncio.wait_for(stop.wait(), 5)
                except asyncio.TimeoutError:
                    log.info("front: lag %d, %s", front.lag, dict(front.stats))
        print(f"front: {dict(front.stats)}", flush=True)
    await redis.aclose()
    return 0


async def _worker(args: argparse.Namespace) -> int:
    from redis.asyncio import Redis

    from ..client import Client
    from .worker import Worker

    handlers = load_handlers(args.handlers)
    host, _, port = args.server.rpartition(":")
    cfg = _config(args)
    redis = Redis.from_url(args.redis, socket_timeout=5, socket_connect_timeout=5)
    bot = Client(
        None,
        1,
        "oxigram-worker",
        server=(host, int(port)),
        rsa_keys=[Path(args.pem).read_text()],
        receive_updates=args.updates,
    )
    async with bot:
        await bot.login_bot(args.token)
        worker = Worker(bot, redis, handlers, cfg, name=args.name)
        print(f"worker {worker.name}: {len(handlers)} handlers; Ctrl+C to stop", flush=True)
        await worker.run(_stop_event(args.duration))
        print(f"worker {worker.name}: {dict(worker.stats)}", flush=True)
        if worker.intake is not None:
            print(f"worker {worker.name} intake: {dict(worker.intake.stats)}", flush=True)
    await redis.aclose()
    return 0


def _redis_missing(which: str) -> bool:
    """Says so in one line when the optional ``redis`` package is not installed."""
    try:
        import redis.asyncio  # noqa: F401
    except ImportError:
        print(
            f"oxigram {which} needs the redis package: pip install 'oxigram[redis]'",
            file=sys.stderr,
        )
        return True
    return False


def run(args: argparse.Namespace, which: str) -> int:
    """Runs `'oxigram front'` or `'oxigram worker'`; 2 when the redis package is missing."""
    if _redis_missing(which):
        return 2
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    try:
        return asyncio.run(_front(args) if which == "front" else _worker(args))
    except KeyboardInterrupt:
        return 0
