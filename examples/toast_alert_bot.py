"""A bot with a toast button and an alert button; it sends them to whoever starts it.

    python examples/toast_alert_bot.py       # in-process DC + a user pressing, then exits

Against a running DC, in three terminals:

    oxigram serve --port 8443 --pem dc.pem --bot demo_bot --user 15550001:Alice
    python examples/toast_alert_bot.py --server 127.0.0.1:8443 --pem dc.pem --token TOKEN
    python examples/press_buttons.py --server 127.0.0.1:8443 --pem dc.pem \\
        --phone 15550001 --code 12345       # Alice sends /start, presses what comes back

(``TOKEN`` and the login code are printed by ``oxigram serve``.) ``setup`` holds only the
button handlers, so ``oxigram worker --handlers examples/toast_alert_bot.py:setup`` can run
them too; ``examples/test_toast_alert_bot.py`` tests this bot with oxigram's pytest plugin.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from _connect import client, parse, remote

from oxigram.client import Button, Client
from oxigram.client.callbacks import CallbackQuery

KEYBOARD = [[Button.callback("Hello", b"hello"), Button.callback("Warn", b"warn")]]


def setup(bot: Client) -> None:
    """The button handlers."""

    @bot.on_callback_query(data=b"hello")
    async def hello(q: CallbackQuery) -> None:
        await q.answer("Hello!")  # a toast

    @bot.on_callback_query(data=b"warn")
    async def warn(q: CallbackQuery) -> None:
        await q.answer("Are you sure?", alert=True)  # a popup the user dismisses


def greet(bot: Client) -> None:
    """Answers ``/start`` with the keyboard. A bot can write to a user only once the user
    has written to it: the ``/start`` tells the bot who the user is."""

    @bot.on_update
    async def on_start(update: Any) -> None:
        message = getattr(update, "message", None)
        if update._tl_name != "updateNewMessage" or message is None or message.out:
            return
        if getattr(message, "message", "").split()[:1] == ["/start"]:
            await bot.send_message(message.peer_id.user_id, "Pick one:", buttons=KEYBOARD)


async def in_process() -> None:
    from oxigram.testing import Sandbox, send_buttons

    async with Sandbox() as sandbox:
        bot = await sandbox.bot("demo_bot", setup=setup)
        user = await sandbox.user("Alice")
        msg = await send_buttons(bot, user, "Hi!", KEYBOARD)
        for text in ("Hello", "Warn"):
            answer = await msg.click(text=text)
            kind = "alert" if answer.alert else "toast"
            print(f"{text}: {kind} {answer.message!r} in {answer.latency * 1000:.1f} ms")


async def serve_forever(host: str, port: int, pem: str, token: str) -> None:
    async with client(host, port, pem) as bot:
        setup(bot)
        greet(bot)
        me = await bot.login_bot(token)
        print(f"@{me.username} running: send it /start; Ctrl+C to stop", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    args = parse(__doc__ or "")
    if args.server:
        if not args.token:
            raise SystemExit("--server needs --token TOKEN (printed by `oxigram serve --bot`)")
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C stops it
            asyncio.run(serve_forever(*remote(args), args.token))
    else:
        asyncio.run(asyncio.wait_for(in_process(), 60))
