"""The callback features on a client that loaded an older layer, as against an independent
server at layer 201: inline buttons are ``keyboardButtonCallback`` & co. (one constructor per
kind, no ``type`` object) in ``keyboardButtonRow``s, and ``replyInlineMarkup`` has another id.
Reading a message's buttons, ``get_message``, ``Message.click``, ``send_message`` and the
bot's answer and edit all work there, with every request made by the loaded schema.

The fixture is a small file in the shape of layer 201: the keyboard, press and answer lines
as that layer has them, the others cut down to the fields used here. Every id is the CRC32
of its line (``load_schema`` checks them)."""

# ruff: noqa: E501  # the fixture's declarations are one line each, as in a schema file

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from oxigram import tl
from oxigram.client.buttons import Button, ButtonInfo, buttons_of, inline_markup
from oxigram.client.callbacks import CallbackQuery, CallbackRouter
from oxigram.client.messages import get_message, send_message
from oxigram.client.tlobjects import Builders
from oxigram.errors import NoSuchButtonError, NotInLayerError
from port_support import RecordingPort

LAYER_201 = """\
userEmpty#d3bc4b7a id:long = User;
chatEmpty#29562865 id:long = Chat;
inputPeerEmpty#7f3b18ea = InputPeer;
inputPeerUser#dde8a54c user_id:long access_hash:long = InputPeer;
inputPeerChannel#27bcbbfc channel_id:long access_hash:long = InputPeer;
inputChannel#f35aec28 channel_id:long access_hash:long = InputChannel;
peerUser#59511722 user_id:long = Peer;
peerChannel#a2a5371e channel_id:long = Peer;
inputMessageID#a676a322 id:int = InputMessage;
inputCheckPasswordEmpty#9880f658 = InputCheckPasswordSRP;
inputCheckPasswordSRP#d27ff082 srp_id:long A:bytes M1:bytes = InputCheckPasswordSRP;
keyboardButtonUrl#258aff05 text:string url:string = KeyboardButton;
keyboardButtonCallback#35bbdb6b flags:# requires_password:flags.0?true text:string data:bytes = KeyboardButton;
keyboardButtonGame#50f41ccf text:string = KeyboardButton;
keyboardButtonBuy#afd93fbb text:string = KeyboardButton;
keyboardButtonRow#77608b83 buttons:Vector<KeyboardButton> = KeyboardButtonRow;
replyInlineMarkup#48a30254 rows:Vector<KeyboardButtonRow> = ReplyMarkup;
message#e997eefe flags:# out:flags.1?true id:int peer_id:Peer date:int message:string reply_markup:flags.6?ReplyMarkup = Message;
messages.messages#8c718e87 messages:Vector<Message> chats:Vector<Chat> users:Vector<User> = messages.Messages;
messages.botCallbackAnswer#36585ea4 flags:# alert:flags.1?true has_url:flags.3?true native_ui:flags.4?true message:flags.0?string url:flags.2?string cache_time:int = messages.BotCallbackAnswer;
updateBotCallbackQuery#b9cfc48d flags:# query_id:long user_id:long peer:Peer msg_id:int chat_instance:long data:flags.0?bytes game_short_name:flags.1?string = Update;
updatesTooLong#e317af7e = Updates;
---functions---
messages.getMessages#63c66506 id:Vector<InputMessage> = messages.Messages;
channels.getMessages#ad8c9a23 channel:InputChannel id:Vector<InputMessage> = messages.Messages;
messages.sendMessage#df67a3e0 flags:# peer:InputPeer message:string random_id:long reply_markup:flags.2?ReplyMarkup = Updates;
messages.editMessage#90011141 flags:# peer:InputPeer id:int message:flags.11?string reply_markup:flags.2?ReplyMarkup = Updates;
messages.getBotCallbackAnswer#9342ca07 flags:# game:flags.1?true peer:InputPeer msg_id:int data:flags.0?bytes password:flags.2?InputCheckPasswordSRP = messages.BotCallbackAnswer;
messages.setBotCallbackAnswer#d58f130a flags:# alert:flags.1?true query_id:long message:flags.0?string url:flags.2?string cache_time:int = Bool;
"""

CHAT = {"_": "peerUser", "user_id": 42}
#: The keyboard as a layer-201 server sends it.
KEYBOARD: dict[str, Any] = {
    "_": "replyInlineMarkup",
    "rows": [
        {
            "_": "keyboardButtonRow",
            "buttons": [
                {"_": "keyboardButtonCallback", "text": "Yes", "data": b"yes"},
                {
                    "_": "keyboardButtonCallback",
                    "text": "Pay",
                    "data": b"pay",
                    "requires_password": True,
                },
            ],
        },
        {
            "_": "keyboardButtonRow",
            "buttons": [
                {"_": "keyboardButtonUrl", "text": "Docs", "url": "https://example.org"},
                {"_": "keyboardButtonGame", "text": "Play"},
                {"_": "keyboardButtonBuy", "text": "Buy"},
            ],
        },
    ],
}
BUTTONS = [
    ButtonInfo(0, 0, "Yes", "callback", b"yes", False),
    ButtonInfo(0, 1, "Pay", "callback", b"pay", True),
    ButtonInfo(1, 0, "Docs", "url", url="https://example.org"),
    ButtonInfo(1, 1, "Play", "game"),
    ButtonInfo(1, 2, "Buy", "keyboardButtonBuy"),
]


@pytest.fixture
def layer_201(tmp_path: Path) -> tl.Schema:
    path = tmp_path / "api.tl"
    path.write_text(LAYER_201, encoding="utf-8")
    return tl.load_schema(path, layer=201)


def run(fn: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(fn(), 10))


def decoded_message(schema: tl.Schema) -> Any:
    """The message with :data:`KEYBOARD`, decoded from the bytes a server would send."""
    message = schema.from_dict(
        {
            "_": "message",
            "id": 7,
            "peer_id": CHAT,
            "date": 1,
            "message": "menu",
            "reply_markup": KEYBOARD,
        }
    )
    return schema.loads(bytes(message))


def of_schema(obj: Any, schema: tl.Schema) -> bool:
    """``obj`` and every TL object in it were made by ``schema``."""
    if isinstance(obj, list):
        return all(of_schema(x, schema) for x in obj)
    if not isinstance(obj, tl.TLObject):
        return True
    return type(obj)._tl_schema is schema and all(
        of_schema(getattr(obj, f), schema) for f in type(obj)._tl_fields
    )


def test_the_buttons_of_a_message_in_the_older_form(layer_201: tl.Schema) -> None:
    message = decoded_message(layer_201)
    assert layer_201.layer == 201 and not hasattr(message.reply_markup.rows[0].buttons[0], "type")
    assert buttons_of(message) == BUTTONS


def test_get_message_and_click_at_layer_201(layer_201: tl.Schema) -> None:
    async def main() -> None:
        port = RecordingPort(schema=layer_201)
        port.replies["messages.getMessages"] = layer_201.from_dict(
            {
                "_": "messages.messages",
                "messages": [decoded_message(layer_201)],
                "chats": [],
                "users": [],
            }
        )
        port.replies["messages.getBotCallbackAnswer"] = layer_201.from_dict(
            {"_": "messages.botCallbackAnswer", "message": "yes!", "cache_time": 0}
        )
        found = await get_message(port, 7)
        assert found is not None and found.buttons == BUTTONS
        answer = await found.click(text="Yes")
        await found.click(text="Play")
        assert answer.message == "yes!"
        fetch, press, game = port.calls
        assert fetch.request.to_dict() == {
            "_": "messages.getMessages",
            "id": [{"_": "inputMessageID", "id": 7}],
        }
        assert press.request.to_dict() == {
            "_": "messages.getBotCallbackAnswer",
            "peer": {"_": "inputPeerUser", "user_id": 42, "access_hash": 42 * 7},
            "msg_id": 7,
            "data": b"yes",
        }
        assert game.request.game is True and game.request.data is None
        for call in port.calls:  # of the loaded layer, so its codec encodes them
            assert of_schema(call.request, layer_201)
            assert layer_201.loads(bytes(call.request)) == call.request
        with pytest.raises(NoSuchButtonError, match="keyboardButtonBuy button, not pressable"):
            await found.click(text="Buy")

    run(main)


def test_send_message_builds_the_older_keyboard(layer_201: tl.Schema) -> None:
    async def main() -> None:
        port = RecordingPort(schema=layer_201)
        rows = [
            [
                Button.callback("Yes", b"yes"),
                Button.callback("Pay", b"pay", requires_password=True),
            ],
            [Button.url("Docs", "https://example.org"), Button.game("Play")],
        ]
        await send_message(port, layer_201.from_dict(CHAT), "menu", buttons=rows)
        (call,) = port.calls
        assert of_schema(call.request, layer_201)
        first, second = KEYBOARD["rows"]
        assert call.request.reply_markup.to_dict() == {
            "_": "replyInlineMarkup",
            "rows": [first, {**second, "buttons": second["buttons"][:2]}],  # no buy button
        }
        assert layer_201.loads(bytes(call.request)) == call.request

    run(main)


def test_a_button_without_an_older_form_names_the_layer(layer_201: tl.Schema) -> None:
    copy = tl.types.KeyboardInlineButton(
        text="Copy", type=tl.types.InlineButtonTypeCopy(copy_text="x")
    )
    with pytest.raises(NotInLayerError) as info:
        inline_markup([copy], schema=layer_201)
    assert str(info.value) == (
        "button 'Copy' (inlineButtonTypeCopy) has no form at layer 201: only callback, url and "
        "game buttons change form between layers"
    )
    assert (info.value.name, info.value.layer) == ("inlineButtonTypeCopy", 201)


def test_what_a_layer_lacks_is_a_typed_error_naming_it(layer_201: tl.Schema) -> None:
    make = Builders(layer_201)
    with pytest.raises(NotInLayerError) as info:
        make.messages_edit_inline_bot_message(id=None)
    assert (
        str(info.value) == "messages.editInlineBotMessage is not in layer 201, the client's schema"
    )
    assert (info.value.name, info.value.layer) == ("messages.editInlineBotMessage", 201)
    no_keyboards = tl.Schema("// LAYER 20\nreplyKeyboardHide#a03e5b85 flags:# = ReplyMarkup;")
    with pytest.raises(NotInLayerError, match=r"^layer 20 has neither keyboardInlineButton nor"):
        inline_markup([Button.game("Play")], schema=no_keyboards)


def test_older_buttons_take_the_new_form_in_a_newer_layer(layer_201: tl.Schema) -> None:
    older = [layer_201.from_dict(b) for b in KEYBOARD["rows"][1]["buttons"][:2]]
    markup = inline_markup(older)
    assert of_schema(markup, tl.schema)
    assert markup == inline_markup([Button.url("Docs", "https://example.org"), Button.game("Play")])


def test_the_bot_answers_and_edits_at_layer_201(layer_201: tl.Schema) -> None:
    async def main() -> None:
        port = RecordingPort(schema=layer_201)
        router = CallbackRouter(port)

        @router.add
        async def handler(q: CallbackQuery) -> None:
            message = await q.get_message()
            assert message is not None and buttons_of(message) == BUTTONS
            await q.edit("done", buttons=[Button.callback("Again", b"yes")])
            await q.answer("ok", alert=True)

        port.replies["messages.getMessages"] = layer_201.from_dict(
            {
                "_": "messages.messages",
                "messages": [decoded_message(layer_201)],
                "chats": [],
                "users": [],
            }
        )
        update = layer_201.from_dict(
            {
                "_": "updateBotCallbackQuery",
                "query_id": 1,
                "user_id": 42,
                "peer": CHAT,
                "msg_id": 7,
                "chat_instance": 1,
                "data": b"yes",
            }
        )
        router.feed(layer_201.loads(bytes(update)), asyncio.get_running_loop().time())
        while router._tasks:
            await asyncio.wait(list(router._tasks), timeout=5)
        assert [c.name for c in port.calls] == [
            "messages.getMessages",
            "messages.editMessage",
            "messages.setBotCallbackAnswer",
        ]
        _, edit, answer = port.calls
        assert edit.request.reply_markup.to_dict() == {
            "_": "replyInlineMarkup",
            "rows": [
                {
                    "_": "keyboardButtonRow",
                    "buttons": [{"_": "keyboardButtonCallback", "text": "Again", "data": b"yes"}],
                }
            ],
        }
        assert answer.request.to_dict() == {
            "_": "messages.setBotCallbackAnswer",
            "alert": True,
            "query_id": 1,
            "message": "ok",
            "cache_time": 0,
        }
        for call in port.calls:
            assert of_schema(call.request, layer_201)
            assert layer_201.loads(bytes(call.request)) == call.request

    run(main)
