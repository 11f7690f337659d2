"""Tests of the bot in ``toast_alert_bot.py``, written with oxigram's pytest plugin.

Installing oxigram installs the plugin (pytest finds it through its entry point), so this
file needs no conftest.py and no set-up:

    pytest examples/test_toast_alert_bot.py

Each test gets its own local DC, an MTProto server on 127.0.0.1, and clients logged in on it
over TCP as Telegram would log them in: ``bot`` and ``user`` (fixtures), or more of them
with ``make_bot`` / ``make_user``. ``press`` has the bot send a message with buttons to the
user, who presses one; it returns the bot's answer. The tests run with or without
pytest-asyncio (the mark below is for its strict mode; the plugin accepts it as well).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from press_buttons import start_bot
from toast_alert_bot import KEYBOARD, greet, setup

from oxigram import errors
from oxigram.client import Button, Client
from oxigram.testing import press, self_id, send_buttons, start_chat

pytestmark = pytest.mark.asyncio

MakeClient = Callable[..., Awaitable[Client]]


async def test_hello_shows_a_toast(make_bot: MakeClient, user: Client) -> None:
    bot = await make_bot(setup=setup)  # the handlers are registered before the login

    answer = await press(bot, user, KEYBOARD, text="Hello")

    assert answer.message == "Hello!"
    assert not answer.alert


async def test_warn_shows_an_alert(make_bot: MakeClient, user: Client) -> None:
    bot = await make_bot(setup=setup)

    answer = await press(bot, user, KEYBOARD, text="Warn")

    assert (answer.message, answer.alert) == ("Are you sure?", True)


async def test_start_sends_the_keyboard(make_bot: MakeClient, user: Client) -> None:
    def handlers(bot: Client) -> None:
        setup(bot)
        greet(bot)

    await make_bot("demo_bot", setup=handlers)

    message = await start_bot(user, "demo_bot")  # the user sends /start, gets the keyboard

    assert [b.text for b in message.buttons] == ["Hello", "Warn"]
    assert (await message.click(text="Hello")).message == "Hello!"


async def test_a_bot_cannot_write_first(bot: Client, user: Client) -> None:
    """As on Telegram: the bot knows the user only once the user wrote to it."""
    with pytest.raises(errors.PeerNotFoundError, match="/start"):
        await bot.send_message(self_id(user), "Hi!", buttons=KEYBOARD)

    await start_chat(user, bot)  # the user sends /start

    await bot.send_message(self_id(user), "Hi!", buttons=KEYBOARD)


async def test_every_press_is_answered_once(make_bot: MakeClient, make_user: MakeClient) -> None:
    bot = await make_bot(setup=setup)
    alice, bob = await make_user(), await make_user()

    for user in (alice, bob):
        message = await send_buttons(bot, user, "Hi!", KEYBOARD)
        await message.click(text="Hello")
        await message.click(text="Warn")

    stats = bot.callback_stats
    assert (stats.count, stats.by_handler, stats.auto) == (4, 4, 0)


async def test_a_button_without_a_handler_gets_an_empty_answer(
    make_bot: MakeClient, user: Client
) -> None:
    bot = await make_bot(setup=setup)
    keyboard = [[Button.callback("Other", b"other")]]

    answer = await press(bot, user, keyboard, text="Other")

    assert answer.message is None  # answered at once, so the user's spinner stops
    with pytest.raises(errors.NoSuchButtonError):
        await press(bot, user, keyboard, text="Missing")
