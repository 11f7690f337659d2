"""A user account that presses buttons: by position, text or data, with the 2FA password
for protected buttons, and with typed outcomes for bots that do not answer.

    python examples/press_buttons.py          # in-process DC with a small bot
    python examples/press_buttons.py --server 127.0.0.1:8443 --pem dc.pem \\
        --phone 15550003 [--password PW]      # then presses the latest bot message's buttons
"""

from __future__ import annotations

import asyncio
import sys

from _connect import client, parse, remote

from oxigram import errors
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


async def in_process() -> None:
    from oxigram.server import Button, LocalDC

    async with LocalDC(answer_timeout=1.0) as dc:
        bot_acc = dc.add_bot("shop_bot")
        user_acc = dc.add_user("15550003", "Carol", password="pw")
        async with (
            client(dc.host, dc.port, dc.public_key_pem) as bot,
            client(dc.host, dc.port, dc.public_key_pem) as user,
        ):
            await bot.login_bot(bot_acc.token)

            @bot.on_callback_query(data=b"buy")
            async def buy(q: CallbackQuery) -> None:
                await q.answer("Bought!")

            @bot.on_callback_query(data=b"transfer")
            async def transfer(q: CallbackQuery) -> None:
                await q.answer("Ownership transferred", alert=True)

            @bot.on_callback_query(data=b"sleepy", deadline=None)
            async def sleepy(q: CallbackQuery) -> None:
                await asyncio.sleep(1.5)  # too slow on purpose

            await user.login_user(user_acc.phone, user_acc.login_code, "pw")
            msg_id = dc.send_message(
                bot_acc.id,
                user_acc.id,
                "Shop",
                [
                    [Button.callback("Buy", b"buy"), Button.url("Docs", "https://example.org")],
                    [Button.callback("Transfer", b"transfer", requires_password=True)],
                    [Button.callback("Sleepy", b"sleepy")],
                ],
            )
            msg = await user.get_message(msg_id)
            assert msg is not None
            await press_all(msg, "pw")


async def against(host: str, port: int, pem: str, phone: str, password: str | None) -> None:
    async with client(host, port, pem) as user:
        await user.login_user(phone, lambda _sent: input("login code: "), password)
        msg_id = int(input("message id to press: "))
        msg = await user.get_message(msg_id)
        if msg is None:
            sys.exit(f"no message {msg_id}")
        await press_all(msg, password)


if __name__ == "__main__":
    args = parse(__doc__ or "")
    if args.server:
        asyncio.run(against(*remote(args), args.phone, args.password))
    else:
        asyncio.run(asyncio.wait_for(in_process(), 60))
