"""Every exception oxigram raises.

Python owns these classes; the native module imports them and raises them, so both backends
raise the same class with the same message for the same input. This module imports nothing
from the package: every layer may use it.
"""

from __future__ import annotations

__all__ = [
    "OxigramError",
    "InvalidInputError",
    "InvalidTypeError",
    "FactorizationError",
    "SecurityError",
    "MessageSecurityError",
    "DHSecurityError",
    "SRPSecurityError",
    "RSASecurityError",
    "BackendUnavailableError",
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
