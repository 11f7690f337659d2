"""Pressing buttons and messages with keyboards on the client port alone (no Client, no
connection): the request each sends, what they return, and the checks made before the
network."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from oxigram import tl
from oxigram.client.buttons import Button, inline_markup
from oxigram.client.messages import get_message, send_message
from oxigram.client.pressing import CallbackAnswer, Message, request_callback_answer
from oxigram.errors import (
    CallbackAnswerTimeoutError,
    CallbackDataTooLongError,
    InvalidInputError,
    NoSuchButtonError,
    PasswordMissingError,
    RequestTimeoutError,
)
from port_support import RecordingPort

PRESS = "messages.getBotCallbackAnswer"
CHAT = tl.types.PeerUser(user_id=42)
INPUT_CHAT = tl.types.InputPeerUser(user_id=42, access_hash=42 * 7)


def run(fn: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(fn(), 10))


def answering(port: RecordingPort, text: str = "ok") -> None:
    port.replies[PRESS] = tl.types.messages.BotCallbackAnswer(
        message=text, alert=True, cache_time=3
    )


def keyboard_message() -> Any:
    rows = [
        [Button.callback("A", b"a"), Button.callback("B", b"b")],
        [Button.url("Site", "https://example.org"), Button.game("G")],
        [Button.callback("Secret", b"pw", requires_password=True)],
    ]
    return tl.types.Message(
        id=7, peer_id=CHAT, date=0, message="menu", reply_markup=inline_markup(rows)
    )


def test_a_press_sends_one_request_and_returns_the_answer() -> None:
    async def main() -> None:
        port = RecordingPort()
        answering(port, "hi")
        answer = await request_callback_answer(port, CHAT, 7, "a", timeout=2.0)
        (call,) = port.calls
        assert call.request.to_dict() == {
            "_": PRESS,
            "peer": INPUT_CHAT.to_dict(),
            "msg_id": 7,
            "data": b"a",
        }
        assert call.timeout == 2.0 and call.flood_sleep_threshold is None
        assert answer == CallbackAnswer("hi", True, None, False, False, 3, answer.latency)
        assert answer.latency >= 0

    run(main)


def test_checks_before_the_network() -> None:
    async def main() -> None:
        port = RecordingPort()
        with pytest.raises(InvalidInputError):
            await request_callback_answer(port, CHAT, 7, b"a", game=True)
        with pytest.raises(CallbackDataTooLongError):
            await request_callback_answer(port, CHAT, 7, b"z" * 65)
        with pytest.raises(PasswordMissingError):  # the account has no 2FA password
            await request_callback_answer(port, CHAT, 7, b"pw", password="s3cret")
        assert port.passwords == ["s3cret"] and port.calls == []

    run(main)


def test_a_password_becomes_the_ports_proof() -> None:
    async def main() -> None:
        port = RecordingPort()
        answering(port)
        port.password_proof = tl.types.InputCheckPasswordSRP(srp_id=1, A=b"A", M1=b"M")
        await request_callback_answer(port, CHAT, 7, b"pw", password="s3cret")
        assert port.calls[0].request.password == port.password_proof

    run(main)


def test_a_local_timeout_says_the_press_was_not_resent() -> None:
    async def main() -> None:
        port = RecordingPort()
        port.replies[PRESS] = RequestTimeoutError(f"{PRESS}: no answer within 10.0 s")
        with pytest.raises(CallbackAnswerTimeoutError) as info:
            await request_callback_answer(port, CHAT, 7, b"a")  # the port's default wait
        assert str(info.value) == (
            "no answer to the press on message 7 within 10.0 s; the press was sent and may "
            "have reached the bot (it is not re-sent)"
        )
        assert len(port.calls) == 1

    run(main)


def test_message_click_finds_the_button_and_presses_it() -> None:
    async def main() -> None:
        port = RecordingPort()
        answering(port)
        m = Message(port, keyboard_message())
        assert [b.text for b in m.buttons] == ["A", "B", "Site", "G", "Secret"]
        await m.click(0, 1)
        await m.click(0)
        await m.click(text="G")
        await m.click(data=b"a")
        sent = [
            (c.request.peer, c.request.msg_id, c.request.data, c.request.game) for c in port.calls
        ]
        assert sent == [  # game: a true flag, False when not set
            (INPUT_CHAT, 7, b"b", False),
            (INPUT_CHAT, 7, b"a", False),
            (INPUT_CHAT, 7, None, True),
            (INPUT_CHAT, 7, b"a", False),
        ]
        with pytest.raises(NoSuchButtonError):
            await m.click(text="Site")  # a url button opens a link
        with pytest.raises(NoSuchButtonError):
            await m.click(text="nope")
        with pytest.raises(InvalidInputError):
            await m.click(text="Secret")  # requires the 2FA password
        assert len(port.calls) == 4

    run(main)


def test_send_message_and_get_message() -> None:
    async def main() -> None:
        port = RecordingPort()
        port.replies["messages.getMessages"] = tl.types.messages.Messages(
            messages=[keyboard_message()], topics=[], chats=[], users=[]
        )
        await send_message(port, CHAT, "menu", buttons=[Button.callback("A", b"a")])
        got = await get_message(port, 7)
        assert got is not None and got.id == 7 and got.text == "menu"
        assert got.client is port
        sent, fetch = port.calls
        assert sent.request.peer == INPUT_CHAT and sent.request.message == "menu"
        assert sent.request.reply_markup == inline_markup([Button.callback("A", b"a")])
        assert fetch.request == tl.functions.messages.GetMessages(
            id=[tl.types.InputMessageID(id=7)]
        )
        port.replies["messages.getMessages"] = tl.types.messages.Messages(
            messages=[tl.types.MessageEmpty(id=8)], topics=[], chats=[], users=[]
        )
        assert await get_message(port, 8) is None

    run(main)
