"""A bot on Telegram that answers button presses.

This one talks to Telegram itself, so it needs your credentials (it cannot run without them):

    export OXIGRAM_API_ID=12345 OXIGRAM_API_HASH=0123456789abcdef  # my.telegram.org
    export OXIGRAM_BOT_TOKEN=123456:ABC-DEF                         # @BotFather, /newbot
    python examples/telegram_bot.py

Then send /start to the bot: it replies with three buttons (a toast, an alert, a counter that
edits the message). Optional: ``OXIGRAM_TEST_DC=1`` for Telegram's test servers (with a token
from the test servers' @BotFather), ``OXIGRAM_SESSION`` (default ``telegram_bot``: the file
that keeps the auth key, the DC and its addresses), ``OXIGRAM_SCHEMA`` (the ``api.tl`` of
another layer, to speak instead of the shipped layer 229).

The test suite runs everything here against the local DC, with only the DC table changed
(``tests/integration/test_telegram_example.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Mapping
from typing import Any

from oxigram import tl
from oxigram.client import Button, CallbackQuery, Client
from oxigram.errors import PeerNotFoundError


def make_client(env: Mapping[str, str], **options: Any) -> Client:
    """The bot's client, configured from ``env`` (``options``: more ``Client`` arguments)."""
    if env.get("OXIGRAM_SCHEMA"):
        options.setdefault("schema", tl.load_schema(env["OXIGRAM_SCHEMA"]))
    return Client(
        env.get("OXIGRAM_SESSION", "telegram_bot"),
        int(env["OXIGRAM_API_ID"]),
        env["OXIGRAM_API_HASH"],
        test_mode=env.get("OXIGRAM_TEST_DC") == "1",
        **options,
    )


def keyboard(count: int) -> list[list[Any]]:
    return [
        [Button.callback("Toast", b"toast"), Button.callback("Alert", b"alert")],
        [Button.callback(f"Pressed {count} times", f"count:{count}")],
    ]


async def greet(bot: Client, update: Any) -> None:
    """Replies to ``/start`` in a private chat with the keyboard."""
    user_id = update.message.peer_id.user_id
    try:
        await bot.send_message(user_id, "Press a button:", buttons=keyboard(0))
    except PeerNotFoundError:
        # A short update names the user without their access hash; the difference from
        # just before it carries the full User (core.telegram.org/api/updates).
        await bot.updates.getDifference(
            pts=update.pts - update.pts_count, date=update.message.date, qts=0
        )
        await bot.send_message(user_id, "Press a button:", buttons=keyboard(0))


def setup(bot: Client) -> None:
    @bot.on_update
    async def on_update(update: Any) -> None:
        if update._tl_name != "updateNewMessage":
            return
        msg = update.message
        if (
            msg._tl_name == "message"  # not a service message
            and not msg.out
            and msg.peer_id._tl_name == "peerUser"  # a private chat
            and msg.message.startswith("/start")
        ):
            await greet(bot, update)

    @bot.on_callback_query(data=b"toast")
    async def toast(q: CallbackQuery) -> None:
        await q.answer("Hello from oxigram!")

    @bot.on_callback_query(data=b"alert")
    async def alert(q: CallbackQuery) -> None:
        await q.answer("An alert: dismiss it to go on.", alert=True)

    @bot.on_callback_query(prefix=b"count:")
    async def count(q: CallbackQuery) -> None:
        n = int(q.data[6:]) + 1
        await q.answer(f"{n}!")
        await q.edit("Press a button:", buttons=keyboard(n))


async def run(bot: Client, token: str) -> None:
    async with bot:
        if not await bot.is_authorized():
            await bot.login_bot(token)
        me = await bot.get_me()
        print(f"@{me.username} is running; send it /start (Ctrl+C stops)", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    env = os.environ
    missing = [
        v for v in ("OXIGRAM_API_ID", "OXIGRAM_API_HASH", "OXIGRAM_BOT_TOKEN") if v not in env
    ]
    if missing:
        raise SystemExit(f"set {', '.join(missing)} (see the top of this file)")
    bot = make_client(env)
    setup(bot)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C: stop quietly
        asyncio.run(run(bot, env["OXIGRAM_BOT_TOKEN"]))


if __name__ == "__main__":
    main()
