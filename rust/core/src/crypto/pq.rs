//! Factorization of the handshake's `pq` (a u64): trial division, a deterministic primality
//! test so primes fail fast, then Pollard-Brent in 64-bit Montgomery arithmetic.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::ToPrimitive;

use super::primes::{is_prime_u64, Mont64};
use crate::error::{Error, Result};

/// Pollard-Brent: some non-trivial factor of an odd composite `n`, for the polynomial
/// `y^2 + c`, or `None` when this `c` cycles without finding one.
fn brent(n: u64, c: u64) -> Option<u64> {
    const BATCH: u64 = 128; // gcd once per BATCH products
    let mont = Mont64::new(n);
    let c = mont.enter(c);
    let f = |y: u64| mont.add(mont.mul(y, y), c);
    let mut y = mont.enter(2);
    let mut q = mont.enter(1);
    let (mut x, mut ys) = (y, y);
    let mut g = 1u64;
    let mut r = 1u64;
    while g == 1 {
        x = y;
        for _ in 0..r {
            y = f(y);
        }
        let mut k = 0;
        while k < r && g == 1 {
            ys = y;
            for _ in 0..BATCH.min(r - k) {
                y = f(y);
                // Montgomery form scales by a unit, so gcds are unchanged.
                q = mont.mul(q, x.abs_diff(y));
            }
            g = q.gcd(&n);
            k += BATCH;
        }
        r *= 2;
        if r > 1 << 40 {
            return None;
        }
    }
    if g == n {
        // The batch overshot: redo its steps one gcd at a time.
        loop {
            ys = f(ys);
            g = x.abs_diff(ys).gcd(&n);
            if g > 1 {
                break;
            }
        }
    }
    (g != n).then_some(g)
}

/// The smallest prime factor of `n >= 2`.
pub fn smallest_prime_factor(n: u64) -> u64 {
    if n % 2 == 0 {
        return 2;
    }
    let mut d = 3u64;
    while d < 1000 && d * d <= n {
        if n % d == 0 {
            return d;
        }
        d += 2;
    }
    if d * d > n || is_prime_u64(n) {
        return n;
    }
    // Composite with every prime factor above 1000: split it and recurse on both parts.
    let factor = (1u64..).find_map(|c| brent(n, c)).unwrap_or(n);
    smallest_prime_factor(factor).min(smallest_prime_factor(n / factor))
}

/// Splits `pq` into `(p, q)` with `p` its smallest prime factor and `q = pq / p >= p`.
pub fn factorize(pq: u64) -> Result<(u64, u64)> {
    if pq < 4 {
        return Err(range_error(&pq));
    }
    let p = smallest_prime_factor(pq);
    if p == pq {
        return Err(Error::Factorization(format!("pq = {pq} is prime")));
    }
    Ok((p, pq / p))
}

fn range_error(pq: &dyn std::fmt::Display) -> Error {
    Error::Factorization(format!("pq must be in 4..2**64-1, not {pq}"))
}

/// [`factorize`] for an arbitrary integer, with the documented range error.
pub fn factorize_checked(pq: &BigInt) -> Result<(u64, u64)> {
    factorize(pq.to_u64().ok_or_else(|| range_error(pq))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_edge() {
        assert_eq!(factorize(4).unwrap(), (2, 2));
        assert_eq!(factorize(15).unwrap(), (3, 5));
        assert_eq!(factorize(1_000_000_007 * 3).unwrap(), (3, 1_000_000_007));
        assert_eq!(factorize(u64::MAX).unwrap(), (3, u64::MAX / 3));
        assert_eq!(
            factorize(3).unwrap_err().to_string(),
            "pq must be in 4..2**64-1, not 3"
        );
        assert_eq!(
            factorize(1_000_000_007).unwrap_err().to_string(),
            "pq = 1000000007 is prime"
        );
        let p = 4_294_967_291u64; // largest prime below 2^32
        assert_eq!(factorize(p * p).unwrap(), (p, p));
        assert_eq!(
            factorize(1009 * 1013 * 4_294_967_291).unwrap(),
            (1009, 1013 * 4_294_967_291)
        );
        let big = BigInt::from(1u8) << 64;
        assert_eq!(
            factorize_checked(&big).unwrap_err().to_string(),
            "pq must be in 4..2**64-1, not 18446744073709551616"
        );
        assert_eq!(
            factorize_checked(&BigInt::from(-5))
                .unwrap_err()
                .to_string(),
            "pq must be in 4..2**64-1, not -5"
        );
    }
}
