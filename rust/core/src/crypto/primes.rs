//! Primality: deterministic Miller-Rabin on u64 (for pq), probabilistic Miller-Rabin with
//! bases derived from the candidate on big numbers, and the 2048-bit safe-prime + generator
//! check of DH and SRP with a process-wide verdict cache.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use num_bigint::{BigInt, BigUint};
use num_traits::{One, ToPrimitive, Zero};
use sha2::{Digest, Sha256};

use super::bignum::powmod;
use crate::error::{Error, Result};

/// Arithmetic modulo an odd `n < 2^64` in Montgomery form (`x` stands for `x * 2^64 mod n`).
#[derive(Clone, Copy)]
pub(crate) struct Mont64 {
    pub(crate) n: u64,
    /// `-n^-1 mod 2^64`.
    ninv: u64,
    /// `2^128 mod n`, to enter Montgomery form.
    r2: u64,
}

impl Mont64 {
    /// For odd `n > 1`.
    pub(crate) fn new(n: u64) -> Self {
        let mut inv = n;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(n.wrapping_mul(inv)));
        }
        let r = (u128::MAX % u128::from(n) + 1) % u128::from(n); // 2^128 mod n
        Self {
            n,
            ninv: inv.wrapping_neg(),
            r2: r as u64,
        }
    }

    #[inline(always)]
    fn redc(&self, t: u128) -> u64 {
        let m = (t as u64).wrapping_mul(self.ninv);
        let (s, carry) = t.overflowing_add(u128::from(m) * u128::from(self.n));
        let r = (s >> 64) as u64;
        // The true value is r + carry * 2^64 < 2n; one conditional subtraction.
        if carry || r >= self.n {
            r.wrapping_sub(self.n)
        } else {
            r
        }
    }

    #[inline(always)]
    pub(crate) fn mul(&self, a: u64, b: u64) -> u64 {
        self.redc(u128::from(a) * u128::from(b))
    }

    pub(crate) fn enter(&self, a: u64) -> u64 {
        self.mul(a % self.n, self.r2)
    }

    #[inline(always)]
    pub(crate) fn add(&self, a: u64, b: u64) -> u64 {
        let (s, c) = a.overflowing_add(b);
        if c || s >= self.n {
            s.wrapping_sub(self.n)
        } else {
            s
        }
    }

    fn pow(&self, mut base: u64, mut e: u64) -> u64 {
        let mut acc = self.enter(1);
        while e > 0 {
            if e & 1 == 1 {
                acc = self.mul(acc, base);
            }
            base = self.mul(base, base);
            e >>= 1;
        }
        acc
    }
}

/// Deterministic primality of a u64: Miller-Rabin with the first 12 prime bases is exact
/// below 3.3e24, so it is exact for every u64.
pub fn is_prime_u64(n: u64) -> bool {
    const BASES: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    if n < 2 {
        return false;
    }
    for p in BASES {
        if n % p == 0 {
            return n == p;
        }
    }
    let mont = Mont64::new(n);
    let d = (n - 1) >> (n - 1).trailing_zeros();
    let s = (n - 1).trailing_zeros();
    let one = mont.enter(1);
    let minus_one = mont.enter(n - 1);
    'bases: for a in BASES {
        let mut x = mont.pow(mont.enter(a), d);
        if x == one || x == minus_one {
            continue;
        }
        for _ in 1..s {
            x = mont.mul(x, x);
            if x == minus_one {
                continue 'bases;
            }
        }
        return false;
    }
    true
}

/// Odd primes below 2000, for trial division before the expensive tests.
fn small_primes() -> &'static [u32] {
    static PRIMES: LazyLock<Vec<u32>> = LazyLock::new(|| {
        (3u32..2000)
            .step_by(2)
            .filter(|&k| is_prime_u64(u64::from(k)))
            .collect()
    });
    &PRIMES
}

/// One Miller-Rabin round of odd `n > 3` with base `a` (`n - 1 = d * 2^s`).
fn mr_round(n: &BigUint, n1: &BigUint, d: &BigUint, s: u64, a: &BigUint) -> bool {
    let mut x = powmod(a, d, n);
    if x.is_one() || &x == n1 {
        return true;
    }
    for _ in 1..s {
        x = &x * &x % n;
        if &x == n1 {
            return true;
        }
        if x.is_one() {
            return false;
        }
    }
    false
}

/// Miller-Rabin with base 2 then `rounds` bases in `[2, n-2]` derived from SHA-256 of `n`: the
/// bases are deterministic (no RNG parameter for a check) yet cannot be chosen apart from the
/// candidate, so a crafted composite cannot target them.
pub fn is_probable_prime(n: &BigUint, rounds: u32) -> bool {
    if let Some(small) = n.to_u64() {
        return is_prime_u64(small);
    }
    if !n.bit(0) {
        return false;
    }
    for &p in small_primes() {
        if (n % p).is_zero() {
            return false;
        }
    }
    let n1 = n - 1u32;
    let s = n1.trailing_zeros().unwrap_or(0);
    let d = &n1 >> s;
    if !mr_round(n, &n1, &d, s, &BigUint::from(2u32)) {
        return false;
    }
    let seed = n.to_bytes_be();
    let width = seed.len() + 8;
    let span = n - 3u32; // base = 2 + (h mod (n - 3))
    for r in 0..rounds {
        let mut bytes = Vec::with_capacity(width + 32);
        let mut ctr = 0u32;
        while bytes.len() < width {
            let h = Sha256::new()
                .chain_update(&seed)
                .chain_update(r.to_be_bytes())
                .chain_update(ctr.to_be_bytes())
                .finalize();
            bytes.extend_from_slice(&h);
            ctr += 1;
        }
        let a = BigUint::from_bytes_be(&bytes) % &span + 2u32;
        if !mr_round(n, &n1, &d, s, &a) {
            return false;
        }
    }
    true
}

/// Miller-Rabin rounds for q = (p-1)/2 of a DH/SRP prime: error at most 4^-32 even for a
/// composite crafted by the server.
const SAFE_PRIME_ROUNDS: u32 = 32;

/// Is `p` (256 big-endian bytes) a safe prime of exactly 2048 bits?
///
/// Order is cheapest-failure first: top bit and residue mod 4, a sieve of p and q = (p-1)/2
/// together, a base-2 Fermat test of p, then Miller-Rabin on q. Once q is prime, the Fermat
/// witness 2 (with gcd(2^2 - 1, p) = 1 from the sieve) proves p prime by Pocklington, since
/// p - 1 = 2q and q > sqrt(p).
pub fn is_safe_prime_2048(p: &[u8; 256]) -> bool {
    if p[0] & 0x80 == 0 || p[255] & 3 != 3 {
        return false;
    }
    let pn = BigUint::from_bytes_be(p);
    for &r in small_primes() {
        let m = (&pn % r).to_u32().unwrap_or(0);
        // p % r == 0: p divisible; p % r == 1: q = (p-1)/2 divisible.
        if m == 0 || m == 1 {
            return false;
        }
    }
    let p1 = &pn - 1u32;
    if !powmod(&BigUint::from(2u32), &p1, &pn).is_one() {
        return false;
    }
    let q = &p1 >> 1;
    is_probable_prime(&q, SAFE_PRIME_ROUNDS)
}

/// Does `g` generate the subgroup of order (p-1)/2 of a safe prime `p`? The rule of
/// core.telegram.org/mtproto/auth_key for g in 2..7 (quadratic residuosity by p's residues).
pub fn generator_ok(p: &[u8; 256], g: u32) -> bool {
    let pn = BigUint::from_bytes_be(p);
    let r = |m: u32| (&pn % m).to_u32().unwrap_or(u32::MAX);
    match g {
        2 => r(8) == 7,
        3 => r(3) == 2,
        4 => true,
        5 => matches!(r(5), 1 | 4),
        6 => matches!(r(24), 19 | 23),
        7 => matches!(r(7), 3 | 5 | 6),
        _ => false,
    }
}

/// The protocol a 2048-bit group is checked for. It names the prime argument and the
/// exception class in the messages (`DHSecurityError` about `dh_prime`, `SRPSecurityError`
/// about `p`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupUse {
    /// The auth-key Diffie-Hellman exchange.
    Dh,
    /// 2FA SRP.
    Srp,
}

impl GroupUse {
    /// The name of the prime argument.
    pub fn prime_name(self) -> &'static str {
        match self {
            GroupUse::Dh => "dh_prime",
            GroupUse::Srp => "p",
        }
    }

    /// The error of this protocol's class with `message`.
    fn error(self, message: String) -> Error {
        match self {
            GroupUse::Dh => Error::DhSecurity(message),
            GroupUse::Srp => Error::SrpSecurity(message),
        }
    }

    /// Borrows `p` as the 256 bytes of a 2048-bit prime:
    /// `"{prime} must be 256 bytes, not {n}"`.
    pub fn prime256(self, p: &[u8]) -> Result<&[u8; 256]> {
        p.try_into().map_err(|_| {
            self.error(format!(
                "{} must be 256 bytes, not {}",
                self.prime_name(),
                p.len()
            ))
        })
    }
}

/// Telegram's 2048-bit safe prime (core.telegram.org/mtproto/auth_key), used with g = 3 for DH
/// and SRP; exported to Python as `oxigram._native.TELEGRAM_DH_PRIME`. Its verdict is in the
/// cache from the start (a unit test re-runs the full check) so the first handshake or 2FA
/// check does not pay ~60 ms of Miller-Rabin.
pub const TELEGRAM_DH_PRIME: [u8; 256] = from_hex(concat!(
    "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f",
    "48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c37",
    "20fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64",
    "2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4",
    "a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754",
    "fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4",
    "e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f",
    "0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b",
));

/// Decodes a hex string at compile time (a bad digit or length fails the build).
const fn from_hex<const N: usize>(hex: &str) -> [u8; N] {
    const fn digit(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not a lowercase hex digit"),
        }
    }
    let hex = hex.as_bytes();
    assert!(hex.len() == 2 * N, "wrong hex length");
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = digit(hex[2 * i]) << 4 | digit(hex[2 * i + 1]);
        i += 1;
    }
    out
}

/// Bounded so a hostile peer sending many primes cannot grow it without limit.
const CACHE_LIMIT: usize = 64;

static SAFE_PRIMES: LazyLock<Mutex<HashMap<[u8; 256], bool>>> =
    LazyLock::new(|| Mutex::new(HashMap::from([(TELEGRAM_DH_PRIME, true)])));

/// [`is_safe_prime_2048`] with a process-wide cache of verdicts.
pub fn is_safe_prime_2048_cached(p: &[u8; 256]) -> bool {
    if let Some(&v) = SAFE_PRIMES.lock().unwrap_or_else(|e| e.into_inner()).get(p) {
        return v;
    }
    // Computed without the lock held: two threads may both compute it, which is harmless.
    let verdict = is_safe_prime_2048(p);
    let mut cache = SAFE_PRIMES.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(*p, verdict);
    verdict
}

/// Checks (p, g) for DH or SRP: the safe-prime verdict is cached per p (the part that costs),
/// the generator rule is a few remainders. Returns g as a small integer. Errors, of `usage`'s
/// class: `"{prime} is not a 2048-bit safe prime"`,
/// `"g = {g} is not a valid generator for {prime}"`.
pub fn check_group(p: &[u8; 256], g: &BigInt, usage: GroupUse) -> Result<u32> {
    let prime = usage.prime_name();
    if !is_safe_prime_2048_cached(p) {
        return Err(usage.error(format!("{prime} is not a 2048-bit safe prime")));
    }
    match g.to_u32() {
        Some(g) if generator_ok(p, g) => Ok(g),
        _ => Err(usage.error(format!("g = {g} is not a valid generator for {prime}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u64_primes() {
        assert!(is_prime_u64(2) && is_prime_u64(3) && is_prime_u64(1_000_000_007));
        assert!(!is_prime_u64(1) && !is_prime_u64(0) && !is_prime_u64(561));
        assert!(is_prime_u64(18_446_744_073_709_551_557)); // largest u64 prime
        assert!(!is_prime_u64(3_215_031_751)); // strong pseudoprime to 2, 3, 5, 7
        let naive = |n: u64| n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0);
        for n in 0..5000 {
            assert_eq!(is_prime_u64(n), naive(n), "{n}");
        }
    }

    #[test]
    fn telegram_prime_passes_full_check() {
        let p = TELEGRAM_DH_PRIME;
        assert!(is_safe_prime_2048(&p));
        assert!(generator_ok(&p, 3) && generator_ok(&p, 4) && !generator_ok(&p, 5));
        let mut q = p;
        q[255] ^= 4; // still 3 mod 4, no longer prime
        assert!(!is_safe_prime_2048(&q));
    }
}
