"""Telegram's 2FA SRP (core.telegram.org/api/srp), algorithm
passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow.

Numbers are hashed as 256-byte big-endian strings; all arithmetic is mod p.
"""

from __future__ import annotations

import hashlib
import secrets

from ..errors import InvalidInputError, InvalidTypeError, SRPSecurityError
from ._args import as_buffer, as_int
from .dh import in_safe_range
from .primes import Verdict, dh_verdict

__all__ = ["srp_answer", "srp_password_hash", "srp_verifier"]

_SIZE = 256
_PBKDF2_ITERATIONS = 100000


def _sha256(*parts: bytes) -> bytes:
    h = hashlib.sha256()
    for part in parts:
        h.update(part)
    return h.digest()


def _salted(data: bytes, salt: bytes) -> bytes:
    """SH(data, salt) = H(salt | data | salt)."""
    return _sha256(salt, data, salt)


def _password_bytes(password: object) -> bytes:
    if isinstance(password, str):
        try:
            return password.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: bad input, as on the native side
            raise InvalidInputError(
                "password is not encodable as UTF-8 (it contains a lone surrogate, U+D800-U+DFFF)"
            ) from None
    if isinstance(password, (bytes, bytearray, memoryview)):
        return as_buffer(password, "password")
    raise InvalidTypeError(
        f"password must be str, bytes, bytearray or memoryview, not {type(password).__name__}"
    )


def _ph2(password: bytes, salt1: bytes, salt2: bytes) -> bytes:
    ph1 = _salted(_salted(password, salt1), salt2)
    stretched = hashlib.pbkdf2_hmac("sha512", ph1, salt1, _PBKDF2_ITERATIONS, 64)
    return _salted(stretched, salt2)


def _int(data: bytes) -> int:
    return int.from_bytes(data, "big")


def _pad(value: int) -> bytes:
    return value.to_bytes(_SIZE, "big")


def _group(g: int, p: object) -> tuple[bytes, int]:
    """Checks p (length, safe prime) and g (generator rule); returns p as bytes and int."""
    prime = as_buffer(p, "p")
    if len(prime) != _SIZE:
        raise SRPSecurityError(f"p must be {_SIZE} bytes, not {len(prime)}")
    verdict = dh_verdict(prime, g)
    if verdict is Verdict.NOT_SAFE_PRIME:
        raise SRPSecurityError("p is not a 2048-bit safe prime")
    if verdict is Verdict.BAD_GENERATOR:
        raise SRPSecurityError(f"g = {g} is not a valid generator for p")
    return prime, _int(prime)


def srp_password_hash(password: object, salt1: object, salt2: object) -> bytes:
    pw = _password_bytes(password)
    s1 = as_buffer(salt1, "salt1")
    s2 = as_buffer(salt2, "salt2")
    return _ph2(pw, s1, s2)


def srp_verifier(password: object, salt1: object, salt2: object, g: object, p: object) -> bytes:
    pw = _password_bytes(password)
    s1 = as_buffer(salt1, "salt1")
    s2 = as_buffer(salt2, "salt2")
    gen = as_int(g, "g")
    _, p_int = _group(gen, p)
    return _pad(pow(gen, _int(_ph2(pw, s1, s2)), p_int))


def srp_answer(
    password: object,
    salt1: object,
    salt2: object,
    g: object,
    p: object,
    srp_B: object,
    a: object = None,
) -> tuple[bytes, bytes]:
    pw = _password_bytes(password)
    s1 = as_buffer(salt1, "salt1")
    s2 = as_buffer(salt2, "salt2")
    gen = as_int(g, "g")
    p_bytes, p_int = _group(gen, p)

    b_raw = as_buffer(srp_B, "srp_B")
    if not 1 <= len(b_raw) <= _SIZE:
        raise SRPSecurityError(f"srp_B must be 1 to {_SIZE} bytes, not {len(b_raw)}")
    B = _int(b_raw)
    if not 1 < B < p_int - 1:
        raise SRPSecurityError("srp_B is out of range")
    B_bytes = _pad(B)  # a short srp_B is hashed left-padded to 256 bytes

    if a is None:
        while True:
            a_int = _int(secrets.token_bytes(_SIZE))
            A = pow(gen, a_int, p_int)
            if in_safe_range(A, p_int):
                break
    else:
        a_bytes = as_buffer(a, "a")
        if len(a_bytes) != _SIZE:
            raise InvalidInputError(f"a must be {_SIZE} bytes, not {len(a_bytes)}")
        a_int = _int(a_bytes)
        A = pow(gen, a_int, p_int)
        if not in_safe_range(A, p_int):
            raise SRPSecurityError("A is out of range")
    A_bytes = _pad(A)

    u = _int(_sha256(A_bytes, B_bytes))
    if u == 0:
        raise SRPSecurityError("u is zero")

    g_bytes = _pad(gen)
    x = _int(_ph2(pw, s1, s2))
    v = pow(gen, x, p_int)
    k = _int(_sha256(p_bytes, g_bytes))
    t = (B - k * v) % p_int
    if not in_safe_range(t, p_int):
        raise SRPSecurityError("B - k*v is out of range")

    S = pow(t, a_int + u * x, p_int)
    K = _sha256(_pad(S))
    h_p = _sha256(p_bytes)
    h_g = _sha256(g_bytes)
    M1 = _sha256(
        bytes(i ^ j for i, j in zip(h_p, h_g, strict=True)),
        _sha256(s1),
        _sha256(s2),
        A_bytes,
        B_bytes,
        K,
    )
    return A_bytes, M1
