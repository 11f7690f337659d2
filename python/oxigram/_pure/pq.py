"""The handshake's pq factorization and modular exponentiation."""

from __future__ import annotations

import math

from ..errors import FactorizationError, InvalidInputError
from ._args import as_int
from .primes import is_prime_u64

__all__ = ["factorize", "powmod"]

_PQ_MAX = 2**64 - 1
_TRIAL_LIMIT = 1000


def _brent(n: int) -> int:
    """A non-trivial factor of the odd composite n (Pollard rho, Brent's cycle finding with
    batched gcds). The seeds are fixed so the result does not depend on chance."""
    for c in range(1, n):
        y, r, q = 2, 1, 1
        g = 1
        x = ys = y
        while g == 1:
            x = y
            for _ in range(r):
                y = (y * y + c) % n
            k = 0
            while k < r and g == 1:
                ys = y
                for _ in range(min(128, r - k)):
                    y = (y * y + c) % n
                    q = q * abs(x - y) % n
                g = math.gcd(q, n)
                k += 128
            r *= 2
        if g == n:
            # The batch overshot: step back one at a time from the saved point.
            g = 1
            while g == 1:
                ys = (ys * ys + c) % n
                g = math.gcd(abs(x - ys), n)
        if g != n:
            return g
    raise AssertionError("unreachable: n is composite")


def _smallest_prime_factor(n: int) -> int:
    if n % 2 == 0:
        return 2
    for d in range(3, _TRIAL_LIMIT, 2):
        if d * d > n:
            return n
        if n % d == 0:
            return d
    if is_prime_u64(n):
        return n
    d = _brent(n)
    return min(_smallest_prime_factor(d), _smallest_prime_factor(n // d))


def factorize(pq: object) -> tuple[int, int]:
    n = as_int(pq, "pq")
    if not 4 <= n <= _PQ_MAX:
        raise FactorizationError(f"pq must be in 4..2**64-1, not {n}")
    if is_prime_u64(n):
        raise FactorizationError(f"pq = {n} is prime")
    p = _smallest_prime_factor(n)
    return p, n // p


def powmod(base: object, exp: object, mod: object) -> int:
    b = as_int(base, "base")
    if b < 0:
        raise InvalidInputError("base must be non-negative")
    e = as_int(exp, "exp")
    if e < 0:
        raise InvalidInputError("exp must be non-negative")
    m = as_int(mod, "mod")
    if m < 1:
        raise InvalidInputError("mod must be positive")
    return pow(b, e, m)
