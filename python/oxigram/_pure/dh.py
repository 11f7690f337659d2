"""Diffie-Hellman of the auth-key handshake (core.telegram.org/mtproto/auth_key, steps 6-8)."""

from __future__ import annotations

import secrets

from ..errors import DHSecurityError
from ._args import as_buffer, as_int, check_len
from .primes import Verdict, dh_verdict

__all__ = ["check_dh_prime", "dh_keypair", "dh_shared_key", "in_safe_range"]

_SIZE = 256
_MARGIN = 1 << (2048 - 64)


def in_safe_range(x: int, p: int) -> bool:
    """1 < x < p - 1 and 2^1984 <= x <= p - 2^1984 (security guidelines for g_a, g_b, A...)."""
    return 1 < x < p - 1 and _MARGIN <= x <= p - _MARGIN


def _checked_prime(dh_prime: object, g: object) -> tuple[int, int]:
    """Validates (dh_prime, g) in argument order; returns them as ints."""
    prime = check_len(as_buffer(dh_prime, "dh_prime"), "dh_prime", _SIZE, DHSecurityError)
    gen = as_int(g, "g")
    verdict = dh_verdict(prime, gen)
    if verdict is Verdict.NOT_SAFE_PRIME:
        raise DHSecurityError("dh_prime is not a 2048-bit safe prime")
    if verdict is Verdict.BAD_GENERATOR:
        raise DHSecurityError(f"g = {gen} is not a valid generator for dh_prime")
    return int.from_bytes(prime, "big"), gen


def check_dh_prime(dh_prime: object, g: object) -> None:
    _checked_prime(dh_prime, g)


def dh_keypair(g: object, dh_prime: object, secret: object = None) -> tuple[bytes, bytes]:
    gen = as_int(g, "g")
    p, _ = _checked_prime(dh_prime, gen)
    if secret is not None:
        exponent = check_len(as_buffer(secret, "secret"), "secret", _SIZE)
        public = pow(gen, int.from_bytes(exponent, "big"), p)
        if not in_safe_range(public, p):
            raise DHSecurityError("g^secret is out of range")
        return exponent, public.to_bytes(_SIZE, "big")
    while True:
        exponent = secrets.token_bytes(_SIZE)
        public = pow(gen, int.from_bytes(exponent, "big"), p)
        if in_safe_range(public, p):
            return exponent, public.to_bytes(_SIZE, "big")


def dh_shared_key(peer_public: object, secret: object, dh_prime: object) -> bytes:
    peer = as_buffer(peer_public, "peer_public")
    exponent = check_len(as_buffer(secret, "secret"), "secret", _SIZE)
    prime = check_len(as_buffer(dh_prime, "dh_prime"), "dh_prime", _SIZE, DHSecurityError)
    p = int.from_bytes(prime, "big")
    x = int.from_bytes(peer, "big")
    if not in_safe_range(x, p):
        raise DHSecurityError("peer public value is out of range")
    return pow(x, int.from_bytes(exponent, "big"), p).to_bytes(_SIZE, "big")
