"""Primality: deterministic Miller-Rabin below 2**64, the 2048-bit safe-prime test and the
generator rule shared by the DH handshake and 2FA SRP.

Both backends must give the same verdict for the same input, so this follows the native
``rust/core/src/crypto/primes.rs`` step for step. For ``p`` (256 bytes) the test is:

1. top bit set and p = 3 mod 4 (q = (p - 1) / 2 odd);
2. sieve: p mod r not in {0, 1} for every odd prime r < 2000 (r divides neither p nor q);
3. Fermat base 2 on p: 2^(p-1) = 1 mod p;
4. q passes Miller-Rabin for base 2 and then 32 bases derived from q itself (SHA-256 of
   q's bytes, the round and a counter), so the bases are fixed for a given q, the same on
   both backends, yet cannot be targeted by a composite built in advance.

With q prime, step 3 proves p prime (Pocklington: p - 1 = 2q, q > sqrt(p), and the sieve
gives gcd(2^2 - 1, p) = 1).
"""

from __future__ import annotations

import enum
import functools
import hashlib

__all__ = [
    "SAFE_PRIME_ROUNDS",
    "TELEGRAM_DH_PRIME",
    "Verdict",
    "dh_verdict",
    "is_prime_u64",
    "is_probable_prime",
    "is_safe_prime_2048",
    "is_safe_prime_2048_cached",
    "miller_rabin",
]

# Miller-Rabin with these bases is exact for every n < 3.3 * 10**24 (Sorenson and Webster).
_U64_BASES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)
# Rounds with derived bases for q = (p - 1) / 2: error at most 4^-32 even for a crafted q.
SAFE_PRIME_ROUNDS = 32


def miller_rabin(n: int, base: int) -> bool:
    """One strong-probable-prime test of odd n > 3 to the given base."""
    n1 = n - 1
    s = (n1 & -n1).bit_length() - 1
    x = pow(base, n1 >> s, n)
    if x in (1, n1):
        return True
    for _ in range(s - 1):
        x = x * x % n
        if x == n1:
            return True
        if x == 1:
            return False
    return False


def is_prime_u64(n: int) -> bool:
    """Exact primality for 0 <= n < 2**64."""
    if n < 2:
        return False
    for p in _U64_BASES:
        if n % p == 0:
            return n == p
    return all(miller_rabin(n, base) for base in _U64_BASES)


def _odd_primes_below(n: int) -> tuple[int, ...]:
    """The odd primes below ``n``, by the sieve of Eratosthenes (a sieve, not
    :func:`is_prime_u64`: it runs at import)."""
    sieve = bytearray([1]) * n
    sieve[:2] = b"\0\0"
    for k in range(2, int(n**0.5) + 1):
        if sieve[k]:
            sieve[k * k :: k] = bytes(len(range(k * k, n, k)))
    return tuple(k for k in range(3, n, 2) if sieve[k])


# Odd primes below 2000, for trial division before the expensive tests.
_SMALL_PRIMES = _odd_primes_below(2000)


def _derived_base(n: int, seed: bytes, round_no: int) -> int:
    """Base in [2, n - 2] from SHA-256(seed | round | counter) blocks (u32 big-endian),
    concatenated until at least len(seed) + 8 bytes (all blocks kept), mod (n - 3), plus 2."""
    width = len(seed) + 8
    stream = b""
    counter = 0
    while len(stream) < width:
        stream += hashlib.sha256(
            seed + round_no.to_bytes(4, "big") + counter.to_bytes(4, "big")
        ).digest()
        counter += 1
    return int.from_bytes(stream, "big") % (n - 3) + 2


def is_probable_prime(n: int, rounds: int) -> bool:
    """Miller-Rabin with base 2, then ``rounds`` bases derived from n (exact below 2**64)."""
    if n < 2**64:
        return is_prime_u64(n)
    if not n & 1:
        return False
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return False
    if not miller_rabin(n, 2):
        return False
    seed = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return all(miller_rabin(n, _derived_base(n, seed, r)) for r in range(rounds))


def is_safe_prime_2048(p: bytes) -> bool:
    """The test above for a 256-byte big-endian p (no cache)."""
    if len(p) != 256 or not p[0] & 0x80 or p[255] & 3 != 3:
        return False
    pn = int.from_bytes(p, "big")
    # p mod r == 0: r divides p; p mod r == 1: r divides q.
    if any(pn % r in (0, 1) for r in _SMALL_PRIMES):
        return False
    if pow(2, pn - 1, pn) != 1:
        return False
    return is_probable_prime(pn >> 1, SAFE_PRIME_ROUNDS)


#: Telegram's 2048-bit safe prime (core.telegram.org/mtproto/auth_key), used with g = 3 for DH
#: and 2FA SRP; ``oxigram._pure.TELEGRAM_DH_PRIME``, the twin of the native constant. Pre-verified
#: so the first login does not pay ~0.6 s of pure-Python Miller-Rabin; a unit test runs the full
#: check on it.
TELEGRAM_DH_PRIME = bytes.fromhex(
    "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f"
    "48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c37"
    "20fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64"
    "2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4"
    "a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754"
    "fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4"
    "e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f"
    "0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b"
)

# Bounded so a hostile peer sending many primes cannot grow it without limit.
_CACHE_LIMIT = 64
_safe_prime_cache: dict[bytes, bool] = {TELEGRAM_DH_PRIME: True}


def is_safe_prime_2048_cached(p: bytes) -> bool:
    verdict = _safe_prime_cache.get(p)
    if verdict is None:
        verdict = is_safe_prime_2048(p)
        if len(_safe_prime_cache) >= _CACHE_LIMIT:
            _safe_prime_cache.clear()
            _safe_prime_cache[TELEGRAM_DH_PRIME] = True
        _safe_prime_cache[p] = verdict
    return verdict


def _generates_subgroup(p: int, g: int) -> bool:
    """core.telegram.org/mtproto/auth_key: g generates the order-q subgroup of a safe prime p
    iff g is a quadratic residue mod p; for g in 2..7 this is a congruence on p."""
    if g == 2:
        return p % 8 == 7
    if g == 3:
        return p % 3 == 2
    if g == 4:
        return True
    if g == 5:
        return p % 5 in (1, 4)
    if g == 6:
        return p % 24 in (19, 23)
    if g == 7:
        return p % 7 in (3, 5, 6)
    return False


class Verdict(enum.Enum):
    OK = "ok"
    NOT_SAFE_PRIME = "not a safe prime"
    BAD_GENERATOR = "bad generator"


@functools.lru_cache(maxsize=64)
def dh_verdict(p: bytes, g: int) -> Verdict:
    """The (p, g) check of the handshake and SRP, cached per (p, g); p is 256 bytes."""
    if not is_safe_prime_2048_cached(p):
        return Verdict.NOT_SAFE_PRIME
    if not _generates_subgroup(int.from_bytes(p, "big"), g):
        return Verdict.BAD_GENERATOR
    return Verdict.OK
