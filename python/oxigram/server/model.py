"""The local DC's records: accounts, messages, buttons, and what the test API returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInputError, InvalidTypeError
from .srp import PasswordSecret
from .tlobjects import TLObject, dumps, reply_markup, types

__all__ = [
    "LOGIN_CODE",
    "Account",
    "AuthKeyRecord",
    "Bot",
    "Button",
    "InlineMessage",
    "StoredFile",
    "StoredMessage",
    "User",
    "markup_from_buttons",
]

#: The login code of every user account (``auth.signIn``).
LOGIN_CODE = "12345"


@dataclass(frozen=True)
class Bot:
    """A bot account as the test API returns it."""

    id: int
    username: str
    token: str
    access_hash: int


@dataclass(frozen=True)
class User:
    """A user account as the test API returns it (``login_code`` is always ``LOGIN_CODE``)."""

    id: int
    phone: str
    first_name: str
    access_hash: int
    password: str | None = None
    login_code: str = LOGIN_CODE
    username: str | None = None


@dataclass
class Account:
    id: int
    access_hash: int
    first_name: str
    bot: bool = False
    username: str | None = None
    phone: str | None = None
    token: str | None = None
    password: str | None = None  # kept for tests only; the server checks `secret`
    secret: PasswordSecret | None = None
    #: The DC the account lives on (``None``: any DC serves it, as a one-DC LocalDC does).
    home_dc: int | None = None

    def public(self) -> Bot | User:
        if self.bot:
            return Bot(self.id, self.username or "", self.token or "", self.access_hash)
        return User(
            self.id,
            self.phone or "",
            self.first_name,
            self.access_hash,
            self.password,
            LOGIN_CODE,
            self.username,
        )


@dataclass
class AuthKeyRecord:
    key: bytes
    key_id: bytes
    user_id: int | None = None
    layer: int = 0
    first_salt: int | None = None  # the handshake's salt (memory only)
    #: Logged in by ``auth.importAuthorization`` (a second DC's key of an account living
    #: elsewhere: never told to migrate) rather than by a login on the account's home DC.
    imported: bool = False


@dataclass
class StoredMessage:
    id: int
    from_id: int
    to_id: int
    text: str
    date: int
    markup: bytes | None = None  # serialized ReplyMarkup
    edit_date: int | None = None
    via_bot_id: int | None = None
    inline_id: int | None = None
    inline_hash: int | None = None
    game: str | None = None  # short name of the message's game button
    # The bot that sent it for the business account ``from_id`` (memory only, like the
    # connections: business.py).
    via_business_bot_id: int | None = None
    inline_dc: int | None = None  # the DC an inline message lives on

    def markup_obj(self) -> types.TypeReplyMarkup | None:
        return reply_markup(self.markup) if self.markup is not None else None


@dataclass(frozen=True)
class StoredFile:
    """A document's bytes kept on DC ``dc_id`` (``upload.getFile`` serves them there, other
    DCs answer ``FILE_MIGRATE_X``); ``input_location`` is how a client asks for it."""

    id: int
    access_hash: int
    dc_id: int
    data: bytes
    mime_type: str = "application/octet-stream"
    file_reference: bytes = b""

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def input_location(self) -> types.InputDocumentFileLocation:
        return types.InputDocumentFileLocation(
            id=self.id,
            access_hash=self.access_hash,
            file_reference=self.file_reference,
            thumb_size="",
        )


@dataclass(frozen=True)
class InlineMessage:
    """A message sent in inline mode: ``input_id`` is its ``inputBotInlineMessageID``."""

    msg_id: int
    dc_id: int
    id: int
    access_hash: int

    @property
    def input_id(self) -> types.InputBotInlineMessageID:
        return types.InputBotInlineMessageID(
            dc_id=self.dc_id, id=self.id, access_hash=self.access_hash
        )


@dataclass(frozen=True)
class Button:
    """An inline keyboard button (layer 229 ``keyboardInlineButton``)."""

    text: str
    kind: str  # "callback", "url", "game"
    data: bytes = b""
    link: str = ""  # the url of a url button
    requires_password: bool = False
    short_name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _BUTTON_KINDS:
            raise InvalidInputError(
                f"a button is one of {', '.join(_BUTTON_KINDS)}, not {self.kind!r}"
            )

    @staticmethod
    def callback(text: str, data: bytes | str, requires_password: bool = False) -> Button:
        raw = data.encode() if isinstance(data, str) else bytes(data)
        return Button(text, "callback", data=raw, requires_password=requires_password)

    @staticmethod
    def url(text: str, url: str) -> Button:
        return Button(text, "url", link=url)

    @staticmethod
    def game(text: str, short_name: str = "game") -> Button:
        return Button(text, "game", short_name=short_name)

    def to_tl(self) -> types.KeyboardInlineButton:
        kind: types.TypeInlineButtonType
        if self.kind == "callback":
            kind = types.InlineButtonTypeCallback(
                data=self.data, requires_password=self.requires_password
            )
        elif self.kind == "url":
            kind = types.InlineButtonTypeUrl(url=self.link)
        else:
            kind = types.InlineButtonTypeGame()
        return types.KeyboardInlineButton(text=self.text, type=kind)


_BUTTON_KINDS = ("callback", "url", "game")


def markup_from_buttons(buttons: Any) -> bytes | None:
    """``replyInlineMarkup`` bytes from rows of :class:`Button` (a flat list is one row), or
    passes a ``ReplyMarkup`` TL object through."""
    if buttons is None:
        return None
    if isinstance(buttons, TLObject):
        if not isinstance(buttons, types.TypeReplyMarkup):
            raise InvalidTypeError(f"buttons: a ReplyMarkup, not {buttons._tl_name}")
        return dumps(buttons)
    rows = _sequence(buttons)
    if rows and isinstance(rows[0], Button):
        rows = [rows]
    tl_rows = []
    for row in rows:
        row_buttons = _sequence(row)
        if not all(isinstance(b, Button) for b in row_buttons):
            raise InvalidTypeError("buttons: rows of Button (a flat list is one row)")
        tl_rows.append(types.KeyboardInlineButtonRow(buttons=[b.to_tl() for b in row_buttons]))
    return dumps(types.ReplyInlineMarkup(rows=tl_rows))


def _sequence(items: Any) -> list[Any]:
    if isinstance(items, (str, bytes, bytearray)) or not hasattr(items, "__iter__"):
        raise InvalidTypeError(f"buttons: rows of Button, not {type(items).__name__}")
    return list(items)
