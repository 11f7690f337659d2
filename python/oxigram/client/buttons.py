"""Inline keyboards: layer 229's ``keyboardInlineButton`` + ``inlineButtonType*``, and the
one-constructor-per-kind buttons of earlier layers (``keyboardButtonCallback`` & co.).

Building: ``Button.callback(text, data)`` (bytes, str or a :class:`CallbackData`),
``Button.url(text, url)``, ``Button.game(text)`` (objects of the shipped schema);
:func:`inline_markup` turns rows of them into ``replyInlineMarkup`` of a given schema (the
client's): buttons of another schema are copied over by value, in the form that schema's
layer uses. Reading: :func:`buttons_of` lists the buttons of a TL message of any schema, in
either form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import tl
from ..errors import CallbackDataTooLongError, NotInLayerError
from ..tl import types
from .callback_data import CallbackData
from .tlobjects import Builders, isa, name_of

__all__ = ["MAX_DATA", "Button", "ButtonInfo", "buttons_of", "check_data", "inline_markup"]

#: Telegram's limit on callback data, in bytes.
MAX_DATA = 64

_SHIPPED = Builders(tl.schema)

KEYBOARD_INLINE_BUTTON = types.KeyboardInlineButton._tl_name
# The inline buttons of earlier layers (201 and the like), one constructor per kind. The
# shipped layer has none of them, so they are named here: they only come from a schema
# loaded at run time (``Client(..., schema=tl.load_schema(...))``).
OLDER_CALLBACK = "keyboardButtonCallback"
OLDER_URL = "keyboardButtonUrl"
OLDER_GAME = "keyboardButtonGame"
#: Their row (layer 229 keeps it for reply keyboards).
OLDER_ROW = types.KeyboardButtonRow._tl_name


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
    """``replyInlineMarkup`` of ``schema`` from rows of buttons (a flat list is one row).

    Buttons of another schema are copied by value, in the form ``schema``'s layer uses: a
    layer without ``keyboardInlineButton`` gets ``keyboardButtonCallback``,
    ``keyboardButtonUrl`` and ``keyboardButtonGame`` in ``keyboardButtonRow``s. A button with
    no form there, or a layer with neither form, raises
    :class:`~oxigram.errors.NotInLayerError` naming the layer."""
    if rows and not isinstance(rows[0], (list, tuple)):
        rows = [rows]
    make = _SHIPPED if schema is tl.schema else Builders(schema)
    row_of: Any
    if KEYBOARD_INLINE_BUTTON in schema:
        row_of = make.keyboard_inline_button_row
    elif OLDER_CALLBACK in schema:
        row_of = schema[OLDER_ROW]
    else:
        raise NotInLayerError(
            f"layer {schema.layer} has neither {KEYBOARD_INLINE_BUTTON} nor {OLDER_CALLBACK}: "
            f"no inline keyboard can be built for it",
            KEYBOARD_INLINE_BUTTON,
            schema.layer,
        )
    return make.reply_inline_markup(
        rows=[row_of(buttons=[_button(make, b) for b in row]) for row in rows]
    )


def _button(make: Builders, button: Any) -> Any:
    """``button`` as an object of ``make``'s schema: itself when that schema made it, a copy
    when the schema has its constructor, else rebuilt in the form of the schema's layer."""
    schema = make.schema
    if type(button)._tl_schema is schema:
        return button
    if name_of(button) in schema:
        return schema.from_dict(button.to_dict())
    b = _info(0, 0, button)
    if KEYBOARD_INLINE_BUTTON in schema:
        kind: Any = None
        if b.kind == "callback" and b.data is not None:
            secret = b.requires_password
            kind = make.inline_button_type_callback(data=b.data, requires_password=secret)
        elif b.kind == "url" and b.url is not None:
            kind = make.inline_button_type_url(url=b.url)
        elif b.kind == "game":
            kind = make.inline_button_type_game()
        if kind is not None:
            return make.keyboard_inline_button(text=b.text, type=kind)
    elif b.kind == "callback":
        fields: dict[str, Any] = {"text": b.text, "data": b.data}
        if b.requires_password:  # a field the oldest layers lack; absent means False
            fields["requires_password"] = True
        return schema[OLDER_CALLBACK](**fields)
    elif b.kind == "url":
        return schema[OLDER_URL](text=b.text, url=b.url)
    elif b.kind == "game":
        return schema[OLDER_GAME](text=b.text)
    raise NotInLayerError(
        f"button {b.text!r} ({b.kind}) has no form at layer {schema.layer}: only callback, "
        f"url and game buttons change form between layers",
        b.kind,
        schema.layer,
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
    """The inline buttons of a TL ``message`` of any layer (empty when it has none)."""
    markup = getattr(message, "reply_markup", None)
    if not isa(markup, types.ReplyInlineMarkup):
        return []
    return [_info(i, j, b) for i, row in enumerate(markup.rows) for j, b in enumerate(row.buttons)]


def _info(i: int, j: int, b: Any) -> ButtonInfo:
    """What button ``b`` at row ``i``, column ``j`` is, in either form."""
    name = name_of(b)
    if name == KEYBOARD_INLINE_BUTTON:  # layer 229: the kind is an object of its own
        t = b.type
        if isa(t, types.InlineButtonTypeCallback):
            return ButtonInfo(i, j, b.text, "callback", t.data, bool(t.requires_password))
        if isa(t, types.InlineButtonTypeGame):
            return ButtonInfo(i, j, b.text, "game")
        if isa(t, types.InlineButtonTypeUrl):
            return ButtonInfo(i, j, b.text, "url", url=t.url)
        return ButtonInfo(i, j, b.text, name_of(t))
    # earlier layers: the constructor is the kind (the oldest lack requires_password)
    if name == OLDER_CALLBACK:
        secret = bool(getattr(b, "requires_password", False))
        return ButtonInfo(i, j, b.text, "callback", b.data, secret)
    if name == OLDER_URL:
        return ButtonInfo(i, j, b.text, "url", url=b.url)
    if name == OLDER_GAME:
        return ButtonInfo(i, j, b.text, "game")
    return ButtonInfo(i, j, str(getattr(b, "text", "")), name)
