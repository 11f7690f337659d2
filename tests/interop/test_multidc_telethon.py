"""Telethon 1.45 (nothing patched) against a local cluster of DCs 1-5: a bot editing an
inline message that lives on another DC than its home (Telethon borrows an exported
sender: a new key on that DC, ``auth.exportAuthorization`` on home and
``auth.importAuthorization`` there), and a user whose account moves after login
(``USER_MIGRATE_4``: Telethon switches its home to DC 4 with a new key there, which is not
logged in, as Telethon does on Telegram; it logs in again on DC 4 and carries on).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from oxigram.server import Button, LocalDC, default_rsa_key

telethon = pytest.importorskip("telethon", reason="telethon (a test extra) is not installed")
from telethon import TelegramClient, events  # noqa: E402
from telethon.crypto import rsa as telethon_rsa  # noqa: E402
from telethon.sessions import StringSession  # noqa: E402

logging.getLogger("telethon").setLevel(logging.WARNING)

TIMEOUT = 90


def _client(dc: LocalDC, dc_id: int) -> Any:
    # Telethon caches help.getConfig on the class: another cluster's ports would be used.
    TelegramClient._config = None
    client = TelegramClient(StringSession(), 1, "x" * 32, connection_retries=2, retry_delay=0.2)
    host, port = dc.address(dc_id)
    client.session.set_dc(dc_id, host, port)
    return client


async def _inline_edit_on_another_dc() -> None:
    async with LocalDC(rsa_key=default_rsa_key(), dcs=(1, 2, 3, 4, 5)) as dc:
        telethon_rsa.add_key(dc.public_key_pem, old=False)
        bot_acc = dc.add_bot("tt_inline_bot", dc_id=2)
        user_acc = dc.add_user("15559001", "Tia", dc_id=4)
        bot, user = _client(dc, 2), _client(dc, 4)
        seen: list[Any] = []

        @bot.on(events.CallbackQuery)  # type: ignore[misc]
        async def on_press(event: Any) -> None:
            seen.append(event.query.msg_id)
            await event.answer("pressed")
            await event.edit("edited by telethon")

        try:
            await bot.start(bot_token=bot_acc.token)
            await user.start(phone=user_acc.phone, code_callback=lambda: user_acc.login_code)
            inline = dc.add_inline_message(
                bot_acc.id,
                user_acc.id,
                bot_acc.id,
                "inline on DC 4",
                [Button.callback("Go", b"go")],
                dc_id=4,
            )
            msg = await user.get_messages("tt_inline_bot", ids=inline.msg_id)
            assert msg is not None and msg.text == "inline on DC 4"
            answer = await msg.click(data=b"go")
            assert answer.message == "pressed"
            for _ in range(200):
                if dc.get_message(inline.msg_id).text == "edited by telethon":
                    break
                await asyncio.sleep(0.05)
            assert dc.get_message(inline.msg_id).text == "edited by telethon"
            assert [m.dc_id for m in seen] == [4]
            assert dc.state.exports.imported == 1  # Telethon's borrowed sender on DC 4
            assert len(dc.engine_for(4).keys) == 2  # the user's key and the bot's
        finally:
            for client in (bot, user):
                await asyncio.wait_for(client.disconnect(), 10)


async def _user_moved_after_login() -> None:
    async with LocalDC(rsa_key=default_rsa_key(), dcs=(1, 2, 3, 4, 5)) as dc:
        telethon_rsa.add_key(dc.public_key_pem, old=False)
        user_acc = dc.add_user("15559002", "Ugo", dc_id=2)
        bot_acc = dc.add_bot("tt_moved_bot", dc_id=2)
        user = _client(dc, 2)
        try:
            await user.start(phone=user_acc.phone, code_callback=lambda: user_acc.login_code)
            assert (await user.get_me()).id == user_acc.id
            dc.move_account(user_acc.id, 4)
            # USER_MIGRATE_4: Telethon moves to DC 4 (address from help.getConfig) with a
            # new key there, which is not logged in, so get_me() says nobody.
            assert await user.get_me() is None
            assert (user.session.dc_id, user.session.port) == (4, dc.address(4)[1])
            await user.start(phone=user_acc.phone, code_callback=lambda: user_acc.login_code)
            assert (await user.get_me()).id == user_acc.id
            mid = dc.send_message(bot_acc.id, user_acc.id, "hello on DC 4")
            msg = await user.get_messages("tt_moved_bot", ids=mid)
            assert msg is not None and msg.text == "hello on DC 4"
        finally:
            await asyncio.wait_for(user.disconnect(), 10)


def test_telethon_bot_edits_an_inline_message_on_another_dc() -> None:
    asyncio.run(asyncio.wait_for(_inline_edit_on_another_dc(), TIMEOUT))


def test_telethon_user_moved_after_login() -> None:
    asyncio.run(asyncio.wait_for(_user_moved_after_login(), TIMEOUT))
