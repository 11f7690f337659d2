//! RSA of the auth-key handshake: key fingerprints, the legacy SHA1-padded encryption, RSA_PAD
//! (core.telegram.org/mtproto/auth_key step 4.1) and, for the server role, raw decryption and
//! RSA_PAD decryption.

use num_bigint::{BigInt, BigUint};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::bignum::{non_negative, powmod, to_be_fixed};
use super::ige::Aes256Ige;
use super::{ct_eq, Rng};
use crate::error::{Error, Result};

fn rsa_err(message: impl Into<String>) -> Error {
    Error::RsaSecurity(message.into())
}

/// Minimal big-endian bytes (empty for 0, like Python's `to_bytes((n.bit_length()+7)//8)`).
fn minimal_be(x: &BigUint) -> Vec<u8> {
    if x.bits() == 0 {
        Vec::new()
    } else {
        x.to_bytes_be()
    }
}

/// TL `bytes` serialization: length prefix (1 or 4 bytes), data, zero padding to 4.
fn tl_bytes(out: &mut Vec<u8>, data: &[u8]) {
    let start = out.len();
    if data.len() <= 253 {
        out.push(data.len() as u8);
    } else {
        out.push(254);
        out.extend_from_slice(&(data.len() as u32).to_le_bytes()[..3]);
    }
    out.extend_from_slice(data);
    while (out.len() - start) % 4 != 0 {
        out.push(0);
    }
}

/// Telegram's key fingerprint: the low 64 bits of SHA1(TL bytes(n) | TL bytes(e)), as the
/// signed little-endian int64 TL `long` carries.
pub fn fingerprint(n: &BigUint, e: &BigUint) -> i64 {
    let mut buf = Vec::with_capacity(300);
    tl_bytes(&mut buf, &minimal_be(n));
    tl_bytes(&mut buf, &minimal_be(e));
    let d = Sha1::digest(&buf);
    let mut low = [0u8; 8];
    low.copy_from_slice(&d[12..20]);
    i64::from_le_bytes(low)
}

/// Checked `rsa_fingerprint`: n and e must be non-negative.
pub fn fingerprint_checked(n: &BigInt, e: &BigInt) -> Result<i64> {
    Ok(fingerprint(&non_negative("n", n)?, &non_negative("e", e)?))
}

/// Checks an RSA modulus for the 256-byte handshake operations: exactly 2048 bits.
pub fn check_modulus(n: &BigInt) -> Result<BigUint> {
    match non_negative("n", n) {
        Ok(m) if m.bits() == 2048 => Ok(m),
        _ => Err(Error::invalid("n must be a 2048-bit modulus")),
    }
}

/// Checks a public or private exponent (`name` is "e" or "d"): positive.
pub fn check_exponent(name: &str, x: &BigInt) -> Result<BigUint> {
    match non_negative(name, x) {
        Ok(v) if v.bits() > 0 => Ok(v),
        _ => Err(Error::invalid(format!("{name} must be positive"))),
    }
}

fn check_random_padding(random_padding: Option<&[u8]>, need: usize) -> Result<()> {
    match random_padding {
        Some(p) if p.len() != need => Err(Error::invalid(format!(
            "random_padding must be {need} bytes, not {}",
            p.len()
        ))),
        _ => Ok(()),
    }
}

/// Checks `data` of the legacy scheme (at most 235 bytes).
pub fn check_legacy_data(data: &[u8]) -> Result<()> {
    if data.len() > 235 {
        return Err(Error::invalid(format!(
            "data must be at most 235 bytes, not {}",
            data.len()
        )));
    }
    Ok(())
}

/// Legacy handshake encryption: RSA(SHA1(data) | data | random padding to 255 bytes).
pub fn encrypt_legacy(
    data: &[u8],
    n: &BigInt,
    e: &BigInt,
    random_padding: Option<&[u8]>,
    rng: Rng<'_>,
) -> Result<[u8; 256]> {
    check_legacy_data(data)?;
    let n = check_modulus(n)?;
    let e = check_exponent("e", e)?;
    let need = 255 - 20 - data.len();
    check_random_padding(random_padding, need)?;
    let mut block = Vec::with_capacity(255);
    block.extend_from_slice(&Sha1::digest(data));
    block.extend_from_slice(data);
    match random_padding {
        Some(p) => block.extend_from_slice(p),
        None => {
            let start = block.len();
            block.resize(255, 0);
            rng(&mut block[start..]);
        }
    }
    // 255 bytes are always below a 2048-bit modulus.
    let c = powmod(&BigUint::from_bytes_be(&block), &e, &n);
    let mut out = [0u8; 256];
    out.copy_from_slice(&to_be_fixed(&c, 256));
    Ok(out)
}

/// Checks `data` of RSA_PAD (at most 144 bytes).
pub fn check_pad_data(data: &[u8]) -> Result<()> {
    if data.len() > 144 {
        return Err(Error::invalid(format!(
            "data must be at most 144 bytes, not {}",
            data.len()
        )));
    }
    Ok(())
}

/// Checks one explicit RSA_PAD temp_key (32 bytes).
pub fn check_temp_key(key: &[u8]) -> Result<()> {
    if key.len() != 32 {
        return Err(Error::invalid(format!(
            "temp_key must be 32 bytes, not {}",
            key.len()
        )));
    }
    Ok(())
}

/// One RSA_PAD attempt: key_aes_encrypted (256 bytes) for `temp_key`.
fn key_aes_encrypted(data_with_padding: &[u8; 192], temp_key: &[u8; 32]) -> [u8; 256] {
    let mut out = [0u8; 256];
    let (key_xor, aes) = out.split_at_mut(32);
    // data_with_hash = reversed(data_with_padding) | SHA256(temp_key | data_with_padding)
    for (dst, src) in aes[..192].iter_mut().zip(data_with_padding.iter().rev()) {
        *dst = *src;
    }
    let h = Sha256::new()
        .chain_update(temp_key)
        .chain_update(data_with_padding)
        .finalize();
    aes[192..].copy_from_slice(&h);
    Aes256Ige::new(temp_key).encrypt_in_place(&mut [0u8; 32], aes);
    let h = Sha256::digest(&*aes);
    for i in 0..32 {
        key_xor[i] = temp_key[i] ^ h[i];
    }
    out
}

/// RSA_PAD encryption. `temp_keys` are tried in order, then random ones, until
/// key_aes_encrypted is below n.
pub fn pad_encrypt(
    data: &[u8],
    n: &BigInt,
    e: &BigInt,
    random_padding: Option<&[u8]>,
    temp_keys: &[&[u8]],
    rng: Rng<'_>,
) -> Result<[u8; 256]> {
    check_pad_data(data)?;
    let n = check_modulus(n)?;
    let e = check_exponent("e", e)?;
    check_random_padding(random_padding, 192 - data.len())?;
    for key in temp_keys {
        check_temp_key(key)?;
    }
    let mut dwp = [0u8; 192];
    dwp[..data.len()].copy_from_slice(data);
    match random_padding {
        Some(p) => dwp[data.len()..].copy_from_slice(p),
        None => rng(&mut dwp[data.len()..]),
    }
    let mut given = temp_keys.iter();
    // n has its top bit set, so each random attempt succeeds with probability > 1/2.
    loop {
        let mut temp_key = [0u8; 32];
        match given.next() {
            Some(k) => temp_key.copy_from_slice(k),
            None => rng(&mut temp_key),
        }
        let kae = key_aes_encrypted(&dwp, &temp_key);
        let x = BigUint::from_bytes_be(&kae);
        if x < n {
            let mut out = [0u8; 256];
            out.copy_from_slice(&to_be_fixed(&powmod(&x, &e, &n), 256));
            return Ok(out);
        }
    }
}

/// Checks `encrypted` of the server-role decryption (256 bytes, an `RSASecurityError`).
pub fn check_encrypted_len(encrypted: &[u8]) -> Result<&[u8; 256]> {
    encrypted.try_into().map_err(|_| {
        rsa_err(format!(
            "encrypted data must be 256 bytes, not {}",
            encrypted.len()
        ))
    })
}

/// Raw RSA decryption: encrypted^d mod n as 256 bytes.
pub fn decrypt(encrypted: &[u8], n: &BigInt, d: &BigInt) -> Result<[u8; 256]> {
    let encrypted = check_encrypted_len(encrypted)?;
    let n = check_modulus(n)?;
    let d = check_exponent("d", d)?;
    let c = BigUint::from_bytes_be(encrypted);
    if c >= n {
        return Err(rsa_err("encrypted value is not below the modulus"));
    }
    let mut out = [0u8; 256];
    out.copy_from_slice(&to_be_fixed(&powmod(&c, &d, &n), 256));
    Ok(out)
}

/// Undoes RSA_PAD: returns the 192-byte data_with_padding.
pub fn pad_decrypt(encrypted: &[u8], n: &BigInt, d: &BigInt) -> Result<[u8; 192]> {
    let mut kae = decrypt(encrypted, n, d)?;
    let (key_xor, aes) = kae.split_at_mut(32);
    let h = Sha256::digest(&*aes);
    let temp_key: [u8; 32] = core::array::from_fn(|i| key_xor[i] ^ h[i]);
    Aes256Ige::new(&temp_key).decrypt_in_place(&mut [0u8; 32], aes);
    let mut dwp = [0u8; 192];
    for (dst, src) in dwp.iter_mut().zip(aes[..192].iter().rev()) {
        *dst = *src;
    }
    let h = Sha256::new()
        .chain_update(temp_key)
        .chain_update(dwp)
        .finalize();
    if !ct_eq(&h, &aes[192..]) {
        return Err(rsa_err("RSA_PAD hash mismatch"));
    }
    Ok(dwp)
}
