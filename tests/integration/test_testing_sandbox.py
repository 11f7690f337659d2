"""oxigram.testing's pieces: the fixtures' defaults, the Sandbox outside pytest, and the
helpers (a chat started once, a password button pressed, what they refuse)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from oxigram import errors
from oxigram.client import Button, CallbackQuery, Client
from oxigram.testing import Sandbox, press, self_id, send_buttons

pytest.importorskip("oxigram.server")
MakeClient = Callable[..., Awaitable[Client]]


def answers(bot: Client) -> None:
    @bot.on_callback_query()
    async def echo(q: CallbackQuery) -> None:
        await q.answer(f"{q.data!r} from {q.user_id}")


async def test_fixture_defaults_and_accounts(
    local_dc: object,
    oxigram_sandbox: Sandbox,
    bot: Client,
    user: Client,
    make_bot: MakeClient,
    make_user: MakeClient,
) -> None:
    assert oxigram_sandbox.dc is local_dc
    assert (await bot.get_me()).username == "test_bot"
    assert (await user.get_me()).first_name == "Alice"
    bob, second = await make_user(username="bob"), await make_bot()
    assert ((await bob.get_me()).first_name, (await second.get_me()).username) == (
        "Bob",
        "test2_bot",
    )
    assert oxigram_sandbox.account(bob).id == self_id(bob)
    assert oxigram_sandbox.clients == [bot, user, bob, second]


async def test_helpers_start_the_chat_once_and_press(make_bot: MakeClient, user: Client) -> None:
    bot = await make_bot(setup=answers)
    starts: list[str] = []

    async def on_update(update: object) -> None:
        message = getattr(update, "message", None)
        if getattr(message, "message", None) == "/start":
            starts.append("/start")

    bot.on_update(on_update)
    keyboard = [[Button.callback("A", b"a"), Button.callback("B", b"b")]]
    first = await send_buttons(bot, user, "one", keyboard)
    second = await send_buttons(bot, user, "two", keyboard)
    assert (first.text, second.text) == ("one", "two") and second.id > first.id
    assert starts == ["/start"]  # the bot knew the user the second time
    assert (await second.click(text="B")).message == f"b'b' from {self_id(user)}"
    assert (await press(bot, user, keyboard, 0, 1)).message == f"b'b' from {self_id(user)}"


async def test_a_password_button(make_bot: MakeClient, make_user: MakeClient) -> None:
    bot = await make_bot(setup=answers)
    carol = await make_user("Carol", password="pw")
    keyboard = [[Button.callback("Transfer", b"t", requires_password=True)]]
    answer = await press(bot, carol, keyboard, text="Transfer", password="pw")
    assert answer.message == f"b't' from {self_id(carol)}"
    with pytest.raises(errors.PasswordHashInvalidError):
        await press(bot, carol, keyboard, text="Transfer", password="wrong")


async def test_self_id_wants_a_logged_in_client(oxigram_sandbox: Sandbox) -> None:
    client = oxigram_sandbox.client()
    with pytest.raises(ValueError, match="not logged in"):
        self_id(client)
    await client.connect()
    with pytest.raises(ValueError, match="not logged in"):
        self_id(client)


def test_the_sandbox_outside_pytest_fixtures() -> None:
    async def main() -> None:
        async with Sandbox(answer_timeout=2.0) as sandbox:
            bot = await sandbox.bot("plain_bot", setup=answers)
            user = await sandbox.user()
            answer = await press(bot, user, [[Button.callback("Go", b"go")]], text="Go")
            assert answer.message == f"b'go' from {self_id(user)}"
            assert sandbox.dc.answer_timeout == 2.0
            port = sandbox.dc.port
        assert bot.sender is None and user.sender is None  # closed with the sandbox
        with pytest.raises(OSError):  # and the DC no longer listens
            await asyncio.open_connection("127.0.0.1", port)

    asyncio.run(asyncio.wait_for(main(), 60))
