//! Diffie-Hellman of the auth-key handshake: group checks, key pair, shared key.

use num_bigint::{BigInt, BigUint};
use num_traits::One;

use super::bignum::{powmod, to_be_fixed};
use super::primes::{check_group, GroupUse};
use super::{fixed, Rng};
use crate::error::{Error, Result};

fn dh_err(message: impl Into<String>) -> Error {
    Error::DhSecurity(message.into())
}

/// Checks `dh_prime` is 256 bytes (a `DHSecurityError` otherwise).
pub fn check_prime_len(dh_prime: &[u8]) -> Result<&[u8; 256]> {
    GroupUse::Dh.prime256(dh_prime)
}

/// `check_dh_prime`: 2048-bit safe prime and a valid generator g (verdict cached per p).
pub fn check_dh_prime(dh_prime: &[u8], g: &BigInt) -> Result<u32> {
    check_group(check_prime_len(dh_prime)?, g, GroupUse::Dh)
}

/// True when `x` is in the recommended range `[2^1984, p - 2^1984]` (which implies
/// `1 < x < p - 1`).
pub fn in_safe_range(x: &BigUint, p: &BigUint) -> bool {
    let bound = BigUint::one() << 1984;
    x >= &bound && p >= &bound && x <= &(p - &bound)
}

/// `(secret, g^secret mod p)` for a checked group. A given `secret` whose public value is out
/// of range fails; random secrets are drawn again.
pub fn keypair(
    g: u32,
    p: &[u8; 256],
    secret: Option<&[u8]>,
    rng: Rng<'_>,
) -> Result<([u8; 256], [u8; 256])> {
    let pn = BigUint::from_bytes_be(p);
    let gn = BigUint::from(g);
    loop {
        let mut s = [0u8; 256];
        match secret {
            Some(given) => s.copy_from_slice(fixed::<256>("secret", given)?),
            None => rng(&mut s),
        }
        let public = powmod(&gn, &BigUint::from_bytes_be(&s), &pn);
        if in_safe_range(&public, &pn) {
            let mut out = [0u8; 256];
            out.copy_from_slice(&to_be_fixed(&public, 256));
            return Ok((s, out));
        }
        if secret.is_some() {
            return Err(dh_err("g^secret is out of range"));
        }
    }
}

/// Checked `dh_keypair` (g, dh_prime, then secret).
pub fn dh_keypair(
    g: &BigInt,
    dh_prime: &[u8],
    secret: Option<&[u8]>,
    rng: Rng<'_>,
) -> Result<([u8; 256], [u8; 256])> {
    let g = check_dh_prime(dh_prime, g)?;
    if let Some(s) = secret {
        fixed::<256>("secret", s)?;
    }
    keypair(g, check_prime_len(dh_prime)?, secret, rng)
}

/// Checked `dh_shared_key`: peer_public^secret mod dh_prime as 256 bytes (the auth_key).
///
/// Checks in argument order: `secret` length, `dh_prime` length, then the peer's range.
pub fn dh_shared_key(peer_public: &[u8], secret: &[u8], dh_prime: &[u8]) -> Result<[u8; 256]> {
    let secret = fixed::<256>("secret", secret)?;
    let p = check_prime_len(dh_prime)?;
    let pn = BigUint::from_bytes_be(p);
    let peer = BigUint::from_bytes_be(peer_public);
    if !in_safe_range(&peer, &pn) {
        return Err(dh_err("peer public value is out of range"));
    }
    let key = powmod(&peer, &BigUint::from_bytes_be(secret), &pn);
    let mut out = [0u8; 256];
    out.copy_from_slice(&to_be_fixed(&key, 256));
    Ok(out)
}
