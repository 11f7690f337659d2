"""The client's one place for TL objects: building them from the client's schema and
telling them apart, typed by the generated stubs.

Unlike the local DC (``server/tlobjects.py``), which speaks only the shipped schema and so
uses the generated classes and ``isinstance``, a client may run with a layer the user loaded
(``Client(..., schema=...)``): its objects are made by that schema's classes, so a request is
all of the client's layer (a codec takes over another schema's object only when its
constructor is the same there), and what it decodes are instances of those, not of
``tl.types``.

Building: :class:`Builders` is bound to one schema (the shipped one, or a layer the user
loaded with ``Client(..., schema=...)``) and has one attribute per constructor the client
makes, typed as the stub class of that constructor::

    make = Builders(schema)
    make.input_peer_user(user_id=1, access_hash=2)   # -> types.InputPeerUser, kwargs checked

The attribute is the schema's own class, looked up by name on first use (a layer without it
fails only when it is used, with :class:`~oxigram.errors.NotInLayerError` naming the layer)
and then cached on the instance: a call costs what calling the class costs. Its name is the
TL name in snake case, ``.`` becoming ``_`` (``messages.setBotCallbackAnswer`` ->
``messages_set_bot_callback_answer``).

Matching: objects are matched by constructor name, never by class, so an object decoded with
any loaded schema matches. :func:`isa` narrows for mypy (``isa(peer, types.PeerUser)``);
the name constants below are for hot paths (update dispatch), where a predicate call would
cost more than the comparison it wraps; ``is_peer`` & co. match a boxed type (``Peer``).

No name is spelled as a string: each comes from a stub class (``types.PeerUser._tl_name``),
so a typo is a mypy error and a class that moved is an import error. Strings stay only where
the name comes from a schema loaded at run time (``Client.__getattr__``, ``Client.build``).
"""

from __future__ import annotations

from typing import Any, Final, Generic, TypeGuard, TypeVar, overload

from .. import tl
from ..errors import NotInLayerError
from ..tl import functions, types

__all__ = [
    "Builders",
    "boxed_type",
    "is_input_peer",
    "is_peer",
    "is_update_or_updates",
    "is_updates",
    "isa",
    "name_of",
]

T = TypeVar("T", bound=tl.TLObject)


class _Bound(Generic[T]):
    """A :class:`Builders` attribute: the bound schema's class of the constructor that
    ``cls`` (a shipped class) is, typed as ``cls``."""

    def __init__(self, cls: type[T]) -> None:
        self.tl_name: str = cls._tl_name
        self.attr = ""

    def __set_name__(self, owner: type, attr: str) -> None:
        self.attr = attr

    @overload
    def __get__(self, obj: None, owner: type) -> _Bound[T]: ...
    @overload
    def __get__(self, obj: Builders, owner: type) -> type[T]: ...
    def __get__(self, obj: Builders | None, owner: type) -> _Bound[T] | type[T]:
        if obj is None:
            return self
        schema = obj.schema
        if self.tl_name not in schema:
            raise NotInLayerError(
                f"{self.tl_name} is not in layer {schema.layer}, the client's schema",
                self.tl_name,
                schema.layer,
            )
        cls: Any = schema[self.tl_name]
        # A plain instance attribute from now on: this descriptor has no __set__, so the
        # instance dict wins and later uses are one dict lookup.
        obj.__dict__[self.attr] = cls
        return cls  # type: ignore[no-any-return]


class Builders:
    """The constructors the client builds, from ``schema`` (see the module docs).

    Grouped by use; the last group is what the callback and login code needs.
    """

    def __init__(self, schema: tl.Schema) -> None:
        self.schema = schema

    # peers
    input_peer_self = _Bound(types.InputPeerSelf)
    input_peer_user = _Bound(types.InputPeerUser)
    input_peer_chat = _Bound(types.InputPeerChat)
    input_peer_channel = _Bound(types.InputPeerChannel)
    input_user_self = _Bound(types.InputUserSelf)
    input_user = _Bound(types.InputUser)
    input_channel = _Bound(types.InputChannel)
    peer_user = _Bound(types.PeerUser)
    peer_chat = _Bound(types.PeerChat)

    # updates and their difference
    message = _Bound(types.Message)
    update_new_message = _Bound(types.UpdateNewMessage)
    update_new_channel_message = _Bound(types.UpdateNewChannelMessage)
    channel_messages_filter_empty = _Bound(types.ChannelMessagesFilterEmpty)
    updates_get_state = _Bound(functions.updates.GetState)
    updates_get_difference = _Bound(functions.updates.GetDifference)
    updates_get_channel_difference = _Bound(functions.updates.GetChannelDifference)

    # inline keyboards
    inline_button_type_callback = _Bound(types.InlineButtonTypeCallback)
    inline_button_type_url = _Bound(types.InlineButtonTypeUrl)
    inline_button_type_game = _Bound(types.InlineButtonTypeGame)
    keyboard_inline_button = _Bound(types.KeyboardInlineButton)
    keyboard_inline_button_row = _Bound(types.KeyboardInlineButtonRow)
    reply_inline_markup = _Bound(types.ReplyInlineMarkup)

    # connection, login, callbacks (client.py, callbacks.py, pressing.py, messages.py)
    invoke_with_layer = _Bound(functions.InvokeWithLayer)
    init_connection = _Bound(functions.InitConnection)
    invoke_without_updates = _Bound(functions.InvokeWithoutUpdates)
    auth_export_authorization = _Bound(functions.auth.ExportAuthorization)
    auth_import_authorization = _Bound(functions.auth.ImportAuthorization)
    upload_get_file = _Bound(functions.upload.GetFile)
    help_get_config = _Bound(functions.help.GetConfig)
    contacts_resolve_username = _Bound(functions.contacts.ResolveUsername)
    users_get_users = _Bound(functions.users.GetUsers)
    auth_import_bot_authorization = _Bound(functions.auth.ImportBotAuthorization)
    auth_send_code = _Bound(functions.auth.SendCode)
    code_settings = _Bound(types.CodeSettings)
    auth_sign_in = _Bound(functions.auth.SignIn)
    auth_check_password = _Bound(functions.auth.CheckPassword)
    account_get_password = _Bound(functions.account.GetPassword)
    input_check_password_empty = _Bound(types.InputCheckPasswordEmpty)
    input_check_password_srp = _Bound(types.InputCheckPasswordSRP)
    input_message_id = _Bound(types.InputMessageID)
    messages_get_messages = _Bound(functions.messages.GetMessages)
    channels_get_messages = _Bound(functions.channels.GetMessages)
    messages_send_message = _Bound(functions.messages.SendMessage)
    messages_edit_message = _Bound(functions.messages.EditMessage)
    messages_edit_inline_bot_message = _Bound(functions.messages.EditInlineBotMessage)
    messages_get_bot_callback_answer = _Bound(functions.messages.GetBotCallbackAnswer)
    messages_set_bot_callback_answer = _Bound(functions.messages.SetBotCallbackAnswer)
    # the business and ephemeral kinds of press
    invoke_with_business_connection = _Bound(functions.InvokeWithBusinessConnection)
    ephemeral_get_callback_answer = _Bound(functions.ephemeral.GetCallbackAnswer)
    ephemeral_edit_message = _Bound(functions.ephemeral.EditMessage)


# ------------------------------------------------------------------------------ matching


def name_of(obj: object) -> str:
    """The constructor name of ``obj``; ``""`` for anything that is not a TL object."""
    return str(getattr(obj, "_tl_name", ""))


def isa(obj: object, cls: type[T]) -> TypeGuard[T]:
    """Whether ``obj`` is constructor ``cls`` (a stub class) of whatever schema decoded it."""
    return getattr(obj, "_tl_name", None) == cls._tl_name


# Boxed types, for the checks that accept any constructor of one: the TL type in upper snake
# case and ``_TYPE`` (``INPUT_PEER_TYPE`` is ``InputPeer``).
INPUT_PEER_TYPE: Final = types.InputPeerEmpty._tl_type
INPUT_USER_TYPE: Final = types.InputUserEmpty._tl_type
INPUT_CHANNEL_TYPE: Final = types.InputChannelEmpty._tl_type
PEER_TYPE: Final = types.PeerUser._tl_type
UPDATE_TYPE: Final = types.UpdateNewMessage._tl_type
UPDATES_TYPE: Final = types.UpdateShort._tl_type


def boxed_type(obj: object) -> str | None:
    """The boxed type ``obj`` is a constructor of; ``None`` for a function (``_tl_type`` is
    then what it returns) and for anything that is not a TL object."""
    if getattr(obj, "_tl_is_function", True):
        return None
    return getattr(obj, "_tl_type", None)


def is_input_peer(obj: object) -> TypeGuard[types.TypeInputPeer]:
    """Any ``InputPeer`` constructor."""
    return boxed_type(obj) == INPUT_PEER_TYPE


def is_peer(obj: object) -> TypeGuard[types.TypePeer]:
    """Any ``Peer`` constructor (``peerUser``, ``peerChat``, ``peerChannel``)."""
    return boxed_type(obj) == PEER_TYPE


def is_updates(obj: object) -> TypeGuard[types.TypeUpdates]:
    """Any ``Updates`` constructor: what the server pushes (``updates``, ``updateShort``,
    ``updatesTooLong``...) and what a method may answer with."""
    return boxed_type(obj) == UPDATES_TYPE


def is_update_or_updates(obj: object) -> bool:
    """An ``Update`` or an ``Updates`` (``updateShortMessage``, ``updates``...)."""
    return boxed_type(obj) in (UPDATE_TYPE, UPDATES_TYPE)


# Constructor names, for comparisons on hot paths and for sets: the TL name in upper snake
# case (``UPDATE_SHORT`` is ``updateShort``; a namespace would join with ``_``).
USER: Final = types.User._tl_name
CHAT: Final = types.Chat._tl_name
CHAT_FORBIDDEN: Final = types.ChatForbidden._tl_name
CHANNEL: Final = types.Channel._tl_name
CHANNEL_FORBIDDEN: Final = types.ChannelForbidden._tl_name
PEER_CHANNEL: Final = types.PeerChannel._tl_name
MESSAGE: Final = types.Message._tl_name
MESSAGE_SERVICE: Final = types.MessageService._tl_name
MESSAGE_EMPTY: Final = types.MessageEmpty._tl_name
UPDATES_TOO_LONG: Final = types.UpdatesTooLong._tl_name
UPDATE_SHORT_MESSAGE: Final = types.UpdateShortMessage._tl_name
UPDATE_SHORT_CHAT_MESSAGE: Final = types.UpdateShortChatMessage._tl_name
UPDATE_SHORT_SENT_MESSAGE: Final = types.UpdateShortSentMessage._tl_name
UPDATE_SHORT: Final = types.UpdateShort._tl_name
UPDATES_COMBINED: Final = types.UpdatesCombined._tl_name
UPDATES: Final = types.Updates._tl_name
UPDATE_CHANNEL_TOO_LONG: Final = types.UpdateChannelTooLong._tl_name
UPDATE_NEW_CHANNEL_MESSAGE: Final = types.UpdateNewChannelMessage._tl_name
UPDATE_EDIT_CHANNEL_MESSAGE: Final = types.UpdateEditChannelMessage._tl_name
UPDATE_BOT_CALLBACK_QUERY: Final = types.UpdateBotCallbackQuery._tl_name
UPDATE_INLINE_BOT_CALLBACK_QUERY: Final = types.UpdateInlineBotCallbackQuery._tl_name
UPDATE_BUSINESS_BOT_CALLBACK_QUERY: Final = types.UpdateBusinessBotCallbackQuery._tl_name
UPDATE_EPHEMERAL_BOT_CALLBACK_QUERY: Final = types.UpdateEphemeralBotCallbackQuery._tl_name
EPHEMERAL_MESSAGE: Final = types.EphemeralMessage._tl_name

#: ``chat``/``chatForbidden`` and ``channel``/``channelForbidden``: what entities come as.
CHATS: Final = frozenset((CHAT, CHAT_FORBIDDEN))
CHANNELS: Final = frozenset((CHANNEL, CHANNEL_FORBIDDEN))
MESSAGES: Final = frozenset((MESSAGE, MESSAGE_SERVICE, MESSAGE_EMPTY))
#: The ``Updates`` that hold a list of updates with their users and chats.
UPDATES_WITH_LISTS: Final = frozenset((UPDATES, UPDATES_COMBINED))
#: What a button press arrives as: on a chat message, an inline message, a message a bot
#: sent for a business account, an ephemeral message.
CALLBACK_QUERIES: Final = frozenset(
    (
        UPDATE_BOT_CALLBACK_QUERY,
        UPDATE_INLINE_BOT_CALLBACK_QUERY,
        UPDATE_BUSINESS_BOT_CALLBACK_QUERY,
        UPDATE_EPHEMERAL_BOT_CALLBACK_QUERY,
    )
)
