"""A bot with a toast button and an alert button.

python examples/toast_alert_bot.py                       # in-process DC + a user pressing
oxigram serve --port 8443 --pem dc.pem --bot demo_bot    # or against a running DC:
python examples/toast_alert_bot.py --server 127.0.0.1:8443 --pem dc.pem --token <TOKEN>
"""

from __future__ import annotations

import asyncio

from _connect import client, parse, remote

from oxigram.client import Client
from oxigram.client.callbacks import CallbackQuery


def setup(bot: Client) -> None:
    @bot.on_callback_query(data=b"hello")
    async def hello(q: CallbackQuery) -> None:
        await q.answer("Hello!")  # a toast

    @bot.on_callback_query(data=b"warn")
    async def warn(q: CallbackQuery) -> None:
        await q.answer("Are you sure?", alert=True)  # a popup the user dismisses


async def in_process() -> None:
    from oxigram.server import Button, LocalDC

    async with LocalDC() as dc:
        bot_acc, user_acc = dc.add_bot("demo_bot"), dc.add_user("15550001", "Alice")
        async with (
            client(dc.host, dc.port, dc.public_key_pem) as bot,
            client(dc.host, dc.port, dc.public_key_pem) as user,
        ):
            await bot.login_bot(bot_acc.token)
            setup(bot)
            await user.login_user(user_acc.phone, user_acc.login_code)
            msg_id = dc.send_message(
                bot_acc.id,
                user_acc.id,
                "Hi!",
                [[Button.callback("Hello", b"hello"), Button.callback("Warn", b"warn")]],
            )
            msg = await user.get_message(msg_id)
            assert msg is not None
            for text in ("Hello", "Warn"):
                answer = await msg.click(text=text)
                kind = "alert" if answer.alert else "toast"
                print(f"{text}: {kind} {answer.message!r} in {answer.latency * 1000:.1f} ms")


async def serve_forever(host: str, port: int, pem: str, token: str) -> None:
    async with client(host, port, pem) as bot:
        await bot.login_bot(token)
        setup(bot)
        print("bot running; Ctrl+C to stop")
        await asyncio.Event().wait()


if __name__ == "__main__":
    args = parse(__doc__ or "")
    if args.server:
        asyncio.run(serve_forever(*remote(args), args.token))
    else:
        asyncio.run(asyncio.wait_for(in_process(), 60))
