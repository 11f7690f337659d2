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
