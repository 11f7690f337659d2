"""The pure backend's primality helpers (internals; the public checks are covered with every
backend by the crypto tests)."""

from __future__ import annotations

from oxigram._pure import primes


def test_u64_primality_matches_trial_division() -> None:
    def naive(n: int) -> bool:
        return n >= 2 and all(n % d for d in range(2, int(n**0.5) + 1))

    assert all(primes.is_prime_u64(n) == naive(n) for n in range(3000))
    assert primes.is_prime_u64(2**64 - 59)  # the largest prime below 2**64
    assert not primes.is_prime_u64(3215031751)  # strong pseudoprime to 2, 3, 5 and 7
    assert not primes.is_prime_u64(3825123056546413051)  # ... to every base up to 23


def test_the_small_primes_sieved_at_import_are_the_odd_primes_below_2000() -> None:
    expected = tuple(n for n in range(3, 2000, 2) if primes.is_prime_u64(n))
    assert expected == primes._SMALL_PRIMES
    assert primes._odd_primes_below(2) == primes._odd_primes_below(3) == ()
    assert primes._odd_primes_below(12) == (3, 5, 7, 11)


def test_telegram_prime_passes_the_full_uncached_check() -> None:
    assert primes.is_safe_prime_2048(primes.TELEGRAM_DH_PRIME)


def test_safe_prime_rejections() -> None:
    p = int.from_bytes(primes.TELEGRAM_DH_PRIME, "big")
    assert not primes.is_safe_prime_2048((p + 4).to_bytes(256, "big"))
    assert not primes.is_safe_prime_2048((p >> 1).to_bytes(256, "big"))  # top bit clear
    assert not primes.is_safe_prime_2048(primes.TELEGRAM_DH_PRIME[:255])
    # 2^2048 - 1 is 3 mod 4 with the top bit set but divisible by 3.
    assert not primes.is_safe_prime_2048(b"\xff" * 256)


def test_generator_rule_for_the_telegram_prime() -> None:
    verdicts = {g: primes.dh_verdict(primes.TELEGRAM_DH_PRIME, g) for g in range(0, 10)}
    ok = {g for g, v in verdicts.items() if v is primes.Verdict.OK}
    p = int.from_bytes(primes.TELEGRAM_DH_PRIME, "big")
    # g generates the order-q subgroup iff it is a quadratic residue (Euler's criterion).
    assert ok == {g for g in range(2, 8) if pow(g, (p - 1) // 2, p) == 1}
