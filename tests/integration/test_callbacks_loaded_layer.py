"""A bot and a user that loaded the whole layer with ``tl.load_schema`` (the README's way to
use another layer) against the local DC: logging in, sending a keyboard, fetching and
pressing it (with the 2FA password too), and the bot's edit with new buttons and its answer.

Before the keyboards were built with the client's own schema (and before a codec took over
objects of another schema), ``send_message(..., buttons=...)`` and ``CallbackQuery.edit(
buttons=...)`` raised ``TLEncodeError: messages.sendMessage.reply_markup: expected
ReplyMarkup, got ReplyInlineMarkup``."""

from __future__ import annotations

from typing import Any

import pytest
from cbsupport import run

from oxigram import tl
from oxigram.client import Button, CallbackQuery, Client
from oxigram.client.buttons import ButtonInfo, buttons_of
from oxigram.testing import Sandbox, send_buttons
from tl_support import SHARED_TL

pytest.importorskip("oxigram.server")


def test_keyboards_edits_and_presses_with_a_loaded_layer() -> None:
    run(keyboards_edits_and_presses)


async def keyboards_edits_and_presses() -> None:
    full = tl.load_schema(SHARED_TL / "main_api.tl")
    assert full is not tl.schema and full.layer == tl.LAYER
    seen: list[Any] = []

    def setup(bot: Client) -> None:
        @bot.on_callback_query(data=b"yes")
        async def yes(q: CallbackQuery) -> None:
            message = await q.get_message()
            seen.append((type(message)._tl_schema is full, buttons_of(message)[0].text))
            await q.edit("edited", buttons=[[Button.callback("Again", b"again")]])
            await q.answer("done")

        @bot.on_callback_query(data=b"pay")
        async def pay(q: CallbackQuery) -> None:
            await q.answer("paid", alert=True)

    async with Sandbox(client_options={"schema": full}) as sandbox:
        bot = await sandbox.bot(setup=setup)
        user = await sandbox.user(password="s3cret")  # its login checks the password (SRP)
        assert bot.schema is full and user.schema is full
        keyboard = [
            [Button.callback("Yes", b"yes"), Button.callback("Pay", b"pay", requires_password=True)]
        ]
        sent = await send_buttons(bot, user, "menu", keyboard)
        assert type(sent.raw)._tl_schema is full
        assert [(b.text, b.requires_password) for b in sent.buttons] == [
            ("Yes", False),
            ("Pay", True),
        ]
        answer = await sent.click(text="Pay", password="s3cret")
        assert (answer.message, answer.alert) == ("paid", True)
        assert (await sent.click(text="Yes")).message == "done"
        assert seen == [(True, "Yes")]
        again = await user.get_message(sent.id)  # the edit replaced text and keyboard
        assert again is not None and again.text == "edited"
        assert again.buttons == [ButtonInfo(0, 0, "Again", "callback", b"again")]
