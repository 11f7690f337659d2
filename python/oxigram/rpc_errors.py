"""RPC errors as typed exceptions (core.telegram.org/api/errors; protocol.md 3.6, 5.2).

``rpc_error(error_code, error_message)`` from the server becomes an instance of one class per
known error name (``FLOOD_WAIT_30`` -> :class:`FloodWaitError` with ``seconds == 30``,
``PHONE_MIGRATE_4`` -> :class:`PhoneMigrateError` with ``dc_id == 4``), each a subclass of
the class of its code (:class:`BadRequestError` for 400, ...). A name nobody declared gets
the class of its code; a code nobody declared gets :class:`UnknownRPCError` (handled like a
500, as the docs ask). :func:`rpc_error_from` is the one constructor the client uses.

This module imports only :mod:`oxigram.errors` and is re-exported from it.
"""

from __future__ import annotations

import re
from typing import ClassVar

from .errors import OxigramError

__all__: list[str] = [
    "AccessTokenExpiredError",
    "AccessTokenInvalidError",
    "ApiIdInvalidError",
    "AuthKeyDuplicatedError",
    "AuthKeyInvalidError",
    "AuthKeyPermEmptyError",
    "AuthKeyUnregisteredError",
    "AuthKeyUnsynchronizedError",
    "BadRequestError",
    "BotResponseTimeoutError",
    "ChannelInvalidError",
    "ChannelPrivateError",
    "ConnectionLayerInvalidError",
    "DataInvalidError",
    "FileMigrateError",
    "FloodError",
    "FloodPremiumWaitError",
    "FloodWaitError",
    "ForbiddenError",
    "InputFetchFailError",
    "InternalServerError",
    "MessageIdInvalidError",
    "MessageNotModifiedError",
    "MessageTooLongError",
    "NetworkMigrateError",
    "NotAcceptableError",
    "NotFoundError",
    "PasswordHashInvalidError",
    "PasswordMissingError",
    "PasswordTooFreshError",
    "PeerIdInvalidError",
    "PersistentTimestampInvalidError",
    "PhoneCodeEmptyError",
    "PhoneCodeExpiredError",
    "PhoneCodeInvalidError",
    "PhoneMigrateError",
    "PhoneNumberInvalidError",
    "PhoneNumberUnoccupiedError",
    "QueryIdInvalidError",
    "RPCError",
    "RPCTimeoutError",
    "SeeOtherError",
    "SessionExpiredError",
    "SessionPasswordNeededError",
    "SessionRevokedError",
    "SessionTooFreshError",
    "SlowmodeWaitError",
    "SrpIdInvalidError",
    "SrpPasswordChangedError",
    "StatsMigrateError",
    "TimeoutServerError",
    "UnauthorizedError",
    "UnknownRPCError",
    "UrlInvalidError",
    "UserBotRequiredError",
    "UserDeactivatedError",
    "UserMigrateError",
    "UsernameInvalidError",
    "UsernameNotOccupiedError",
    "WorkersBusyError",
    "error_name",
    "known_errors",
    "rpc_error_from",
]

_NUMBER = re.compile(r"_(\d+)$")


def error_name(message: str) -> tuple[str, int | None]:
    """``"FLOOD_WAIT_30"`` -> ``("FLOOD_WAIT_X", 30)``; a message without a number is its
    own name."""
    m = _NUMBER.search(message)
    if m is None:
        return message, None
    return message[: m.start()] + "_X", int(m.group(1))


class RPCError(OxigramError):
    """The server answered a request with ``rpc_error``.

    ``code`` (``error_code``), ``message`` (the raw ``error_message``), ``request`` (the TL
    name of the request, when known), ``name`` (the message with a trailing number replaced by
    ``X``) and ``value`` (that number, else ``None``).
    """

    #: Class-level: the code of this class of errors (``None``: any).
    CODE: ClassVar[int | None] = None
    #: Class-level: the error name this class stands for (``""``: a generic class).
    NAME: ClassVar[str] = ""

    code: int
    message: str
    request: str | None
    name: str
    value: int | None

    def __init__(self, code: int, message: str, request: str | None = None) -> None:
        self.code = code
        self.message = message
        self.request = request
        self.name, self.value = error_name(message)
        where = f" (caused by {request})" if request else ""
        doc = (type(self).__doc__ or "").strip().split("\n")[0] if type(self).NAME else ""
        super().__init__(f"RPC error {code}: {message}{where}" + (f": {doc}" if doc else ""))

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.code, self.message, self.request))


_BY_NAME: dict[str, type[RPCError]] = {}
_BY_CODE: dict[int, type[RPCError]] = {}


def _code(cls: type[RPCError]) -> type[RPCError]:
    assert cls.CODE is not None
    _BY_CODE[cls.CODE] = cls
    return cls


def _named(cls: type[RPCError]) -> type[RPCError]:
    _BY_NAME[cls.NAME] = cls
    return cls


# --------------------------------------------------------------------------- code classes


@_code
class SeeOtherError(RPCError):
    """303: the request must be repeated on another DC (``dc_id``)."""

    CODE = 303

    @property
    def dc_id(self) -> int:
        return self.value or 0


@_code
class BadRequestError(RPCError):
    """400: the request has bad input."""

    CODE = 400


@_code
class UnauthorizedError(RPCError):
    """401: the session is not (or no longer) authorized."""

    CODE = 401


@_code
class ForbiddenError(RPCError):
    """403: a privacy or permission rule forbids the action."""

    CODE = 403


@_code
class NotFoundError(RPCError):
    """404: the method or object does not exist."""

    CODE = 404


@_code
class NotAcceptableError(RPCError):
    """406: the request cannot be accepted (an updateServiceNotification may follow)."""

    CODE = 406


@_code
class FloodError(RPCError):
    """420: too many requests; wait ``seconds``."""

    CODE = 420

    @property
    def seconds(self) -> int:
        return self.value or 0


@_code
class InternalServerError(RPCError):
    """500: a server-side failure; the request may be retried."""

    CODE = 500


@_code
class RPCTimeoutError(RPCError):
    """-503 Timeout: the server timed out fetching data (not retried automatically)."""

    CODE = -503


@_code
class WorkersBusyError(RPCError):
    """-3002: all the server's workers are busy."""

    CODE = -3002


class UnknownRPCError(RPCError):
    """An error code this library does not know (handled like a 500)."""


# ------------------------------------------------------------------------------ 303


@_named
class FileMigrateError(SeeOtherError):
    """The file is on another DC (``dc_id``)."""

    NAME = "FILE_MIGRATE_X"


@_named
class PhoneMigrateError(SeeOtherError):
    """The phone number belongs to another DC (``dc_id``)."""

    NAME = "PHONE_MIGRATE_X"


@_named
class NetworkMigrateError(SeeOtherError):
    """The client's IP belongs to another DC (``dc_id``)."""

    NAME = "NETWORK_MIGRATE_X"


@_named
class UserMigrateError(SeeOtherError):
    """The user's account lives on another DC (``dc_id``)."""

    NAME = "USER_MIGRATE_X"


@_named
class StatsMigrateError(SeeOtherError):
    """Statistics must be fetched from another DC (``dc_id``)."""

    NAME = "STATS_MIGRATE_X"


# ------------------------------------------------------------------------------ 400


@_named
class BotResponseTimeoutError(BadRequestError):
    """The press was delivered to the bot, but the bot did not answer in time (never re-sent
    by the library: a second press could run the bot's action twice)."""

    NAME = "BOT_RESPONSE_TIMEOUT"


@_named
class ChannelInvalidError(BadRequestError):
    """The channel is invalid."""

    NAME = "CHANNEL_INVALID"


@_named
class ChannelPrivateError(BadRequestError):
    """The channel is private, or you were banned from it."""

    NAME = "CHANNEL_PRIVATE"


@_named
class DataInvalidError(BadRequestError):
    """The callback data does not match any button of the message."""

    NAME = "DATA_INVALID"


@_named
class InputFetchFailError(BadRequestError):
    """An input object could not be fetched (e.g. a stale access hash)."""

    NAME = "INPUT_FETCH_FAIL"


@_named
class MessageIdInvalidError(BadRequestError):
    """The message id is invalid."""

    NAME = "MESSAGE_ID_INVALID"


@_named
class PeerIdInvalidError(BadRequestError):
    """The peer is invalid or unknown to the server."""

    NAME = "PEER_ID_INVALID"


@_named
class QueryIdInvalidError(BadRequestError):
    """The callback query id is unknown or expired."""

    NAME = "QUERY_ID_INVALID"


@_named
class MessageTooLongError(BadRequestError):
    """The message text is too long."""

    NAME = "MESSAGE_TOO_LONG"


@_named
class UrlInvalidError(BadRequestError):
    """The URL is not allowed here."""

    NAME = "URL_INVALID"


@_named
class UserBotRequiredError(BadRequestError):
    """Only bots can call this method."""

    NAME = "USER_BOT_REQUIRED"


@_named
class PasswordHashInvalidError(BadRequestError):
    """The 2FA password is wrong."""

    NAME = "PASSWORD_HASH_INVALID"


@_named
class PasswordMissingError(BadRequestError):
    """The account has no 2FA password, but the action needs one."""

    NAME = "PASSWORD_MISSING"


@_named
class SrpIdInvalidError(BadRequestError):
    """The srp_id is stale or unknown: call account.getPassword again."""

    NAME = "SRP_ID_INVALID"


@_named
class SrpPasswordChangedError(BadRequestError):
    """The 2FA password changed since account.getPassword."""

    NAME = "SRP_PASSWORD_CHANGED"


@_named
class PhoneCodeInvalidError(BadRequestError):
    """The login code is wrong."""

    NAME = "PHONE_CODE_INVALID"


@_named
class PhoneCodeExpiredError(BadRequestError):
    """The login code expired."""

    NAME = "PHONE_CODE_EXPIRED"


@_named
class PhoneCodeEmptyError(BadRequestError):
    """No login code was given."""

    NAME = "PHONE_CODE_EMPTY"


@_named
class PhoneNumberInvalidError(BadRequestError):
    """The phone number is invalid."""

    NAME = "PHONE_NUMBER_INVALID"


@_named
class PhoneNumberUnoccupiedError(BadRequestError):
    """No account uses this phone number."""

    NAME = "PHONE_NUMBER_UNOCCUPIED"


@_named
class AccessTokenInvalidError(BadRequestError):
    """The bot token is invalid."""

    NAME = "ACCESS_TOKEN_INVALID"


@_named
class AccessTokenExpiredError(BadRequestError):
    """The bot token was revoked."""

    NAME = "ACCESS_TOKEN_EXPIRED"


@_named
class ApiIdInvalidError(BadRequestError):
    """The api_id/api_hash pair is invalid."""

    NAME = "API_ID_INVALID"


@_named
class ConnectionLayerInvalidError(BadRequestError):
    """The first call was not wrapped in invokeWithLayer(initConnection(...))."""

    NAME = "CONNECTION_LAYER_INVALID"


@_named
class UsernameInvalidError(BadRequestError):
    """The username is invalid."""

    NAME = "USERNAME_INVALID"


@_named
class UsernameNotOccupiedError(BadRequestError):
    """No one uses this username."""

    NAME = "USERNAME_NOT_OCCUPIED"


@_named
class MessageNotModifiedError(BadRequestError):
    """The edit would not change the message."""

    NAME = "MESSAGE_NOT_MODIFIED"


@_named
class PersistentTimestampInvalidError(BadRequestError):
    """The pts/date given to getDifference is invalid."""

    NAME = "PERSISTENT_TIMESTAMP_INVALID"


@_named
class PasswordTooFreshError(BadRequestError):
    """The password was set too recently; wait ``seconds``."""

    NAME = "PASSWORD_TOO_FRESH_X"

    @property
    def seconds(self) -> int:
        return self.value or 0


@_named
class SessionTooFreshError(BadRequestError):
    """The session is too new for this action; wait ``seconds``."""

    NAME = "SESSION_TOO_FRESH_X"

    @property
    def seconds(self) -> int:
        return self.value or 0


# ------------------------------------------------------------------------------ 401


@_named
class AuthKeyUnregisteredError(UnauthorizedError):
    """The auth key is not bound to an account: log in."""

    NAME = "AUTH_KEY_UNREGISTERED"


@_named
class AuthKeyInvalidError(UnauthorizedError):
    """The auth key is invalid."""

    NAME = "AUTH_KEY_INVALID"


@_named
class SessionPasswordNeededError(UnauthorizedError):
    """The account has 2FA enabled: check the password (auth.checkPassword)."""

    NAME = "SESSION_PASSWORD_NEEDED"


@_named
class SessionRevokedError(UnauthorizedError):
    """The session was terminated by the user."""

    NAME = "SESSION_REVOKED"


@_named
class SessionExpiredError(UnauthorizedError):
    """The session expired."""

    NAME = "SESSION_EXPIRED"


@_named
class UserDeactivatedError(UnauthorizedError):
    """The account was deleted or deactivated."""

    NAME = "USER_DEACTIVATED"


@_named
class AuthKeyPermEmptyError(UnauthorizedError):
    """A temporary key is not bound to a permanent one."""

    NAME = "AUTH_KEY_PERM_EMPTY"


# ------------------------------------------------------------------------------ 406 / 420 / 500


@_named
class AuthKeyDuplicatedError(NotAcceptableError):
    """The auth key was used from two places at once and is dead: create a new key and log
    in again."""

    NAME = "AUTH_KEY_DUPLICATED"


@_named
class FloodWaitError(FloodError):
    """Too many requests: wait ``seconds`` before repeating this one."""

    NAME = "FLOOD_WAIT_X"


@_named
class FloodPremiumWaitError(FloodError):
    """Too many requests (a premium account would wait less): wait ``seconds``."""

    NAME = "FLOOD_PREMIUM_WAIT_X"


@_named
class SlowmodeWaitError(FloodError):
    """Slow mode is on in this chat: wait ``seconds``."""

    NAME = "SLOWMODE_WAIT_X"


@_named
class AuthKeyUnsynchronizedError(InternalServerError):
    """The auth key is not yet synchronized between DCs: retry."""

    NAME = "AUTH_KEY_UNSYNCHRONIZED"


@_named
class TimeoutServerError(InternalServerError):
    """The server timed out (500 TIMEOUT)."""

    NAME = "TIMEOUT"


def rpc_error_from(code: int, message: str, request: str | None = None) -> RPCError:
    """The typed exception for ``rpc_error(code, message)`` raised by ``request``.

    By name first (the name decides the class even when the code differs), then by code,
    else :class:`UnknownRPCError`."""
    name, _ = error_name(message)
    cls = _BY_NAME.get(name) or _BY_CODE.get(code) or UnknownRPCError
    return cls(code, message, request)


def known_errors() -> dict[str, type[RPCError]]:
    """Every named error class, by error name."""
    return dict(_BY_NAME)
