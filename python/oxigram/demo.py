"""``oxigram demo``: the callback flow end to end, no Telegram, no set-up.

Starts a local DC on 127.0.0.1, logs a bot and users in over real TCP with real handshakes,
presses every kind of button and prints each answer with its latency, then runs a burst of
concurrent presses from several user clients and prints presses per second and p50/p99.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TextIO

from . import backend, errors
from .client import Client
from .client.callback_stats import percentile
from .client.callbacks import CallbackQuery
from .client.pressing import CallbackAnswer, Message

__all__ = ["run_demo"]

PASSWORD = "hunter2"
ANSWER_TIMEOUT = 2.0  # the demo DC's BOT_RESPONSE_TIMEOUT (Telegram: ~10-15 s)


def _client(host: str, port: int, pem: str) -> Client:
    return Client(None, 1, "demo", server=(host, port), rsa_keys=[pem], request_timeout=15.0)


def _setup_bot(bot: Client, release: asyncio.Event) -> None:
    bot.callbacks.config.deadline = 1.0
    bot.callbacks.config.deadline_answer.text = "Still working on it..."

    @bot.on_callback_query(data=b"toast")
    async def toast(q: CallbackQuery) -> None:
        await q.answer("Hello from the bot!")

    @bot.on_callback_query(data=b"alert")
    async def alert(q: CallbackQuery) -> None:
        await q.answer("This is an alert: the user must dismiss it.", alert=True)

    @bot.on_callback_query(data=b"link")
    async def link(q: CallbackQuery) -> None:
        await q.answer(url="https://t.me/demo_bot?start=from_button")

    @bot.on_callback_query(predicate=lambda q: q.game_short_name is not None)
    async def game(q: CallbackQuery) -> None:
        await q.answer(url=f"https://example.org/games/{q.game_short_name}")

    @bot.on_callback_query(data=b"secret")
    async def secret(q: CallbackQuery) -> None:
        await q.answer("Password checked by the server: access granted", alert=True)

    @bot.on_callback_query(data=b"slow")
    async def slow(q: CallbackQuery) -> None:
        await asyncio.sleep(1.5)  # past the 1 s deadline: the default answer went first
        late = await q.answer("done (too late)")
        assert late is False

    @bot.on_callback_query(data=b"silent", deadline=None)
    async def silent(q: CallbackQuery) -> None:
        with contextlib.suppress(asyncio.TimeoutError):  # never answers while the user waits
            await asyncio.wait_for(release.wait(), 10)

    @bot.on_callback_query(prefix=b"b:")
    async def burst(q: CallbackQuery) -> None:
        await q.answer("ok")


def _show(answer: CallbackAnswer) -> str:
    if answer.url:
        return f"url {answer.url}"
    kind = "alert" if answer.alert else "toast"
    return f"{kind} {answer.message!r}" if answer.message else "empty answer"


async def _press(out: TextIO, label: str, press: Callable[[], Awaitable[CallbackAnswer]]) -> None:
    start = time.perf_counter()
    try:
        answer = await press()
        shown = _show(answer)
    except errors.BotResponseTimeoutError:
        shown = "BOT_RESPONSE_TIMEOUT: delivered to the bot, not answered (not re-sent)"
    except errors.RPCError as exc:
        shown = f"{exc.message} ({type(exc).__name__})"
    ms = (time.perf_counter() - start) * 1000
    print(f"  {label:<26} -> {shown}  [{ms:.1f} ms]", file=out)


async def _burst(
    users: list[tuple[Client, int]], presses: int, out: TextIO, err: TextIO, progress: bool
) -> list[float]:
    latencies: list[float] = []
    done = 0
    total = presses
    sem = asyncio.Semaphore(64)

    async def one(i: int) -> None:
        nonlocal done
        client, msg_id = users[i % len(users)]
        async with sem:
            start = time.perf_counter()
            await client.request_callback_answer("@demo_bot", msg_id, b"b:1", timeout=15)
            latencies.append(time.perf_counter() - start)
        done += 1
        if progress and (done % 10 == 0 or done == total):
            width = 30
            filled = width * done // total
            bar = "#" * filled + "-" * (width - filled)
            print(f"\r  burst [{bar}] {done}/{total}", end="", file=err, flush=True)

    await asyncio.gather(*(one(i) for i in range(presses)))
    if progress:
        print(file=err, flush=True)
    return latencies


async def run_demo(
    presses: int = 500,
    users: int = 4,
    *,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    progress: bool = True,
) -> int:
    """Runs the demo; returns the exit code (0)."""
    from .server import Button as DCButton
    from .server import LocalDC

    async with LocalDC(port=0, answer_timeout=ANSWER_TIMEOUT) as dc:
        print(f"local DC on {dc.host}:{dc.port} (backend: {backend})", file=out)
        bot_acc = dc.add_bot("demo_bot")
        alice = dc.add_user("15550100", "Alice", password=PASSWORD)
        extra = [dc.add_user(f"1555020{i}", f"User{i}") for i in range(max(0, users - 1))]
        release = asyncio.Event()
        bot = _client(dc.host, dc.port, dc.public_key_pem)
        clients = [_client(dc.host, dc.port, dc.public_key_pem) for _ in range(1 + len(extra))]
        try:
            await bot.connect()
            await bot.login_bot(bot_acc.token)
            _setup_bot(bot, release)
            await asyncio.gather(*(c.connect() for c in clients))
            await clients[0].login_user(alice.phone, "12345", PASSWORD)
            for c, acc in zip(clients[1:], extra, strict=True):
                await c.login_user(acc.phone, "12345")
            print(f"bot @demo_bot and {len(clients)} user(s) logged in over TCP", file=out)

            user = clients[0]
            B = DCButton
            msg_id = dc.send_message(
                bot_acc.id,
                alice.id,
                "Pick a button",
                [
                    [B.callback("Toast", b"toast"), B.callback("Alert", b"alert")],
                    [B.url("Website", "https://example.org"), B.game("Play", short_name="snake")],
                    [B.callback("Deep link", b"link")],
                    [B.callback("Secret", b"secret", requires_password=True)],
                    [B.callback("Slow", b"slow"), B.callback("Silent", b"silent")],
                ],
            )
            got = await user.get_message(msg_id)
            assert got is not None
            msg: Message = got
            print(f"message {msg_id}: {[b.text for b in msg.buttons]}", file=out)
            url_button = msg.find(text="Website")
            print(f"  {'url button':<26} -> opens {url_button.url} (no callback)", file=out)
            await _press(out, "toast button", lambda: msg.click(text="Toast"))
            await _press(out, "alert button", lambda: msg.click(text="Alert"))
            await _press(out, "deep-link button", lambda: msg.click(text="Deep link"))
            await _press(out, "game button", lambda: msg.click(text="Play"))
            await _press(
                out, "password (right)", lambda: msg.click(text="Secret", password=PASSWORD)
            )
            await _press(out, "password (wrong)", lambda: msg.click(text="Secret", password="nope"))
            await _press(out, "slow handler (deadline)", lambda: msg.click(text="Slow"))
            await _press(out, "unanswered", lambda: msg.click(text="Silent"))
            release.set()

            targets: list[tuple[Client, int]] = []
            for c, acc in zip(clients, [alice, *extra], strict=True):
                m = dc.send_message(bot_acc.id, acc.id, "burst", [DCButton.callback("b", b"b:1")])
                targets.append((c, m))
            print(f"burst: {presses} presses from {len(clients)} users", file=out)
            start = time.perf_counter()
            lat = await _burst(targets, presses, out, err, progress)
            elapsed = time.perf_counter() - start
            p50, p99 = percentile(lat, 50) or 0.0, percentile(lat, 99) or 0.0
            print(
                f"burst: {presses} presses in {elapsed:.2f} s = {presses / elapsed:.0f} "
                f"presses/s; press round trip p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms",
                file=out,
            )
            await asyncio.sleep(0)
            stats = bot.callback_stats
            print(
                f"bot: {stats.count} answered (handler {stats.by_handler}, auto {stats.auto}, "
                f"deadline {stats.deadline}); press-to-answer p50 "
                f"{(stats.p50 or 0) * 1000:.2f} ms, p99 {(stats.p99 or 0) * 1000:.2f} ms",
                file=out,
            )
        finally:
            release.set()
            await asyncio.gather(*(c.close() for c in [bot, *clients]), return_exceptions=True)
    return 0


def main(presses: int, users: int, progress: bool) -> int:
    logging.basicConfig(level=logging.CRITICAL)
    out, err = sys.stdout, sys.stderr
    # the burst's bar rewrites its line with \r: only on a terminal, never into a file
    progress = progress and err.isatty()
    demo = run_demo(presses, users, out=out, err=err, progress=progress)
    return asyncio.run(asyncio.wait_for(demo, 120))


if __name__ == "__main__":
    raise SystemExit(main(500, 4, True))
