"""A user account that presses buttons: by position, text or data, with the 2FA password
for protected buttons, and with typed outcomes for bots that do not answer.

    python examples/press_buttons.py          # in-process DC with a small shop bot

Against ``oxigram serve`` and a running bot (see ``examples/toast_alert_bot.py``): the user
logs in, sends ``/start`` to the bot (``--bot``, default demo_bot) and presses every button
of the message the bot answers with:

    python examples/press_buttons.py --server 127.0.0.1:8443 --pem dc.pem \\
        --phone 15550001 --code 12345 [--password PW] [--bot demo_bot]

Without ``--code`` the login code is asked for on the terminal.
"""

from __future__ import annotations

import asyncio
from typing import Any

from _connect import client, parse, remote

from oxigram import errors
from oxigram.client import Client
from oxigram.client.callbacks import CallbackQuery
from oxigram.client.pressing import Message


async def press_all(msg: Message, password: str | None) -> None:
    for b in msg.buttons:
        if b.kind not in ("callback", "game"):
            print(f"{b.text}: a {b.kind} button ({b.url or 'no url'})")
            continue
        try:
            answer = await msg.click(b.row, b.column, password=password, timeout=15)
            print(f"{b.text}: {answer.message or answer.url or '(empty answer)'}")
        except errors.BotResponseTimeoutError:
            print(f"{b.text}: the bot got the press but did not answer (not re-sent)")
        except errors.PasswordHashInvalidError:
            print(f"{b.text}: wrong 2FA password")


async def start_bot(user: Client, bot_username: str, timeout: float = 15.0) -> Message:
    """Sends ``/start`` to ``@bot_username``; returns the bot's answer that has buttons."""
    bot = await user.get_input_peer(f"@{bot_username}")
    answered: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    @user.on_update
    async def from_bot(update: Any) -> None:
        m = getattr(update, "message", None)
        if update._tl_name != "updateNewMessage" or m is None or m.out or answered.done():
            return
        if getattr(m.peer_id, "user_id", None) == bot.user_id and m.reply_markup is not None:
            answered.set_result(m)

    await user.send_message(f"@{bot_username}", "/start")
    try:
        raw = await asyncio.wait_for(answered, timeout)
    except asyncio.TimeoutError:
        raise SystemExit(f"@{bot_username} sent no buttons within {timeout:g} s") from None
    msg = await user.get_message(raw.id)
    assert msg is not None
    return msg


async def in_process() -> None:
    from oxigram.client import Button
    from oxigram.testing import Sandbox, send_buttons

    def setup(bot: Client) -> None:
        @bot.on_callback_query(data=b"buy")
        async def buy(q: CallbackQuery) -> None:
            await q.answer("Bought!")

        @bot.on_callback_query(data=b"transfer")
        async def transfer(q: CallbackQuery) -> None:
            await q.answer("Ownership transferred", alert=True)

        @bot.on_callback_query(data=b"sleepy", deadline=None)
        async def sleepy(q: CallbackQuery) -> None:
            await asyncio.sleep(1.5)  # too slow on purpose

    async with Sandbox(answer_timeout=1.0) as sandbox:
        bot = await sandbox.bot("shop_bot", setup=setup)
        user = await sandbox.user("Carol", password="pw")
        keyboard = [
            [Button.callback("Buy", b"buy"), Button.url("Docs", "https://example.org")],
            [Button.callback("Transfer", b"transfer", requires_password=True)],
            [Button.callback("Sleepy", b"sleepy")],
        ]
        await press_all(await send_buttons(bot, user, "Shop", keyboard), "pw")


async def against(args: Any) -> None:
    host, port, pem = remote(args)
    if not args.phone:
        raise SystemExit("--server needs --phone PHONE (created with `oxigram serve --user`)")
    code = args.code or (lambda _sent: input("login code: "))
    async with client(host, port, pem) as user:
        await user.login_user(args.phone, code, args.password)
        msg = await start_bot(user, args.bot.lstrip("@"))
        print(f"@{args.bot.lstrip('@')} sent {msg.text!r} with {len(msg.buttons)} buttons")
        await press_all(msg, args.password)


if __name__ == "__main__":
    args = parse(__doc__ or "")
    if args.server:
        asyncio.run(asyncio.wait_for(against(args), 120))
    else:
        asyncio.run(asyncio.wait_for(in_process(), 60))
