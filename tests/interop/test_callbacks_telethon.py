"""The callback API across libraries on the local DC: a Telethon user presses an oxigram
bot's buttons, and an oxigram user presses a Telethon bot's buttons (both over TCP with real
handshakes; Telethon connects as in test_localdc_telethon.py)."""

from __future__ import annotations

import asyncio
import enum
import logging
from typing import Any

import pytest

from oxigram import errors as ox_errors
from oxigram.client import Client
from oxigram.client.callback_data import CallbackData
from oxigram.client.callbacks import CallbackQuery
from oxigram.server import Button, LocalDC, default_rsa_key

telethon = pytest.importorskip("telethon", reason="telethon (a test extra) is not installed")
from telethon import TelegramClient, connection, events  # noqa: E402
from telethon.crypto import rsa as telethon_rsa  # noqa: E402
from telethon.sessions import StringSession  # noqa: E402

logging.getLogger("telethon").setLevel(logging.WARNING)

PASSWORD = "open sesame"


class Size(enum.Enum):
    S = 1
    L = 2


class Order(CallbackData, prefix="o"):
    item: int
    size: Size


def _telethon(dc: LocalDC) -> Any:
    client = TelegramClient(
        StringSession(),
        1,
        "x" * 32,
        connection=connection.ConnectionTcpIntermediate,
        connection_retries=2,
        retry_delay=0.2,
    )
    client.session.set_dc(dc.dc_id, dc.host, dc.port)
    return client


def _oxigram(dc: LocalDC) -> Client:
    return Client(None, 1, "x", server=(dc.host, dc.port), rsa_keys=[dc.public_key_pem])


async def _telethon_user_presses_oxigram_bot() -> None:
    async with LocalDC(rsa_key=default_rsa_key(), answer_timeout=2.0) as dc:
        telethon_rsa.add_key(dc.public_key_pem, old=False)
        bot_acc = dc.add_bot("ox_bot")
        user_acc = dc.add_user("15557100", "Tess", password=PASSWORD)
        bot, user = _oxigram(dc), _telethon(dc)
        orders: list[Order] = []

        @bot.on_callback_query(data=b"toast")
        async def toast(q: CallbackQuery) -> None:
            await q.answer("hello from oxigram")

        @bot.on_callback_query(data=b"alert")
        async def alert(q: CallbackQuery) -> None:
            await q.answer("careful", alert=True)

        @bot.on_callback_query(cls=Order)
        async def order(q: CallbackQuery) -> None:
            orders.append(q.typed)
            await q.answer(f"order {q.typed.item} {q.typed.size.name}")

        @bot.on_callback_query(data=b"forgot")
        async def forgot(q: CallbackQuery) -> None:
            return None  # oxigram answers for it

        @bot.on_callback_query(data=b"secret")
        async def secret(q: CallbackQuery) -> None:
            await q.answer("welcome")

        try:
            await bot.connect()
            await bot.login_bot(bot_acc.token)
            await user.start(
                phone=user_acc.phone, code_callback=lambda: user_acc.login_code, password=PASSWORD
            )
            mid = dc.send_message(
                bot_acc.id,
                user_acc.id,
                "shop",
                buttons=[
                    [Button.callback("T", b"toast"), Button.callback("A", b"alert")],
                    [
                        Button.callback("O", Order(5, Size.L).pack()),
                        Button.callback("F", b"forgot"),
                    ],
                    [Button.callback("S", b"secret", requires_password=True)],
                ],
            )
            msg = await user.get_messages("ox_bot", ids=mid)
            assert (await msg.click(text="T")).message == "hello from oxigram"
            a = await msg.click(text="A")
            assert a.message == "careful" and a.alert
            assert (await msg.click(text="O")).message == "order 5 L"
            a = await msg.click(text="F")
            assert a is not None and a.message is None  # answered (empty), no spinner left
            assert (await msg.click(text="S", password=PASSWORD)).message == "welcome"
            assert orders == [Order(5, Size.L)]
            assert bot.callback_stats.by_handler == 4 and bot.callback_stats.auto == 1
        finally:
            await asyncio.wait_for(user.disconnect(), 10)
            await bot.close()


async def _oxigram_user_presses_telethon_bot() -> None:
    async with LocalDC(rsa_key=default_rsa_key(), answer_timeout=1.0) as dc:
        telethon_rsa.add_key(dc.public_key_pem, old=False)
        bot_acc = dc.add_bot("tl_bot")
        user_acc = dc.add_user("15557200", "Oxi", password=PASSWORD)
        bot, user = _telethon(dc), _oxigram(dc)
        seen: list[bytes] = []

        @bot.on(events.CallbackQuery)  # type: ignore[misc]
        async def on_press(event: Any) -> None:
            seen.append(event.data)
            if event.data == b"text":
                await event.answer("from telethon")
            elif event.data == b"alert":
                await event.answer("telethon alert", alert=True)
            elif event.data == b"secret":
                await event.answer("password ok")
            # b"silent": never answered

        try:
            await bot.start(bot_token=bot_acc.token)
            await user.connect()
            await user.login_user(user_acc.phone, user_acc.login_code, PASSWORD)
            mid = dc.send_message(
                bot_acc.id,
                user_acc.id,
                "pick",
                buttons=[
                    [Button.callback("Text", b"text"), Button.callback("Alert", b"alert")],
                    [Button.callback("Silent", b"silent")],
                    [Button.callback("Secret", b"secret", requires_password=True)],
                ],
            )
            m = await user.get_message(mid)
            assert m is not None
            assert (await m.click(text="Text")).message == "from telethon"
            a = await m.click(0, 1)
            assert a.message == "telethon alert" and a.alert
            with pytest.raises(ox_errors.BotResponseTimeoutError):
                await m.click(data=b"silent")
            assert (await m.click(text="Secret", password=PASSWORD)).message == "password ok"
            with pytest.raises(ox_errors.PasswordHashInvalidError):
                await m.click(text="Secret", password="wrong")
            a = await user.request_callback_answer("@tl_bot", mid, b"text")
            assert a.message == "from telethon"
            assert seen == [b"text", b"alert", b"silent", b"secret", b"text"]
        finally:
            await asyncio.wait_for(bot.disconnect(), 10)
            await user.close()


def test_telethon_user_presses_oxigram_bot() -> None:
    asyncio.run(asyncio.wait_for(_telethon_user_presses_oxigram_bot(), 90))


def test_oxigram_user_presses_telethon_bot() -> None:
    asyncio.run(asyncio.wait_for(_oxigram_user_presses_telethon_bot(), 90))
