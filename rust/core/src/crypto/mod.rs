//! MTProto 2.0 cryptography: AES-256-IGE, AES-256-CTR (obfuscated2), key derivation, fused
//! message encryption, 2FA SRP, pq factorization, RSA (client and server roles),
//! Diffie-Hellman and a Montgomery powmod.
//!
//! Every function that needs randomness takes it as a parameter (a [`Rng`] or explicit bytes),
//! so each has deterministic vectors. Argument checks produce the exact messages of
//! `python/oxigram/_native.pyi`, in the order it lists them.

pub mod bignum;
pub mod ctr;
pub mod dh;
pub mod ige;
pub mod kdf;
pub mod message;
pub mod pbkdf2;
pub mod pq;
pub mod primes;
pub mod rsa;
pub mod srp;

mod aesni;

use crate::error::{Error, Result};

/// A source of random bytes: fills the whole slice. The Python binding passes the OS source;
/// tests pass deterministic generators.
pub type Rng<'a> = &'a mut dyn FnMut(&mut [u8]);

/// Borrows `bytes` as a fixed-size array, or fails with `"{name} must be {N} bytes, not {n}"`
/// as an `InvalidInputError`.
pub fn fixed<'a, const N: usize>(name: &str, bytes: &'a [u8]) -> Result<&'a [u8; N]> {
    bytes
        .try_into()
        .map_err(|_| Error::invalid(format!("{name} must be {N} bytes, not {}", bytes.len())))
}

/// Compares two byte strings without an early exit, so the time taken does not tell an
/// attacker how many leading bytes of a MAC-like value they guessed right.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
