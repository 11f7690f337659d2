//! Telegram's 2FA SRP (`passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow`,
//! core.telegram.org/api/srp).
//!
//! The cost is PBKDF2-HMAC-SHA512 with 100000 iterations (see [`super::pbkdf2`]); `A = g^a`
//! runs on a second thread meanwhile, and the (p, g) verdict is cached.

use num_bigint::{BigInt, BigUint};
use num_traits::Zero;
use sha2::{Digest, Sha256};

use super::bignum::{powmod, to_be_fixed};
use super::dh::in_safe_range;
use super::pbkdf2::pbkdf2_hmac_sha512;
use super::primes::{check_group, GroupUse};
use super::{fixed, Rng};
use crate::error::{Error, Result};

/// PBKDF2 iterations of the algorithm.
pub const ITERATIONS: u32 = 100_000;

fn h(parts: &[&[u8]]) -> [u8; 32] {
    let mut d = Sha256::new();
    for p in parts {
        d.update(p);
    }
    d.finalize().into()
}

/// SH(d, s) = SHA256(s | d | s).
fn sh(data: &[u8], salt: &[u8]) -> [u8; 32] {
    h(&[salt, data, salt])
}

/// x = PH2(password, salt1, salt2), 32 bytes.
pub fn password_hash(password: &[u8], salt1: &[u8], salt2: &[u8]) -> [u8; 32] {
    let ph1 = sh(&sh(password, salt1), salt2);
    sh(&pbkdf2_hmac_sha512(&ph1, salt1, ITERATIONS), salt2)
}

fn srp_err(message: impl Into<String>) -> Error {
    Error::SrpSecurity(message.into())
}

/// Checks `p` (256 bytes, a 2048-bit safe prime) then `g` (cached per p). Returns (p, g).
pub fn check_p_g<'a>(p: &'a [u8], g: &BigInt) -> Result<(&'a [u8; 256], u32)> {
    let p = GroupUse::Srp.prime256(p)?;
    Ok((p, check_group(p, g, GroupUse::Srp)?))
}

/// Checked `srp_verifier`: v = g^x mod p as 256 bytes.
pub fn verifier(
    password: &[u8],
    salt1: &[u8],
    salt2: &[u8],
    g: &BigInt,
    p: &[u8],
) -> Result<[u8; 256]> {
    let (p, g) = check_p_g(p, g)?;
    let x = password_hash(password, salt1, salt2);
    let v = powmod(
        &BigUint::from(g),
        &BigUint::from_bytes_be(&x),
        &BigUint::from_bytes_be(p),
    );
    Ok(to_be_fixed(&v, 256).try_into().unwrap_or([0; 256]))
}

/// Checks `srp_B` (1 to 256 bytes, 1 < B < p - 1) and returns it left-padded to 256 bytes.
pub fn check_srp_b(srp_b: &[u8], p: &BigUint) -> Result<[u8; 256]> {
    if srp_b.is_empty() || srp_b.len() > 256 {
        return Err(srp_err(format!(
            "srp_B must be 1 to 256 bytes, not {}",
            srp_b.len()
        )));
    }
    let b = BigUint::from_bytes_be(srp_b);
    if b <= BigUint::from(1u32) || b >= p - 1u32 {
        return Err(srp_err("srp_B is out of range"));
    }
    let mut out = [0u8; 256];
    out[256 - srp_b.len()..].copy_from_slice(srp_b);
    Ok(out)
}

/// Telegram's SRP answer `(A, M1)`. See the module docs and `_native.pyi` for the order of
/// checks; a random `a` (from `rng`) whose A is out of range is drawn again.
#[allow(clippy::too_many_arguments)]
pub fn answer(
    password: &[u8],
    salt1: &[u8],
    salt2: &[u8],
    g: &BigInt,
    p: &[u8],
    srp_b: &[u8],
    a: Option<&[u8]>,
    rng: Rng<'_>,
) -> Result<([u8; 256], [u8; 32])> {
    let (p_bytes, g) = check_p_g(p, g)?;
    let pn = BigUint::from_bytes_be(p_bytes);
    let b_bytes = check_srp_b(srp_b, &pn)?;
    let mut a_bytes = [0u8; 256];
    match a {
        Some(given) => a_bytes.copy_from_slice(fixed::<256>("a", given)?),
        None => rng(&mut a_bytes),
    }
    let gn = BigUint::from(g);

    // A = g^a on a second thread while PBKDF2 runs here.
    let compute_a = |a: &[u8; 256]| powmod(&gn, &BigUint::from_bytes_be(a), &pn);
    let (x, mut big_a) = std::thread::scope(|s| {
        let worker = s.spawn(|| compute_a(&a_bytes));
        let x = password_hash(password, salt1, salt2);
        // The worker only does arithmetic; if it panicked, redo it here.
        let big_a = worker.join().unwrap_or_else(|_| compute_a(&a_bytes));
        (x, big_a)
    });
    while !in_safe_range(&big_a, &pn) {
        if a.is_some() {
            return Err(srp_err("A is out of range"));
        }
        rng(&mut a_bytes);
        big_a = compute_a(&a_bytes);
    }
    let a_pad: [u8; 256] = to_be_fixed(&big_a, 256).try_into().unwrap_or([0; 256]);

    let u = h(&[&a_pad, &b_bytes]);
    if u.iter().all(|&b| b == 0) {
        return Err(srp_err("u is zero"));
    }
    let mut g_pad = [0u8; 256];
    g_pad[252..].copy_from_slice(&g.to_be_bytes());
    let k = BigUint::from_bytes_be(&h(&[p_bytes, &g_pad]));
    let xn = BigUint::from_bytes_be(&x);
    let v = powmod(&gn, &xn, &pn);
    let kv = (k * v) % &pn;
    let bn = BigUint::from_bytes_be(&b_bytes);
    // t = (B - k*v) mod p, kept non-negative.
    let t = (&bn + &pn - kv) % &pn;
    if !in_safe_range(&t, &pn) {
        return Err(srp_err("B - k*v is out of range"));
    }
    // S = t^(a + u*x); t is a unit mod the prime p, so the exponent can be reduced mod p - 1.
    let p1 = &pn - 1u32;
    let exp = (BigUint::from_bytes_be(&a_bytes) + BigUint::from_bytes_be(&u) * xn) % &p1;
    let s_big = powmod(&t, &exp, &pn);
    debug_assert!(!s_big.is_zero());
    let k_hash = h(&[&to_be_fixed(&s_big, 256)]);
    let hp = h(&[p_bytes]);
    let hg = h(&[&g_pad]);
    let hpg: [u8; 32] = core::array::from_fn(|i| hp[i] ^ hg[i]);
    let m1 = h(&[&hpg, &h(&[salt1]), &h(&[salt2]), &a_pad, &b_bytes, &k_hash]);
    Ok((a_pad, m1))
}
