"""Server side of Telegram's 2FA SRP (protocol.md section 4), with Python ints.

The server stores ``v = g^x mod p`` (:func:`oxigram.crypto.srp_verifier`), sends
``B = k*v + g^b mod p`` with a fresh ``b`` per ``account.getPassword``, and checks the
client's ``M1`` from its ``A``:

    u = H(A | B)        S = (A * v^u)^b mod p        K = H(S)
    M1 = H(H(p) xor H(g) | H(salt1) | H(salt2) | A | B | K)
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass

from .. import crypto
from ..crypto import TELEGRAM_DH_PRIME

__all__ = ["G", "P", "PasswordSecret", "SrpChallenge", "new_challenge", "new_secret", "verify"]

#: Telegram's 2048-bit prime and g = 3: Telethon's fast check knows exactly these.
P = TELEGRAM_DH_PRIME
G = 3
_P = int.from_bytes(P, "big")
_MARGIN = 1 << (2048 - 64)


def _h(*parts: bytes) -> bytes:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.digest()


def _pad(n: int) -> bytes:
    return n.to_bytes(256, "big")


@dataclass(frozen=True)
class PasswordSecret:
    """What the server keeps for an account's password: the salts and the verifier."""

    salt1: bytes
    salt2: bytes
    v: bytes


@dataclass(frozen=True)
class SrpChallenge:
    """One ``account.getPassword`` answer's secret half."""

    srp_id: int
    b: int
    B: bytes


def new_secret(
    password: str, *, random_bytes: Callable[[int], bytes] = os.urandom
) -> PasswordSecret:
    salt1 = random_bytes(40)
    salt2 = random_bytes(16)
    return PasswordSecret(salt1, salt2, crypto.srp_verifier(password, salt1, salt2, G, P))


def _k() -> int:
    return int.from_bytes(_h(P, _pad(G)), "big")


def new_challenge(
    secret: PasswordSecret, *, random_bytes: Callable[[int], bytes] = os.urandom
) -> SrpChallenge:
    """A fresh ``b`` and ``B``; ``g^b`` is kept inside the range Telethon insists on."""
    v = int.from_bytes(secret.v, "big")
    while True:
        b = int.from_bytes(random_bytes(256), "big") % _P
        g_b = crypto.powmod(G, b, _P)
        if _MARGIN <= g_b <= _P - _MARGIN:
            break
    B = (_k() * v + g_b) % _P
    srp_id = int.from_bytes(random_bytes(8), "little", signed=True)
    return SrpChallenge(srp_id, b, _pad(B))


def verify(secret: PasswordSecret, challenge: SrpChallenge, A: bytes, M1: bytes) -> bool:
    """Whether ``(A, M1)`` proves the password behind ``secret`` for ``challenge``."""
    if not 0 < len(A) <= 256 or len(M1) != 32:
        return False
    a_int = int.from_bytes(A, "big")
    if not 1 < a_int < _P - 1:
        return False
    A = _pad(a_int)
    u = int.from_bytes(_h(A, challenge.B), "big")
    if u == 0:
        return False
    v = int.from_bytes(secret.v, "big")
    S = crypto.powmod(a_int * crypto.powmod(v, u, _P) % _P, challenge.b, _P)
    K = _h(_pad(S))
    hp, hg = _h(P), _h(_pad(G))
    xored = bytes(x ^ y for x, y in zip(hp, hg, strict=True))
    expected = _h(xored, _h(secret.salt1), _h(secret.salt2), A, challenge.B, K)
    return hmac.compare_digest(expected, bytes(M1))
