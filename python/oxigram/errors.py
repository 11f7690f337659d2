"""Every exception oxigram raises.

Python owns these classes; the native module imports them and raises them, so both backends
raise the same class with the same message for the same input. The server's ``rpc_error``
answers are here too (one class per known error name, built by :func:`rpc_error_from`), so
``oxigram.errors`` is the one place to import any exception from.

This module imports nothing from the package: it is the leaf every layer may use.
"""

from __future__ import annotations

import re
from typing import ClassVar

__all__ = [
    "BackendUnavailableError",
    "DHSecurityError",
    "FactorizationError",
    "InvalidInputError",
    "InvalidTypeError",
    "LimitExceededError",
    "MessageSecurityError",
    "NotInLayerError",
    "OxigramError",
    "RSASecurityError",
    "SRPSecurityError",
    "SecurityError",
    "TLDecodeError",
    "TLEncodeError",
    "TLError",
    "TLSchemaError",
    "TrailingBytesError",
    "UndecodableResultError",
    "UnexpectedEndError",
    "UnknownConstructorError",
    "WrongTypeError",
    "describe_undecodable",
]


class OxigramError(Exception):
    """Base class of every exception raised by oxigram."""


class InvalidInputError(OxigramError, ValueError):
    """An argument has the wrong length, range or value."""


class InvalidTypeError(OxigramError, TypeError):
    """An argument has the wrong type."""


class FactorizationError(InvalidInputError):
    """pq cannot be split into two factors (out of range, or prime)."""


class SecurityError(OxigramError):
    """A check that protects the connection failed: the data must not be trusted."""


class MessageSecurityError(SecurityError):
    """An encrypted MTProto message failed a check (auth_key_id, msg_key, length, padding)."""


class DHSecurityError(SecurityError):
    """Diffie-Hellman parameters or public values failed a check."""


class SRPSecurityError(SecurityError):
    """2FA SRP parameters from the server failed a check."""


class RSASecurityError(SecurityError):
    """RSA-encrypted handshake data failed a check."""


class BackendUnavailableError(OxigramError, ImportError):
    """OXIGRAM_BACKEND=native was asked for but the native module cannot be loaded."""


# ------------------------------------------------------------------------------------ TL


class TLError(OxigramError):
    """Base class of the TL (Type Language) engine's errors."""


class TLSchemaError(TLError, ValueError):
    """A ``.tl`` schema cannot be loaded: bad syntax, a constructor id that does not match the
    CRC32 of its declaration, duplicates, or a type that no constructor provides."""


class TLDecodeError(TLError, ValueError):
    """Bytes cannot be decoded as TL. The message names the offset where decoding stopped."""


class UnexpectedEndError(TLDecodeError):
    """The data ends in the middle of a value."""


class UnknownConstructorError(TLDecodeError):
    """A constructor id that the loaded schema does not know.

    ``constructor_id`` (unsigned 32-bit) and ``offset`` (of the id in the data) are also in
    the message.
    """

    constructor_id: int
    offset: int

    def __init__(self, message: str, constructor_id: int = -1, offset: int = -1) -> None:
        super().__init__(message)
        self.constructor_id = constructor_id
        self.offset = offset


class WrongTypeError(TLDecodeError):
    """A known constructor where the schema asks for another type (or a function where a type
    is expected)."""


class LimitExceededError(TLDecodeError):
    """A length beyond the remaining input (vector count, string length) or nesting deeper than
    the limit."""


class TrailingBytesError(TLDecodeError):
    """Bytes are left after the object when the caller asked for an exact decode."""


def describe_undecodable(error: TLDecodeError, layer: int) -> str:
    """Why bytes from the server did not decode, for a log line or an error message: the
    constructor id and its offset, the layer loaded, and how to load a newer one."""
    if isinstance(error, UnknownConstructorError):
        return (
            f"constructor 0x{error.constructor_id:08x} at offset {error.offset} is not in "
            f"layer {layer}, the loaded schema (a newer layer loads with "
            f"oxigram.tl.load_schema(path), passed as Client(schema=...))"
        )
    return f"{error} (layer {layer})"


class UndecodableResultError(TLDecodeError):
    """The result of ``request`` arrived but does not decode with the loaded schema (e.g. it
    holds a constructor of a newer layer). Only that request fails.

    ``constructor_id`` and ``offset`` (in the result) name the unknown constructor; both are
    -1 when the data is broken in another way (the message then says how). ``layer`` is the
    loaded schema's.
    """

    request: str
    constructor_id: int
    offset: int
    layer: int

    def __init__(self, request: str, error: TLDecodeError, layer: int) -> None:
        super().__init__(
            f"{request}: the result does not decode: {describe_undecodable(error, layer)}"
        )
        self.request = request
        self.constructor_id = self.offset = -1
        if isinstance(error, UnknownConstructorError):
            self.constructor_id, self.offset = error.constructor_id, error.offset
        self.layer = layer
        self.__cause__ = error


class TLEncodeError(TLError, ValueError):
    """A value cannot be encoded: wrong type, out of range, missing field, wrong constructor."""


class NotInLayerError(TLError, KeyError):
    """What a helper builds has no constructor in the client's layer (one the user loaded):
    ``name`` is what it needed, ``layer`` the layer (-1 when the file named none). A
    ``KeyError``, as looking the name up in the schema is."""

    name: str
    layer: int

    def __init__(self, message: str, name: str = "", layer: int = -1) -> None:
        super().__init__(message)
        self.name = name
        self.layer = layer

    def __str__(self) -> str:  # the message as it is (KeyError's would quote it)
        return str(self.args[0]) if self.args else ""


# -------------------------------------------------------------------------------- MTProto


class TransportError(OxigramError):
    """The peer sent a transport error packet (a bare negative int32 instead of a message):
    -404 (auth key not found, bad request), -429 (flood), -444 (invalid DC). ``code`` is the
    positive number (404, 429, 444)."""

    code: int

    def __init__(self, code: int) -> None:
        super().__init__(f"transport error {code}")
        self.code = code


class MalformedFrameError(OxigramError, ValueError):
    """Transport framing is broken (bad CRC, wrong sequence number, impossible length, unknown
    transport tag); the connection cannot continue."""


class FrameTooLargeError(MalformedFrameError):
    """A frame announces a length above the configured bound."""


class HandshakeError(OxigramError):
    """The auth-key exchange cannot go on: an unexpected message, ``dh_gen_fail``, too many
    retries, a packet that is not an unencrypted handshake message."""


class HandshakeSecurityError(SecurityError, HandshakeError):
    """A handshake check failed (nonce, server_nonce, SHA1 of an answer, new_nonce_hash, pq,
    retry_id): the exchange must be abandoned."""


class UnknownFingerprintError(HandshakeError):
    """No RSA key on offer is known (client), or the client picked a fingerprint the server
    does not own (server). ``fingerprints`` lists the ones involved."""

    fingerprints: tuple[int, ...]

    def __init__(self, message: str, fingerprints: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.fingerprints = fingerprints


class MessageRejectedError(MessageSecurityError):
    """A decrypted message failed a session rule; ``msg_id`` names it (0 when unknown)."""

    msg_id: int

    def __init__(self, message: str, msg_id: int = 0) -> None:
        super().__init__(message)
        self.msg_id = msg_id


class WrongSessionError(MessageRejectedError):
    """The message carries another session_id than ours."""


class MsgIdParityError(MessageRejectedError):
    """The msg_id has the wrong low bits for its sender (server ids odd, client ids % 4 == 0)."""


class ReplayedMessageError(MessageRejectedError):
    """The msg_id was already received, or is older than every id still remembered."""


class MessageTimeError(MessageRejectedError):
    """The msg_id is more than 300 s in the past or 30 s in the future of the synced clock."""


class MalformedMessageError(MessageRejectedError):
    """A decrypted message cannot be parsed at the MTProto level (container structure)."""


__all__ += [
    "FrameTooLargeError",
    "HandshakeError",
    "HandshakeSecurityError",
    "MalformedFrameError",
    "MalformedMessageError",
    "MessageRejectedError",
    "MessageTimeError",
    "MsgIdParityError",
    "ReplayedMessageError",
    "TransportError",
    "UnknownFingerprintError",
    "WrongSessionError",
]


# --------------------------------------------------------------------------------- client


class ClientError(OxigramError):
    """Base class of the asyncio client's own errors (not the server's answers)."""


class SessionLockedError(ClientError):
    """The session file is open in another client (``path`` names it; ``owner`` is the pid
    that holds it when known). Two clients on one auth key would break each other."""

    path: str
    owner: int | None

    def __init__(self, path: str, owner: int | None = None) -> None:
        who = f" by process {owner}" if owner else ""
        super().__init__(f"session file {path!r} is already in use{who}")
        self.path = path
        self.owner = owner


class SessionStorageError(ClientError):
    """The session storage cannot be read or written (not a session file, newer format)."""


class ConnectionLostError(ClientError, ConnectionError):
    """The connection dropped and could not be restored within the retry budget, or the
    client was closed while a request waited."""


class RequestTimeoutError(ClientError, TimeoutError):
    """A request got no answer within its timeout. The server may still have run it."""


class MaybeDeliveredError(RequestTimeoutError):
    """A request that is not read-only was in flight when the connection dropped and the
    server turned out to have lost its session: it may have been run, and it is not sent
    again (a second copy would be a new request, e.g. a second press). Like a timeout, the
    outcome is unknown."""


class NotConnectedError(ClientError):
    """The client is not started (use ``async with client`` or ``await client.connect()``)."""


class PeerNotFoundError(ClientError, ValueError):
    """A peer (username, id, object) cannot be turned into an input peer: unknown to the
    entity cache and to the server, or of a kind that has no input form."""


class LoginError(ClientError):
    """Login cannot continue (e.g. sign-up required, unsupported password algorithm)."""


__all__ += [
    "ClientError",
    "ConnectionLostError",
    "LoginError",
    "MaybeDeliveredError",
    "NotConnectedError",
    "PeerNotFoundError",
    "RequestTimeoutError",
    "SessionLockedError",
    "SessionStorageError",
]

# ------------------------------------------------------------------------------ RPC errors
#
# ``rpc_error(error_code, error_message)`` from the server becomes an instance of one class per
# known error name (``FLOOD_WAIT_30`` -> FloodWaitError with ``seconds == 30``,
# ``PHONE_MIGRATE_4`` -> PhoneMigrateError with ``dc_id == 4``), each a subclass of the class of
# its code (BadRequestError for 400, ...); core.telegram.org/api/errors, protocol.md 3.6, 5.2.
# A name nobody declared gets the class of its code; a code nobody declared gets
# UnknownRPCError (handled like a 500, as the docs ask). ``rpc_error_from`` is the one
# constructor the client uses.

__all__ += [
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
    "LimitInvalidError",
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
    """An input object could not be fetched (e.g. a stale access hash), or the request
    could not be deserialized ("Failed deserializing TL payload")."""

    NAME = "INPUT_FETCH_FAIL"


@_named
class LimitInvalidError(BadRequestError):
    """A count is out of the method's range (e.g. more ids than one call takes)."""

    NAME = "LIMIT_INVALID"


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


class BadMessageError(ClientError):
    """The server rejected a request with ``bad_msg_notification`` ``code`` that the client
    cannot fix by itself (e.g. 18: wrong msg_id bits, 34/35: content flag, 64: container)."""

    code: int

    def __init__(self, code: int, request: str | None = None) -> None:
        where = f" ({request})" if request else ""
        super().__init__(f"the server rejected the message{where}: bad_msg_notification {code}")
        self.code = code


__all__ += ["BadMessageError"]


# ------------------------------------------------------------------------------ callbacks


class CallbackDataError(InvalidInputError):
    """Callback data does not decode under a typed callback-data class (wrong prefix,
    truncated, bad varint, enum index out of range, invalid UTF-8, trailing bytes)."""


class CallbackDataTooLongError(InvalidInputError):
    """Callback data over Telegram's 64-byte limit (checked before any network call; the
    message lists the size of every part so the overflow is easy to find)."""


class AnswerTooLongError(InvalidInputError):
    """A callback answer text over 200 characters. Telegram shows at most 200 and accepts one
    answer per query, so oxigram rejects it before sending instead of splitting it."""


class CallbackAnswerTimeoutError(ClientError, TimeoutError):
    """``request_callback_answer(timeout=...)`` ran out locally. The press was sent and may
    have reached the bot; oxigram never re-sends it (a second press could act twice)."""


class NoSuchButtonError(ClientError, LookupError):
    """``message.click(...)`` found no button matching the position, text or data."""


__all__ += [
    "AnswerTooLongError",
    "CallbackAnswerTimeoutError",
    "CallbackDataError",
    "CallbackDataTooLongError",
    "NoSuchButtonError",
]
