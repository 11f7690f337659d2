"""User side of callback queries: pressing buttons (``messages.getBotCallbackAnswer``, or
``ephemeral.getCallbackAnswer`` for a button on an ephemeral message).

A press is never re-sent by oxigram: the sender never re-sends ``getBotCallbackAnswer`` as
a new message (``network/sender.py``: not idempotent), RPC errors such as ``-503 Timeout``
are raised, never retried, and a local ``timeout`` raises
:class:`~oxigram.errors.CallbackAnswerTimeoutError` ("sent, maybe delivered, not answered").
``BOT_RESPONSE_TIMEOUT`` raises :class:`~oxigram.errors.BotResponseTimeoutError`: the press
reached the bot, which did not answer in time.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from ..errors import (
    CallbackAnswerTimeoutError,
    InvalidInputError,
    NoSuchButtonError,
    PasswordMissingError,
    RequestTimeoutError,
)
from ..tl import functions, types
from .buttons import ButtonInfo, buttons_of, check_data
from .callback_data import CallbackData
from .port import ClientPort
from .tlobjects import EPHEMERAL_MESSAGE, isa, name_of

__all__ = ["CallbackAnswer", "Message", "request_callback_answer"]


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot answered (``messages.botCallbackAnswer``)."""

    message: str | None
    alert: bool
    url: str | None
    has_url: bool
    native_ui: bool
    cache_time: int
    latency: float  # seconds from sending the press to receiving the answer

    @classmethod
    def from_tl(cls, obj: Any, latency: float) -> CallbackAnswer:
        return cls(
            obj.message,
            bool(obj.alert),
            obj.url,
            bool(obj.has_url),
            bool(obj.native_ui),
            int(obj.cache_time),
            latency,
        )


async def request_callback_answer(
    port: ClientPort,
    peer: Any,
    msg_id: int,
    data: bytes | str | CallbackData | None = None,
    *,
    game: bool = False,
    password: str | Any = None,
    timeout: float | None = None,
    ephemeral: bool = False,
) -> CallbackAnswer:
    """Presses a button: ``messages.getBotCallbackAnswer``, or ``ephemeral.getCallbackAnswer``
    with ``ephemeral`` (``Client.request_callback_answer`` documents the arguments)."""
    raw = None if data is None else check_data(data)
    if game and raw is not None:
        raise InvalidInputError("a game press carries no data: pass data=None with game=True")
    if ephemeral and (game or raw is None or password is not None):
        raise InvalidInputError(
            "a press on an ephemeral message carries data, and no game or password"
        )
    input_peer = await port.get_input_peer(peer)
    if ephemeral:
        req: Any = port.make.ephemeral_get_callback_answer(peer=input_peer, id=msg_id, data=raw)
        return await _ask(port, req, msg_id, timeout)
    proof: Any = password  # an InputCheckPassword* object as given, or None
    if isinstance(password, str):
        proof = await port.password_check(password)
        if isa(proof, types.InputCheckPasswordEmpty):
            press = functions.messages.GetBotCallbackAnswer._tl_name
            raise PasswordMissingError(400, "PASSWORD_MISSING", press)
    req = port.make.messages_get_bot_callback_answer(
        game=game, peer=input_peer, msg_id=msg_id, data=raw, password=proof
    )
    return await _ask(port, req, msg_id, timeout)


async def _ask(port: ClientPort, req: Any, msg_id: int, timeout: float | None) -> CallbackAnswer:
    """Sends the press ``req`` and waits for the bot's answer."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    try:
        result = await port.invoke(req, timeout=timeout)
    except RequestTimeoutError:
        wait = timeout if timeout is not None else port.request_timeout
        raise CallbackAnswerTimeoutError(
            f"no answer to the press on message {msg_id} within {wait} s; the press was sent "
            f"and may have reached the bot (it is not re-sent)"
        ) from None
    return CallbackAnswer.from_tl(result, loop.time() - start)


class Message:
    """A TL ``message`` (or ``ephemeralMessage``) with its client, so its buttons can be
    clicked."""

    def __init__(self, client: ClientPort, message: Any) -> None:
        self.client = client
        self.raw = message
        self.id: int = message.id
        self.text: str = getattr(message, "message", "")
        self.buttons: list[ButtonInfo] = buttons_of(message)
        self.ephemeral = name_of(message) == EPHEMERAL_MESSAGE

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.text!r} buttons={[b.text for b in self.buttons]}>"

    def find(
        self,
        i: int | None = None,
        j: int | None = None,
        *,
        text: str | None = None,
        data: bytes | str | CallbackData | None = None,
    ) -> ButtonInfo:
        """The button at row ``i``, column ``j`` (``j`` omitted: the ``i``-th button
        overall), or with this ``text`` or ``data``."""
        buttons = self.buttons
        found: list[ButtonInfo] = buttons
        if i is not None and j is not None:
            found = [b for b in buttons if (b.row, b.column) == (i, j)]
        elif i is not None:
            found = buttons[i : i + 1] if 0 <= i < len(buttons) else []
        if text is not None:
            found = [b for b in found if b.text == text]
        if data is not None:
            raw = check_data(data)
            found = [b for b in found if b.data == raw]
        if not found or (i is None and text is None and data is None):
            raise NoSuchButtonError(
                f"message {self.id} has no button matching i={i} j={j} text={text!r} data={data!r}"
            )
        return found[0]

    async def click(
        self,
        i: int | None = None,
        j: int | None = None,
        *,
        text: str | None = None,
        data: bytes | str | CallbackData | None = None,
        password: str | Any = None,
        timeout: float | None = None,
    ) -> CallbackAnswer:
        """Presses a callback or game button (see :meth:`find`); ``password`` for buttons
        that require the 2FA password (``PasswordMissingError``-like check: a button that
        requires one raises :class:`InvalidInputError` when none is given)."""
        b = self.find(i, j, text=text, data=data)
        if b.kind not in ("callback", "game"):
            raise NoSuchButtonError(f"button {b.text!r} is a {b.kind} button, not pressable")
        if b.requires_password and password is None:
            raise InvalidInputError(f"button {b.text!r} requires the 2FA password: password=")
        return await request_callback_answer(
            self.client,
            self.raw,
            self.id,
            b.data,
            game=b.kind == "game",
            password=password if b.requires_password else None,
            timeout=timeout,
            ephemeral=self.ephemeral,
        )
