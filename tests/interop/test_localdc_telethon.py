"""Telethon 1.45 (a bot and a user, nothing patched) against the local DC, over each of its
transports: log in, fetch the keyboard message, press, and get every kind of answer.

The DC's RSA key is given to Telethon with ``telethon.crypto.rsa.add_key`` and the address
with ``session.set_dc`` (../shared/docs/interop-telethon.md).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from oxigram.server import Button, LocalDC, default_rsa_key

telethon = pytest.importorskip("telethon", reason="telethon (a test extra) is not installed")
from telethon import TelegramClient, connection, errors, events  # noqa: E402
from telethon.crypto import rsa as telethon_rsa  # noqa: E402
from telethon.sessions import StringSession  # noqa: E402

logging.getLogger("telethon").setLevel(logging.WARNING)

PASSWORD = "open sesame"
TRANSPORTS = {
    "full": connection.ConnectionTcpFull,
    "intermediate": connection.ConnectionTcpIntermediate,
    "abridged": connection.ConnectionTcpAbridged,
    "obfuscated": connection.ConnectionTcpObfuscated,
}


def _client(dc: LocalDC, conn: Any) -> Any:
    client = TelegramClient(
        StringSession(), 1, "x" * 32, connection=conn, connection_retries=2, retry_delay=0.2
    )
    client.session.set_dc(dc.dc_id, dc.host, dc.port)
    return client


async def _flow(conn: Any) -> None:
    async with LocalDC(rsa_key=default_rsa_key(), answer_timeout=1.0) as dc:
        telethon_rsa.add_key(dc.public_key_pem, old=False)
        bot_acc = dc.add_bot("interop_bot")
        user_acc = dc.add_user("15557000", "Tess", password=PASSWORD)
        bot, user = _client(dc, conn), _client(dc, conn)
        seen: list[bytes] = []

        @bot.on(events.CallbackQuery)  # type: ignore[misc]
        async def on_press(event: Any) -> None:
            seen.append(event.data)
            if event.data == b"text":
                await event.answer("just text")
            elif event.data == b"alert":
                await event.answer("an alert", alert=True)
            elif event.data == b"url":
                await event.answer(url="https://t.me/interop_bot?start=hello")
            elif event.data == b"secret":
                await event.answer("password accepted")
            # b"silent": never answered

        try:
            await bot.start(bot_token=bot_acc.token)
            await user.start(
                phone=user_acc.phone, code_callback=lambda: user_acc.login_code, password=PASSWORD
            )
            me = await user.get_me()
            assert me.id == user_acc.id and me.phone == user_acc.phone
            assert (await bot.get_me()).bot
            mid = dc.send_message(
                bot_acc.id,
                user_acc.id,
                "choose",
                buttons=[
                    [Button.callback("Text", b"text"), Button.callback("Alert", b"alert")],
                    [Button.callback("Url", b"url"), Button.callback("Silent", b"silent")],
                    [Button.callback("Secret", b"secret", requires_password=True)],
                ],
            )
            msg = await user.get_messages("interop_bot", ids=mid)
            assert msg is not None and msg.text == "choose"
            assert [b.text for b in msg.buttons[0]] == ["Text", "Alert"]

            answer = await msg.click(0)
            assert answer.message == "just text" and not answer.alert
            answer = await msg.click(1)
            assert answer.message == "an alert" and answer.alert
            answer = await msg.click(text="Url")
            assert answer.url == "https://t.me/interop_bot?start=hello" and answer.has_url
            # no answer: Telethon swallows BOT_RESPONSE_TIMEOUT and returns None
            assert await msg.click(data=b"silent") is None
            answer = await msg.click(text="Secret", password=PASSWORD)
            assert answer.message == "password accepted"
            with pytest.raises(errors.PasswordHashInvalidError):
                await msg.click(text="Secret", password="wrong")
            assert seen == [b"text", b"alert", b"url", b"silent", b"secret"]
        finally:
            for client in (bot, user):
                await asyncio.wait_for(client.disconnect(), 10)


@pytest.mark.parametrize("transport", list(TRANSPORTS))
def test_telethon_bot_and_user_over(transport: str) -> None:
    asyncio.run(asyncio.wait_for(_flow(TRANSPORTS[transport]), 90))
