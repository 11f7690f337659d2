"""Inline keyboards: the builders' objects and bytes, markups of a given schema, and reading
the buttons of a message decoded with any schema."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from oxigram import tl
from oxigram.client.buttons import Button, ButtonInfo, buttons_of, inline_markup
from oxigram.client.callback_data import CallbackData
from oxigram.errors import CallbackDataTooLongError
from tl_support import SHARED_TL


@cache
def full_layer() -> tl.Schema:
    return tl.load_schema(SHARED_TL / "main_api.tl")


def button(text: str, kind: dict[str, Any]) -> dict[str, Any]:
    return {"_": "keyboardInlineButton", "text": text, "type": kind}


CALLBACK = button("Yes", {"_": "inlineButtonTypeCallback", "data": b"yes"})
SECRET = button("Pay", {"_": "inlineButtonTypeCallback", "requires_password": True, "data": b"pay"})
URL = button("Docs", {"_": "inlineButtonTypeUrl", "url": "https://example.org"})
GAME = button("Play", {"_": "inlineButtonTypeGame"})


def test_builders_give_the_buttons_and_bytes_of_their_dicts() -> None:
    made = [
        Button.callback("Yes", b"yes"),
        Button.callback("Pay", "pay", requires_password=True),
        Button.url("Docs", "https://example.org"),
        Button.game("Play"),
    ]
    for obj, d in zip(made, (CALLBACK, SECRET, URL, GAME), strict=True):
        assert type(obj) is tl.types.KeyboardInlineButton
        assert obj.to_dict() == d
        assert bytes(obj) == bytes(tl.from_dict(d))


def test_callback_data_is_checked_before_anything_is_built() -> None:
    class Pick(CallbackData, prefix="p"):
        n: int

    assert Button.callback("n", Pick(5)).type.data == Pick(5).pack()
    assert Button.callback("x", b"x" * 64).type.data == b"x" * 64
    with pytest.raises(CallbackDataTooLongError, match="65 bytes, 1 over"):
        Button.callback("x", "x" * 65)


def test_inline_markup_rows_and_a_flat_row() -> None:
    rows = [[Button.callback("Yes", b"yes"), Button.url("Docs", "https://example.org")]]
    expected = {
        "_": "replyInlineMarkup",
        "rows": [{"_": "keyboardInlineButtonRow", "buttons": [CALLBACK, URL]}],
    }
    assert inline_markup(rows).to_dict() == expected
    assert inline_markup(rows[0]).to_dict() == expected  # a flat list is one row
    assert bytes(inline_markup(rows)) == bytes(tl.from_dict(expected))
    assert inline_markup([]).to_dict() == {"_": "replyInlineMarkup", "rows": []}


def test_inline_markup_of_a_loaded_schema_takes_buttons_over() -> None:
    full = full_layer()
    own = full.from_dict(GAME)
    markup = inline_markup([[Button.callback("Yes", b"yes"), own]], schema=full)
    assert type(markup)._tl_schema is full
    first, second = markup.rows[0].buttons
    assert type(first)._tl_schema is full and first.to_dict() == CALLBACK  # copied over
    assert second is own  # already the schema's: kept
    shipped = inline_markup([[Button.callback("Yes", b"yes"), tl.from_dict(GAME)]])
    assert bytes(markup) == bytes(shipped)


@pytest.mark.parametrize("which", ["shipped", "loaded"])
def test_buttons_of_a_message_of_either_schema(which: str) -> None:
    schema = tl.schema if which == "shipped" else full_layer()
    buy = button("Buy", {"_": "inlineButtonTypeBuy"})
    markup = {
        "_": "replyInlineMarkup",
        "rows": [
            {"_": "keyboardInlineButtonRow", "buttons": [CALLBACK, SECRET]},
            {"_": "keyboardInlineButtonRow", "buttons": [URL, GAME, buy]},
        ],
    }
    message = schema.from_dict(
        {
            "_": "message",
            "id": 1,
            "peer_id": {"_": "peerUser", "user_id": 7},
            "date": 1,
            "message": "pick",
            "reply_markup": markup,
        }
    )
    assert buttons_of(message) == [
        ButtonInfo(0, 0, "Yes", "callback", b"yes", False),
        ButtonInfo(0, 1, "Pay", "callback", b"pay", True),
        ButtonInfo(1, 0, "Docs", "url", url="https://example.org"),
        ButtonInfo(1, 1, "Play", "game"),
        ButtonInfo(1, 2, "Buy", "inlineButtonTypeBuy"),
    ]
    message.reply_markup = schema.from_dict({"_": "replyKeyboardHide"})
    assert buttons_of(message) == []
    message.reply_markup = None
    assert buttons_of(message) == []
    assert buttons_of(schema.from_dict({"_": "messageEmpty", "id": 1})) == []
