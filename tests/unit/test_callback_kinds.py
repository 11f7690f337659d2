"""Each kind of press on the client port alone: what ``q.kind``, ``q.message`` and
``get_message()`` give, the exact request ``edit()`` sends for a business press (inside
``invokeWithBusinessConnection``) and an ephemeral one (``ephemeral.editMessage`` for the
presser), one ``setBotCallbackAnswer`` for every kind, ordered-per-chat keys, and the
user's ephemeral press (``ephemeral.getCallbackAnswer``, never with a password or game)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from oxigram import tl
from oxigram.client.callbacks import CallbackConfig, CallbackQuery, CallbackRouter
from oxigram.client.pressing import Message, request_callback_answer
from oxigram.errors import InvalidInputError
from port_support import RecordingPort, updates_of

T, F = tl.types, tl.functions
ANSWER = "messages.setBotCallbackAnswer"


def run(fn: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(fn(), 10))


async def settle(router: CallbackRouter) -> None:
    while router._tasks:
        await asyncio.wait(list(router._tasks), timeout=5)


def keyboard(data: bytes) -> Any:
    button = T.KeyboardInlineButton(text="b", type=T.InlineButtonTypeCallback(data=data))
    return T.ReplyInlineMarkup(rows=[T.KeyboardInlineButtonRow(buttons=[button])])


def business_update(query_id: int, connection_id: str = "c1", customer: int = 100) -> Any:
    message = T.Message(
        out=True,
        id=9,
        from_id=T.PeerUser(user_id=50),
        peer_id=T.PeerUser(user_id=customer),
        date=0,
        message="menu",
        via_business_bot_id=7,
        reply_markup=keyboard(b"go"),
    )
    return T.UpdateBusinessBotCallbackQuery(
        query_id=query_id,
        user_id=customer,
        connection_id=connection_id,
        message=message,
        chat_instance=3,
        data=b"go",
    )


def ephemeral_message(peer: Any = None) -> Any:
    return T.EphemeralMessage(
        id=4,
        from_id=T.PeerUser(user_id=7),
        peer_id=peer,
        receiver_id=100,
        date=0,
        message="secret",
        reply_markup=keyboard(b"go"),
    )


def ephemeral_update(query_id: int, peer: Any = None) -> Any:
    return T.UpdateEphemeralBotCallbackQuery(
        query_id=query_id,
        user_id=100,
        peer=peer,
        msg_id=4,
        data=b"go",
        message=ephemeral_message(peer),
    )


def test_business_press_edits_inside_its_connection_and_answers_as_usual() -> None:
    async def main() -> None:
        port = RecordingPort()
        router = CallbackRouter(port)
        seen: list[Any] = []

        @router.add
        async def handler(q: CallbackQuery) -> None:
            seen.extend([q.kind, q.message, await q.get_message(), q.msg_id, q.peer])
            await q.edit("sold")
            assert await q.answer("thanks") is True

        router.on_raw(updates_of(business_update(1)))
        await settle(router)
        update = business_update(1)
        assert seen == ["business", update.message, update.message, 9, T.PeerUser(user_id=100)]
        edit, answer = port.calls  # no getMessages: the update carried the message
        assert edit.request == F.InvokeWithBusinessConnection(
            connection_id="c1",
            query=F.messages.EditMessage(
                peer=T.InputPeerUser(user_id=100, access_hash=700), id=9, message="sold"
            ),
        )
        assert answer.request == F.messages.SetBotCallbackAnswer(
            query_id=1, message="thanks", cache_time=0
        )
        assert router.stats.by_kind == {"business": 1}

    run(main)


@pytest.mark.parametrize("peer", [None, T.PeerUser(user_id=100)])
def test_ephemeral_press_edits_for_its_receiver(peer: Any) -> None:
    async def main() -> None:
        port = RecordingPort()
        router = CallbackRouter(port)
        seen: list[Any] = []

        @router.add
        async def handler(q: CallbackQuery) -> None:
            seen.extend([q.kind, q.message.message, q.msg_id, q.peer, q.chat_instance])
            await q.edit("shown", reply_markup=keyboard(b"again"))

        router.feed(ephemeral_update(2, peer), asyncio.get_running_loop().time())
        await settle(router)
        # The chat is the presser's with the bot, named by the update or not.
        assert seen == ["ephemeral", "secret", 4, T.PeerUser(user_id=100), None]
        edit, auto = port.calls
        assert edit.request == F.ephemeral.EditMessage(
            peer=T.InputPeerUser(user_id=100, access_hash=700) if peer is not None else None,
            receiver_id=T.InputUser(user_id=100, access_hash=700),
            id=4,
            message="shown",
            reply_markup=keyboard(b"again"),
        )
        assert auto.name == ANSWER and auto.request.query_id == 2  # the auto answer
        assert router.stats.auto == 1 and router.stats.by_kind == {"ephemeral": 1}

    run(main)


def test_a_business_chat_is_its_own_chat_for_ordered_handlers() -> None:
    async def main() -> None:
        router = CallbackRouter(RecordingPort(), CallbackConfig(ordered_per_chat=True))
        # The same customer writing to two business accounts: two chats, two locks.
        one = CallbackQuery(router, business_update(1, "c1"), 0.0)
        two = CallbackQuery(router, business_update(2, "c2"), 0.0)
        same = CallbackQuery(router, business_update(3, "c1"), 0.0)
        assert router._lock_for(one) is router._lock_for(same)
        assert router._lock_for(one) is not router._lock_for(two)

    run(main)


def test_user_presses_an_ephemeral_button_with_ephemeral_get_callback_answer() -> None:
    async def main() -> None:
        port = RecordingPort()
        port.replies["ephemeral.getCallbackAnswer"] = T.messages.BotCallbackAnswer(
            message="shh", cache_time=0
        )
        message = Message(port, ephemeral_message())
        assert message.ephemeral and message.text == "secret"
        answer = await message.click(data=b"go")
        assert answer.message == "shh"
        (call,) = port.calls
        # No peer_id on the message: the chat with its bot, the sender.
        assert call.request == F.ephemeral.GetCallbackAnswer(
            peer=T.InputPeerUser(user_id=7, access_hash=49), id=4, data=b"go"
        )
        bot = T.InputPeerUser(user_id=7, access_hash=49)
        refused: list[tuple[bytes | None, dict[str, Any]]] = [
            (None, {"game": True}),
            (b"go", {"password": "pw"}),
            (None, {}),
        ]
        for data, kw in refused:
            with pytest.raises(InvalidInputError, match="ephemeral"):
                await request_callback_answer(port, bot, 4, data, ephemeral=True, **kw)
        assert len(port.calls) == 1  # refused before any network

    run(main)
