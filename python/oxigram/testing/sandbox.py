"""A local DC with logged-in bots and users, and the few steps a bot test repeats.

Works in any asyncio code (no pytest needed)::

    async with Sandbox() as sandbox:
        bot = await sandbox.bot(setup=my_handlers)     # a logged-in Client
        user = await sandbox.user()                    # another one, a user account
        answer = await press(bot, user, [[Button.callback("Like", b"like")]], text="Like")
        assert answer.message == "Thanks!"

Every client talks to the DC over TCP with a real handshake and a real login, exactly as it
would talk to Telegram; :func:`send_buttons` and :func:`press` go through the bot's own
``send_message`` and the user's ``click``, so the code under test is the code that ships.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from ..client import CallbackAnswer, Client, Message
from ..client.callback_data import CallbackData
from ..client.tlobjects import isa
from ..errors import PeerNotFoundError
from ..server import Bot, LocalDC, User
from ..tl import types

__all__ = ["Sandbox", "press", "self_id", "send_buttons", "start_chat"]

_NAMES = ("Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi")


class Sandbox:
    """A :class:`~oxigram.server.LocalDC` on 127.0.0.1 (any free port) and the clients
    logged in on it; closing the sandbox closes the clients, then the DC.

    ``dc_options`` go to ``LocalDC`` (``answer_timeout=``, ``db=``, ``rsa_key=``...);
    ``client_options`` to every ``Client`` (``request_timeout=``, ``transport=``...).
    """

    def __init__(self, *, client_options: dict[str, Any] | None = None, **dc_options: Any) -> None:
        dc_options.setdefault("port", 0)
        self.dc = LocalDC(**dc_options)
        self.client_options = dict(client_options or {})
        self.clients: list[Client] = []
        self.accounts: dict[Client, Bot | User] = {}
        self._bots = itertools.count(1)
        self._users = itertools.count(1)

    async def start(self) -> Sandbox:
        await self.dc.start()
        return self

    async def close(self) -> None:
        """Closes every client (newest first), then stops the DC."""
        clients, self.clients = self.clients[::-1], []
        for client in clients:
            await client.close()
        await self.dc.stop()

    async def __aenter__(self) -> Sandbox:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def client(self, session: Any = None, **options: Any) -> Client:
        """A new, not yet connected client for this DC (closed with the sandbox)."""
        dc = self.dc
        options = {**self.client_options, **options}
        client = Client(
            session,
            1,
            "oxigram-testing",
            server=(dc.host, dc.port),
            rsa_keys=[dc.public_key_pem],
            **options,
        )
        self.clients.append(client)
        return client

    async def bot(self, username: str | None = None, *, setup: Any = None) -> Client:
        """A bot account (``test_bot``, then ``test2_bot``...) and a client logged in as
        it. ``setup``: a ``setup(bot)`` function that registers handlers with
        ``@bot.on_callback_query``, or a registry with ``install(bot)`` (such as
        ``oxigram.scale.Handlers``); it runs before the login, so no press is missed."""
        n = next(self._bots)
        account = self.dc.add_bot(username or ("test_bot" if n == 1 else f"test{n}_bot"))
        client = self.client()
        if setup is not None:
            install = getattr(setup, "install", None)
            if callable(install):
                install(client)
            else:
                setup(client)
        await client.connect()
        await client.login_bot(account.token)
        self.accounts[client] = account
        return client

    async def user(
        self,
        first_name: str | None = None,
        *,
        password: str | None = None,
        username: str | None = None,
        phone: str | None = None,
    ) -> Client:
        """A user account (Alice, Bob, Carol...; ``password``: its 2FA password) and a
        client logged in as it (login code, then the password if there is one)."""
        n = next(self._users)
        name = first_name or (_NAMES[n - 1] if n <= len(_NAMES) else f"User{n}")
        account = self.dc.add_user(
            phone or f"1555{n:07d}", name, password=password, username=username
        )
        client = self.client()
        await client.connect()
        await client.login_user(account.phone, account.login_code, password)
        self.accounts[client] = account
        return client

    def account(self, client: Client) -> Bot | User:
        """The DC's record of ``client``'s account (``.id``; a bot's ``.token``; a user's
        ``.phone``), for the DC's test API (``sandbox.dc.send_message(...)`` and so on)."""
        return self.accounts[client]


def self_id(client: Client) -> int:
    """The id of the account ``client`` is logged in as."""
    me = client.storage.self_user if client.storage is not None else None
    if me is None:
        raise ValueError("the client is not logged in")
    return me[0]


async def _wait_for_peer(bot: Client, user_id: int, timeout: float) -> None:
    async def known() -> None:
        while True:
            try:
                await bot.get_input_peer(user_id)
                return
            except PeerNotFoundError:
                await asyncio.sleep(0.01)

    try:
        await asyncio.wait_for(known(), timeout)
    except asyncio.TimeoutError:
        raise TimeoutError(
            f"the bot did not see a message from user {user_id} within {timeout} s "
            f"(is the bot's client connected and logged in?)"
        ) from None


async def start_chat(user: Client, bot: Client, *, timeout: float = 10.0) -> None:
    """``user`` sends ``/start`` to ``bot`` and this waits until the bot has received it.

    Telegram lets a bot write to a user only after the user has written to it (the bot
    learns the user's access hash from that message); so does the local DC. The bot's
    handlers see the ``/start`` like any other message.
    """
    me = await bot.get_me()
    if not me.username:
        raise ValueError("the bot has no username to send /start to")
    await user.send_message(f"@{me.username}", "/start")
    await _wait_for_peer(bot, self_id(user), timeout)


async def send_buttons(
    bot: Client, user: Client, text: str, buttons: Sequence[Any], *, timeout: float = 10.0
) -> Message:
    """``bot`` sends ``text`` with an inline keyboard (rows of
    :class:`~oxigram.client.Button`) to ``user``, who starts the chat first if the bot
    does not know them yet; returns the message as the user sees it, ready to ``click``."""
    user_id = self_id(user)
    try:
        await bot.get_input_peer(user_id)
    except PeerNotFoundError:
        await start_chat(user, bot, timeout=timeout)
    sent = await bot.send_message(user_id, text, buttons=buttons)
    msg_id = _sent_id(sent)
    message = await user.get_message(msg_id)
    if message is None:
        raise LookupError(f"user {user_id} cannot see message {msg_id}")
    return message


def _sent_id(sent: Any) -> int:
    """The message id in the ``Updates`` that ``messages.sendMessage`` returned."""
    if isa(sent, types.UpdateShortSentMessage):
        return sent.id
    for update in getattr(sent, "updates", ()):
        message: Any = getattr(update, "message", None)
        if isa(message, types.Message):
            return message.id
    raise LookupError(f"no message id in {sent!r}")


async def press(
    bot: Client,
    user: Client,
    buttons: Sequence[Any],
    i: int | None = None,
    j: int | None = None,
    *,
    text: str | None = None,
    data: bytes | str | CallbackData | None = None,
    password: str | None = None,
    message: str = "Pick one",
    timeout: float | None = 10.0,
) -> CallbackAnswer:
    """``bot`` sends a message with ``buttons`` to ``user``, who presses the one chosen
    like :meth:`Message.click` does (row ``i`` column ``j``, or ``text`` / ``data``);
    returns the bot's answer (``.message``, ``.alert``, ``.url``...)."""
    sent = await send_buttons(bot, user, message, buttons)
    return await sent.click(i, j, text=text, data=data, password=password, timeout=timeout)
