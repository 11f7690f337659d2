"""Every exception oxigram raises.

Python owns these classes; the native module imports them and raises them, so both backends
raise the same class with the same message for the same input. This module imports nothing
from the package: every layer may use it.
"""

from __future__ import annotations

__all__ = [
    "BackendUnavailableError",
    "DHSecurityError",
    "FactorizationError",
    "InvalidInputError",
    "InvalidTypeError",
    "LimitExceededError",
    "MessageSecurityError",
    "OxigramError",
    "RSASecurityError",
    "SRPSecurityError",
    "SecurityError",
    "TLDecodeError",
    "TLEncodeError",
    "TLError",
    "TLSchemaError",
    "TrailingBytesError",
    "UnexpectedEndError",
    "UnknownConstructorError",
    "WrongTypeError",
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


class TLEncodeError(TLError, ValueError):
    """A value cannot be encoded: wrong type, out of range, missing field, wrong constructor."""


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
    "NotConnectedError",
    "PeerNotFoundError",
    "RequestTimeoutError",
    "SessionLockedError",
    "SessionStorageError",
]

# RPC errors live in their own module and are re-exported here.
from .rpc_errors import *  # noqa: E402, F403
from .rpc_errors import __all__ as _rpc_all  # noqa: E402

__all__ += _rpc_all


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
