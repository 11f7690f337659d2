//! AES-IGE (Infinite Garble Extension) as Telegram and OpenSSL's `AES_ige_encrypt` use it.
//!
//! The 32-byte IV is (previous ciphertext block, previous plaintext block), and
//! `c_i = E(p_i ^ c_{i-1}) ^ p_{i-1}`. No padding: lengths are whole blocks.
//!
//! On x86-64 with AES-NI the chain runs on hand-scheduled intrinsics (see `aesni.rs`);
//! elsewhere, or when asked with [`Aes256Ige::new_portable`], it runs on the RustCrypto `aes`
//! block cipher.

use aes::cipher::consts::U16;
use aes::cipher::{generic_array::GenericArray, BlockDecrypt, BlockEncrypt, KeyInit};

use crate::error::{Error, Result};

/// Size of an AES block.
pub const BLOCK: usize = 16;

/// An AES-256 key ready for IGE in both directions.
#[derive(Clone)]
pub struct Aes256Ige {
    imp: Imp,
}

// The AES-NI keys stay inline (no allocation per message on the hot path); only the rare
// portable key is boxed.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Imp {
    #[cfg(target_arch = "x86_64")]
    Ni(super::aesni::Keys),
    // Boxed: the `aes` crate's key carries both of its own backends (960 bytes).
    Portable(Box<aes::Aes256>),
}

impl Aes256Ige {
    /// Expands `key`, using AES-NI when the CPU has it.
    pub fn new(key: &[u8; 32]) -> Self {
        #[cfg(target_arch = "x86_64")]
        if super::aesni::available() {
            // SAFETY: AES-NI and SSE2 were detected at run time just above.
            return Self {
                imp: Imp::Ni(unsafe { super::aesni::Keys::new(key) }),
            };
        }
        Self::new_portable(key)
    }

    /// Expands `key` for the portable path (RustCrypto `aes`), whatever the CPU has.
    pub fn new_portable(key: &[u8; 32]) -> Self {
        Self {
            imp: Imp::Portable(Box::new(aes::Aes256::new(GenericArray::from_slice(key)))),
        }
    }

    /// True when this key runs on the AES-NI path.
    pub fn is_accelerated(&self) -> bool {
        !matches!(self.imp, Imp::Portable(_))
    }

    /// Encrypts `buf` in place and leaves in `iv` the state that continues the stream.
    ///
    /// # Panics
    /// If `buf.len()` is not a multiple of 16.
    pub fn encrypt_in_place(&self, iv: &mut [u8; 32], buf: &mut [u8]) {
        self.run::<false>(iv, None, buf);
    }

    /// Decrypts `buf` in place; see [`Aes256Ige::encrypt_in_place`].
    ///
    /// # Panics
    /// If `buf.len()` is not a multiple of 16.
    pub fn decrypt_in_place(&self, iv: &mut [u8; 32], buf: &mut [u8]) {
        self.run::<true>(iv, None, buf);
    }

    /// Encrypts `input` into `out` (no intermediate copy).
    ///
    /// # Panics
    /// If the lengths differ or are not a multiple of 16.
    pub fn encrypt(&self, iv: &mut [u8; 32], input: &[u8], out: &mut [u8]) {
        self.run::<false>(iv, Some(input), out);
    }

    /// Decrypts `input` into `out`; see [`Aes256Ige::encrypt`].
    ///
    /// # Panics
    /// If the lengths differ or are not a multiple of 16.
    pub fn decrypt(&self, iv: &mut [u8; 32], input: &[u8], out: &mut [u8]) {
        self.run::<true>(iv, Some(input), out);
    }

    fn run<const DEC: bool>(&self, iv: &mut [u8; 32], input: Option<&[u8]>, out: &mut [u8]) {
        assert!(out.len() % BLOCK == 0, "IGE needs whole 16-byte blocks");
        if let Some(input) = input {
            assert_eq!(
                input.len(),
                out.len(),
                "IGE input and output lengths differ"
            );
        }
        match &self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Ni(keys) => {
                let dst = out.as_mut_ptr();
                let src = input.map_or(dst.cast_const(), <[u8]>::as_ptr);
                // SAFETY: `Ni` keys exist only after AES-NI was detected; `src` and `dst` are
                // valid for `out.len()` bytes (checked above), and are either the same buffer or
                // two distinct borrows, which cannot overlap.
                unsafe { super::aesni::ige::<DEC>(keys, iv, src, dst, out.len() / BLOCK) }
            }
            Imp::Portable(cipher) => {
                if let Some(input) = input {
                    out.copy_from_slice(input);
                }
                if DEC {
                    ige_decrypt_with(cipher.as_ref(), iv, out);
                } else {
                    ige_encrypt_with(cipher.as_ref(), iv, out);
                }
            }
        }
    }
}

fn xor16(a: &[u8; 16], b: &[u8; 16]) -> [u8; 16] {
    core::array::from_fn(|i| a[i] ^ b[i])
}

/// Portable IGE encryption in place over any 128-bit block cipher (AES-128 and AES-256 alike).
///
/// # Panics
/// If `buf.len()` is not a multiple of 16.
pub fn ige_encrypt_with<C: BlockEncrypt<BlockSize = U16>>(
    cipher: &C,
    iv: &mut [u8; 32],
    buf: &mut [u8],
) {
    assert!(buf.len() % BLOCK == 0, "IGE needs whole 16-byte blocks");
    let (mut c_prev, mut p_prev) = split_iv(iv);
    for chunk in buf.chunks_exact_mut(BLOCK) {
        let p: [u8; 16] = chunk.try_into().unwrap_or([0; 16]);
        let mut block = GenericArray::from(xor16(&p, &c_prev));
        cipher.encrypt_block(&mut block);
        let c = xor16(&block.into(), &p_prev);
        chunk.copy_from_slice(&c);
        (c_prev, p_prev) = (c, p);
    }
    join_iv(iv, &c_prev, &p_prev);
}

/// Portable IGE decryption in place; the inverse of [`ige_encrypt_with`].
///
/// # Panics
/// If `buf.len()` is not a multiple of 16.
pub fn ige_decrypt_with<C: BlockDecrypt<BlockSize = U16>>(
    cipher: &C,
    iv: &mut [u8; 32],
    buf: &mut [u8],
) {
    assert!(buf.len() % BLOCK == 0, "IGE needs whole 16-byte blocks");
    let (mut c_prev, mut p_prev) = split_iv(iv);
    for chunk in buf.chunks_exact_mut(BLOCK) {
        let c: [u8; 16] = chunk.try_into().unwrap_or([0; 16]);
        let mut block = GenericArray::from(xor16(&c, &p_prev));
        cipher.decrypt_block(&mut block);
        let p = xor16(&block.into(), &c_prev);
        chunk.copy_from_slice(&p);
        (c_prev, p_prev) = (c, p);
    }
    join_iv(iv, &c_prev, &p_prev);
}

fn split_iv(iv: &[u8; 32]) -> ([u8; 16], [u8; 16]) {
    let mut a = [0u8; 16];
    let mut b = [0u8; 16];
    a.copy_from_slice(&iv[..16]);
    b.copy_from_slice(&iv[16..]);
    (a, b)
}

fn join_iv(iv: &mut [u8; 32], c: &[u8; 16], p: &[u8; 16]) {
    iv[..16].copy_from_slice(c);
    iv[16..].copy_from_slice(p);
}

/// Checks the length of the `data` argument: a positive multiple of 16.
pub fn check_data_len(data_len: usize) -> Result<()> {
    if data_len == 0 || data_len % BLOCK != 0 {
        return Err(Error::invalid(format!(
            "data length must be a positive multiple of 16, not {data_len}"
        )));
    }
    Ok(())
}

/// Checks the arguments of `ige256_encrypt`/`ige256_decrypt` in the documented order.
pub fn check_args(data_len: usize, key_len: usize, iv_len: usize) -> Result<()> {
    check_data_len(data_len)?;
    if key_len != 32 {
        return Err(Error::invalid(format!(
            "key must be 32 bytes, not {key_len}"
        )));
    }
    if iv_len != 32 {
        return Err(Error::invalid(format!("iv must be 32 bytes, not {iv_len}")));
    }
    Ok(())
}

/// Checked AES-256-IGE encryption of `data` into `out` (`out.len() == data.len()`).
pub fn ige256_encrypt_into(data: &[u8], key: &[u8], iv: &[u8], out: &mut [u8]) -> Result<()> {
    check_args(data.len(), key.len(), iv.len())?;
    if out.len() != data.len() {
        return Err(Error::invalid("output buffer has the wrong length"));
    }
    let mut iv: [u8; 32] = *super::fixed::<32>("iv", iv)?;
    Aes256Ige::new(super::fixed("key", key)?).encrypt(&mut iv, data, out);
    Ok(())
}

/// Checked AES-256-IGE decryption of `data` into `out` (`out.len() == data.len()`).
pub fn ige256_decrypt_into(data: &[u8], key: &[u8], iv: &[u8], out: &mut [u8]) -> Result<()> {
    check_args(data.len(), key.len(), iv.len())?;
    if out.len() != data.len() {
        return Err(Error::invalid("output buffer has the wrong length"));
    }
    let mut iv: [u8; 32] = *super::fixed::<32>("iv", iv)?;
    Aes256Ige::new(super::fixed("key", key)?).decrypt(&mut iv, data, out);
    Ok(())
}

/// AES-256-IGE encryption returning a new vector.
pub fn ige256_encrypt(data: &[u8], key: &[u8], iv: &[u8]) -> Result<Vec<u8>> {
    check_args(data.len(), key.len(), iv.len())?;
    let mut out = vec![0u8; data.len()];
    ige256_encrypt_into(data, key, iv, &mut out)?;
    Ok(out)
}

/// AES-256-IGE decryption returning a new vector.
pub fn ige256_decrypt(data: &[u8], key: &[u8], iv: &[u8]) -> Result<Vec<u8>> {
    check_args(data.len(), key.len(), iv.len())?;
    let mut out = vec![0u8; data.len()];
    ige256_decrypt_into(data, key, iv, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// FIPS-197 appendix C.3: AES-256 known answer for the raw block cipher, on both paths
    /// (IGE with a zero IV over one block is the bare block cipher).
    #[test]
    fn fips197_c3() {
        let key: [u8; 32] = h("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
            .try_into()
            .unwrap();
        let pt = h("00112233445566778899aabbccddeeff");
        let ct = h("8ea2b7ca516745bfeafc49904b496089");
        for ige in [Aes256Ige::new(&key), Aes256Ige::new_portable(&key)] {
            let mut buf = pt.clone();
            ige.encrypt_in_place(&mut [0; 32], &mut buf);
            assert_eq!(buf, ct);
            ige.decrypt_in_place(&mut [0; 32], &mut buf);
            assert_eq!(buf, pt);
        }
    }

    #[test]
    fn accelerated_matches_portable_and_streams() {
        let key = [7u8; 32];
        let iv0: [u8; 32] = core::array::from_fn(|i| i as u8);
        let data: Vec<u8> = (0..16 * 37).map(|i| (i * 31 % 251) as u8).collect();
        let fast = Aes256Ige::new(&key);
        let slow = Aes256Ige::new_portable(&key);
        let (mut a, mut b) = (vec![0; data.len()], data.clone());
        fast.encrypt(&mut iv0.clone(), &data, &mut a);
        slow.encrypt_in_place(&mut iv0.clone(), &mut b);
        assert_eq!(a, b);
        // Two chunks with the carried IV give the same as one call.
        let mut iv = iv0;
        let mut c = data.clone();
        let (x, y) = c.split_at_mut(16 * 5);
        fast.encrypt_in_place(&mut iv, x);
        fast.encrypt_in_place(&mut iv, y);
        assert_eq!(c, a);
        let mut d = vec![0; data.len()];
        fast.decrypt(&mut iv0.clone(), &a, &mut d);
        assert_eq!(d, data);
        slow.decrypt_in_place(&mut iv0.clone(), &mut a);
        assert_eq!(a, data);
    }

    #[test]
    fn errors_in_order() {
        let e = ige256_encrypt(&[0; 15], &[0; 3], &[0; 3]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "data length must be a positive multiple of 16, not 15"
        );
        let e = ige256_encrypt(&[], &[0; 32], &[0; 32]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "data length must be a positive multiple of 16, not 0"
        );
        let e = ige256_decrypt(&[0; 16], &[0; 31], &[0; 3]).unwrap_err();
        assert_eq!(e.to_string(), "key must be 32 bytes, not 31");
        let e = ige256_decrypt(&[0; 16], &[0; 32], &[0; 3]).unwrap_err();
        assert_eq!(e.to_string(), "iv must be 32 bytes, not 3");
    }
}
