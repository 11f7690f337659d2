"""Inline keyboards at layer 229 (``keyboardInlineButton`` + ``inlineButtonType*``).

Building: ``Button.callback(text, data)`` (bytes, str or a :class:`CallbackData`),
``Button.url(text, url)``, ``Button.game(text)``; :func:`inline_markup` turns rows of them into
``replyInlineMarkup``. Reading: :func:`buttons_of` lists the buttons of a TL message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import tl
from ..errors import CallbackDataTooLongError
from .callback_data import CallbackData

__all__ = ["MAX_DATA", "Button", "ButtonInfo", "buttons_of", "check_data", "inline_markup"]

#: Telegram's limit on callback data, in bytes.
MAX_DATA = 64


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
    ) -> Any:
        kind = tl.from_dict(
            {
                "_": "inlineButtonTypeCallback",
                "data": check_data(data),
                "requires_password": requires_password or None,
            }
        )
        return tl.from_dict({"_": "keyboardInlineButton", "text": text, "type": kind})

    @staticmethod
    def url(text: str, url: str) -> Any:
        kind = tl.from_dict({"_": "inlineButtonTypeUrl", "url": url})
        return tl.from_dict({"_": "keyboardInlineButton", "text": text, "type": kind})

    @staticmethod
    def game(text: str) -> Any:
        kind = tl.from_dict({"_": "inlineButtonTypeGame"})
        return tl.from_dict({"_": "keyboardInlineButton", "text": text, "type": kind})


def inline_markup(rows: Sequence[Any]) -> Any:
    """``replyInlineMarkup`` from rows of buttons (a flat list is one row)."""
    if rows and not isinstance(rows[0], (list, tuple)):
        rows = [rows]
    return tl.from_dict(
        {
            "_": "replyInlineMarkup",
            "rows": [
                {"_": "keyboardInlineButtonRow", "buttons": [b.to_dict() for b in row]}
                for row in rows
            ],
        }
    )


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
    markup: Any = getattr(message, "reply_markup", None)
    if markup is None or getattr(markup, "_tl_name", "") != "replyInlineMarkup":
        return []
    out: list[ButtonInfo] = []
    for i, row in enumerate(markup.rows):
        for j, b in enumerate(row.buttons):
            t = b.type
            name = getattr(t, "_tl_name", "")
            if name == "inlineButtonTypeCallback":
                out.append(ButtonInfo(i, j, b.text, "callback", t.data, bool(t.requires_password)))
            elif name == "inlineButtonTypeGame":
                out.append(ButtonInfo(i, j, b.text, "game"))
            elif name == "inlineButtonTypeUrl":
                out.append(ButtonInfo(i, j, b.text, "url", url=t.url))
            else:
                out.append(ButtonInfo(i, j, b.text, name))
    return out
