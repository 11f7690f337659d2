"""Inline keyboards at layer 229 (``keyboardInlineButton`` + ``inlineButtonType*``).

Building: ``Button.callback(text, data)`` (bytes, str or a :class:`CallbackData`),
``Button.url(text, url)``, ``Button.game(text)`` (objects of the shipped schema);
:func:`inline_markup` turns rows of them into ``replyInlineMarkup`` of a given schema, taking
buttons of another schema over by value. Reading: :func:`buttons_of` lists the buttons of a
TL message of any schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import tl
from ..errors import CallbackDataTooLongError
from ..tl import types
from .callback_data import CallbackData
from .tlobjects import Builders, isa, name_of

__all__ = ["MAX_DATA", "Button", "ButtonInfo", "buttons_of", "check_data", "inline_markup"]

#: Telegram's limit on callback data, in bytes.
MAX_DATA = 64

_SHIPPED = Builders(tl.schema)


def check_data(data: bytes | str | CallbackData) -> bytes:
    """``data`` as bytes; ``CallbackDataTooLongError`` beyond 64 bytes (before any network)."""
    if isinstance(data, CallbackData):
        return data.pack()
    raw = data.encode() if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_DATA:
        raise CallbackDataTooLongError(
            f"callback data is {len(raw)} bytes, {len(raw) - MAX_DATA} over the "
            f"{MAX_DATA}-byte limit"
        )
    return raw


class Button:
    """Builders of ``keyboardInlineButton`` objects."""

    @staticmethod
    def callback(
        text: str, data: bytes | str | CallbackData, *, requires_password: bool = False
    ) -> types.KeyboardInlineButton:
        kind = _SHIPPED.inline_button_type_callback(
            data=check_data(data), requires_password=requires_password
        )
        return _SHIPPED.keyboard_inline_button(text=text, type=kind)

    @staticmethod
    def url(text: str, url: str) -> types.KeyboardInlineButton:
        kind = _SHIPPED.inline_button_type_url(url=url)
        return _SHIPPED.keyboard_inline_button(text=text, type=kind)

    @staticmethod
    def game(text: str) -> types.KeyboardInlineButton:
        kind = _SHIPPED.inline_button_type_game()
        return _SHIPPED.keyboard_inline_button(text=text, type=kind)


def inline_markup(rows: Sequence[Any], *, schema: tl.Schema = tl.schema) -> types.ReplyInlineMarkup:
    """``replyInlineMarkup`` of ``schema`` from rows of buttons (a flat list is one row)."""
    if rows and not isinstance(rows[0], (list, tuple)):
        rows = [rows]
    make = _SHIPPED if schema is tl.schema else Builders(schema)
    return make.reply_inline_markup(
        rows=[
            make.keyboard_inline_button_row(buttons=[_of_schema(schema, b) for b in row])
            for row in rows
        ]
    )


def _of_schema(schema: tl.Schema, obj: Any) -> Any:
    """``obj`` itself when ``schema`` made it, else a copy made by ``schema`` (a codec encodes
    only its own schema's objects)."""
    if type(obj)._tl_schema is schema:
        return obj
    return schema.from_dict(obj.to_dict())


@dataclass(frozen=True)
class ButtonInfo:
    """One inline button of a message: position, text, kind and what a press sends."""

    row: int
    column: int
    text: str
    kind: str  # "callback", "game", "url", or the TL name for others
    data: bytes | None = None
    requires_password: bool = False
    url: str | None = None


def buttons_of(message: Any) -> list[ButtonInfo]:
    """The inline buttons of a TL ``message`` (empty when it has none)."""
    markup = getattr(message, "reply_markup", None)
    if not isa(markup, types.ReplyInlineMarkup):
        return []
    out: list[ButtonInfo] = []
    for i, row in enumerate(markup.rows):
        for j, b in enumerate(row.buttons):
            t = b.type
            if isa(t, types.InlineButtonTypeCallback):
                out.append(ButtonInfo(i, j, b.text, "callback", t.data, bool(t.requires_password)))
            elif isa(t, types.InlineButtonTypeGame):
                out.append(ButtonInfo(i, j, b.text, "game"))
            elif isa(t, types.InlineButtonTypeUrl):
                out.append(ButtonInfo(i, j, b.text, "url", url=t.url))
            else:
                out.append(ButtonInfo(i, j, b.text, name_of(t)))
    return out
