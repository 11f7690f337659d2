//! AES-256-CTR as a stateful stream cipher, as obfuscated2 uses it (and OpenSSL, tgcrypto).
//!
//! The 16-byte IV is the first counter block, a 128-bit big-endian integer incremented by one
//! per block (carrying through all 16 bytes, wrapping at 2^128). The keystream continues
//! across calls, partial blocks included: the unused bytes of the last keystream block are
//! kept for the next call, so any split of a stream gives the same bytes as one call.
//!
//! Unlike IGE, CTR blocks are independent: on x86-64 with AES-NI eight counter blocks go
//! through the rounds together (`aesenc` has a latency of several cycles but a throughput of
//! one or two per cycle, so eight independent chains fill the pipeline). Elsewhere, or when
//! asked with [`Aes256Ctr::new_portable`], the RustCrypto `aes` block cipher encrypts batches
//! of counter blocks.

use aes::cipher::{generic_array::GenericArray, BlockEncrypt, KeyInit};

use crate::error::Result;

/// Size of an AES block.
pub const BLOCK: usize = 16;

/// Counter blocks the portable path encrypts per batch.
const PORTABLE_BATCH: usize = 32;

/// A running AES-256-CTR stream: [`Aes256Ctr::apply_keystream`] both encrypts and decrypts.
#[derive(Clone)]
pub struct Aes256Ctr {
    imp: Imp,
    /// The counter block of the next keystream block to generate.
    counter: u128,
    /// The last keystream block generated; bytes `used..16` are not consumed yet.
    keystream: [u8; BLOCK],
    used: usize,
}

// The AES-NI keys stay inline; only the rare portable key is boxed (as in `ige`).
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Imp {
    #[cfg(target_arch = "x86_64")]
    Ni(super::aesni::Keys),
    // Boxed: the `aes` crate's key carries both of its own backends (960 bytes).
    Portable(Box<aes::Aes256>),
}

impl Aes256Ctr {
    /// A stream with `key` starting at counter block `iv`, using AES-NI when the CPU has it.
    pub fn new(key: &[u8; 32], iv: &[u8; 16]) -> Self {
        #[cfg(target_arch = "x86_64")]
        if ni::available() {
            // SAFETY: AES-NI, SSE2 and SSSE3 were detected at run time just above.
            let keys = unsafe { super::aesni::Keys::new(key) };
            return Self::with(Imp::Ni(keys), iv);
        }
        Self::new_portable(key, iv)
    }

    /// A stream on the portable path (RustCrypto `aes`), whatever the CPU has.
    pub fn new_portable(key: &[u8; 32], iv: &[u8; 16]) -> Self {
        let cipher = aes::Aes256::new(GenericArray::from_slice(key));
        Self::with(Imp::Portable(Box::new(cipher)), iv)
    }

    /// The checked constructor of `AesCtr256(key, iv)`: `InvalidInputError`
    /// `"key must be 32 bytes, not {n}"`, then `"iv must be 16 bytes, not {n}"`.
    pub fn from_slices(key: &[u8], iv: &[u8]) -> Result<Self> {
        let key = super::fixed::<32>("key", key)?;
        let iv = super::fixed::<16>("iv", iv)?;
        Ok(Self::new(key, iv))
    }

    fn with(imp: Imp, iv: &[u8; 16]) -> Self {
        Self {
            imp,
            counter: u128::from_be_bytes(*iv),
            keystream: [0; BLOCK],
            used: BLOCK,
        }
    }

    /// True when this stream runs on the AES-NI path.
    pub fn is_accelerated(&self) -> bool {
        !matches!(self.imp, Imp::Portable(_))
    }

    /// XORs the next `buf.len()` keystream bytes into `buf` (encrypts or decrypts in place).
    pub fn apply_keystream(&mut self, buf: &mut [u8]) {
        self.process(None, buf);
    }

    /// Writes `input` XOR the next `input.len()` keystream bytes into `out`, with no
    /// intermediate copy.
    ///
    /// # Panics
    /// If `input` and `out` have different lengths.
    pub fn apply_keystream_to(&mut self, input: &[u8], out: &mut [u8]) {
        assert_eq!(
            input.len(),
            out.len(),
            "CTR input and output lengths differ"
        );
        self.process(Some(input), out);
    }

    fn process(&mut self, input: Option<&[u8]>, out: &mut [u8]) {
        let n = out.len();
        // 1. What is left of the current keystream block.
        let head = n.min(BLOCK - self.used);
        for i in 0..head {
            let x = input.map_or(out[i], |s| s[i]);
            out[i] = x ^ self.keystream[self.used + i];
        }
        self.used += head;
        // 2. Whole blocks.
        let mid = head + (n - head) / BLOCK * BLOCK;
        self.blocks(input.map(|s| &s[head..mid]), &mut out[head..mid]);
        // 3. A partial last block: its unused keystream bytes are kept for the next call.
        if mid < n {
            self.keystream = self.keystream_block();
            for i in mid..n {
                let x = input.map_or(out[i], |s| s[i]);
                out[i] = x ^ self.keystream[i - mid];
            }
            self.used = n - mid;
        }
    }

    /// The keystream block of the current counter, which it then advances.
    fn keystream_block(&mut self) -> [u8; BLOCK] {
        let mut block = [0u8; BLOCK];
        self.blocks(None, &mut block);
        block
    }

    /// XORs whole keystream blocks into `out` (from `input` when given) and advances the
    /// counter by their number.
    fn blocks(&mut self, input: Option<&[u8]>, out: &mut [u8]) {
        debug_assert!(out.len() % BLOCK == 0);
        let nblocks = out.len() / BLOCK;
        if nblocks == 0 {
            return;
        }
        match &self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Ni(keys) => {
                let dst = out.as_mut_ptr();
                let src = input.map_or(dst.cast_const(), <[u8]>::as_ptr);
                // SAFETY: `Ni` keys exist only after AES-NI and SSSE3 were detected; `src` and
                // `dst` are valid for `out.len()` bytes (`input`, when given, has the length of
                // `out`), and are the same buffer or two distinct borrows, which cannot overlap.
                unsafe { ni::ctr_blocks(keys, self.counter, src, dst, nblocks) }
            }
            Imp::Portable(cipher) => {
                if let Some(input) = input {
                    out.copy_from_slice(input);
                }
                portable_blocks(cipher, self.counter, out);
            }
        }
        // Wrapping at 2^128, as a 16-byte counter does.
        self.counter = self.counter.wrapping_add(nblocks as u128);
    }
}

/// XORs the keystream from counter block `counter` into `buf` (whole blocks), in batches of
/// [`PORTABLE_BATCH`] counter blocks encrypted together.
fn portable_blocks(cipher: &aes::Aes256, mut counter: u128, buf: &mut [u8]) {
    let mut ks = [GenericArray::default(); PORTABLE_BATCH];
    for chunk in buf.chunks_mut(BLOCK * PORTABLE_BATCH) {
        let nb = chunk.len() / BLOCK;
        for block in &mut ks[..nb] {
            *block = GenericArray::from(counter.to_be_bytes());
            counter = counter.wrapping_add(1);
        }
        cipher.encrypt_blocks(&mut ks[..nb]);
        for (data, block) in chunk.chunks_exact_mut(BLOCK).zip(&ks[..nb]) {
            for (d, k) in data.iter_mut().zip(block.iter()) {
                *d ^= k;
            }
        }
    }
}

/// The AES-NI kernel: eight counter blocks through the rounds at a time.
#[cfg(target_arch = "x86_64")]
mod ni {
    use core::arch::x86_64::*;

    use super::super::aesni::{self, Keys};
    use super::BLOCK;

    /// True when the CPU has what [`ctr_blocks`] needs: AES-NI, SSE2 and SSSE3 (`pshufb`
    /// turns the counter into big-endian bytes). Checked by std once and cached.
    pub(super) fn available() -> bool {
        aesni::available() && std::is_x86_feature_detected!("ssse3")
    }

    /// The counter block of `c` (big-endian bytes) as a vector.
    #[inline(always)]
    fn counter_block(c: u128, bswap: __m128i) -> __m128i {
        // SAFETY: SSE2 is part of the x86-64 baseline; callers enable SSSE3 for the shuffle.
        unsafe {
            let le = _mm_set_epi64x((c >> 64) as u64 as i64, c as u64 as i64);
            _mm_shuffle_epi8(le, bswap)
        }
    }

    /// XORs `nblocks` keystream blocks, counter blocks `counter`, `counter + 1`, ..., from
    /// `src` into `dst`.
    ///
    /// # Safety
    /// AES-NI, SSE2 and SSSE3 must be available ([`available`]); `src` and `dst` must each be
    /// valid for `16 * nblocks` bytes and either identical or non-overlapping (each block is
    /// read before it is written, and only that block is written).
    #[target_feature(enable = "aes,sse2,ssse3")]
    pub(super) unsafe fn ctr_blocks(
        keys: &Keys,
        counter: u128,
        src: *const u8,
        dst: *mut u8,
        nblocks: usize,
    ) {
        let k = keys.enc();
        let (k0, k1, k2, k3, k4, k5, k6, k7) = (k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]);
        let (k8, k9, k10, k11, k12, k13, k14) = (k[8], k[9], k[10], k[11], k[12], k[13], k[14]);
        // Reverses the 16 bytes: a little-endian u128 in a register -> big-endian bytes.
        let bswap = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        let mut c = counter;
        let mut done = 0;
        // SAFETY (all loads/stores below): blocks `done..done + 8` (or `done`) are below
        // `nblocks`, so every access is inside the `16 * nblocks` valid bytes of `src`/`dst`;
        // unaligned intrinsics have no alignment requirement.
        while nblocks - done >= 8 {
            let mut b0 = counter_block(c, bswap);
            let mut b1 = counter_block(c.wrapping_add(1), bswap);
            let mut b2 = counter_block(c.wrapping_add(2), bswap);
            let mut b3 = counter_block(c.wrapping_add(3), bswap);
            let mut b4 = counter_block(c.wrapping_add(4), bswap);
            let mut b5 = counter_block(c.wrapping_add(5), bswap);
            let mut b6 = counter_block(c.wrapping_add(6), bswap);
            let mut b7 = counter_block(c.wrapping_add(7), bswap);
            macro_rules! all {
                ($op:ident, $k:expr) => {
                    b0 = $op(b0, $k);
                    b1 = $op(b1, $k);
                    b2 = $op(b2, $k);
                    b3 = $op(b3, $k);
                    b4 = $op(b4, $k);
                    b5 = $op(b5, $k);
                    b6 = $op(b6, $k);
                    b7 = $op(b7, $k);
                };
            }
            all!(_mm_xor_si128, k0);
            all!(_mm_aesenc_si128, k1);
            all!(_mm_aesenc_si128, k2);
            all!(_mm_aesenc_si128, k3);
            all!(_mm_aesenc_si128, k4);
            all!(_mm_aesenc_si128, k5);
            all!(_mm_aesenc_si128, k6);
            all!(_mm_aesenc_si128, k7);
            all!(_mm_aesenc_si128, k8);
            all!(_mm_aesenc_si128, k9);
            all!(_mm_aesenc_si128, k10);
            all!(_mm_aesenc_si128, k11);
            all!(_mm_aesenc_si128, k12);
            all!(_mm_aesenc_si128, k13);
            all!(_mm_aesenclast_si128, k14);
            let ks = [b0, b1, b2, b3, b4, b5, b6, b7];
            for (i, key_block) in ks.into_iter().enumerate() {
                let off = BLOCK * (done + i);
                unsafe {
                    let p = _mm_loadu_si128(src.add(off).cast());
                    _mm_storeu_si128(dst.add(off).cast(), _mm_xor_si128(p, key_block));
                }
            }
            c = c.wrapping_add(8);
            done += 8;
        }
        while done < nblocks {
            let mut b = _mm_xor_si128(counter_block(c, bswap), k0);
            b = _mm_aesenc_si128(b, k1);
            b = _mm_aesenc_si128(b, k2);
            b = _mm_aesenc_si128(b, k3);
            b = _mm_aesenc_si128(b, k4);
            b = _mm_aesenc_si128(b, k5);
            b = _mm_aesenc_si128(b, k6);
            b = _mm_aesenc_si128(b, k7);
            b = _mm_aesenc_si128(b, k8);
            b = _mm_aesenc_si128(b, k9);
            b = _mm_aesenc_si128(b, k10);
            b = _mm_aesenc_si128(b, k11);
            b = _mm_aesenc_si128(b, k12);
            b = _mm_aesenc_si128(b, k13);
            b = _mm_aesenclast_si128(b, k14);
            let off = BLOCK * done;
            unsafe {
                let p = _mm_loadu_si128(src.add(off).cast());
                _mm_storeu_si128(dst.add(off).cast(), _mm_xor_si128(p, b));
            }
            c = c.wrapping_add(1);
            done += 1;
        }
    }
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

    const NIST_KEY: &str = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
    const NIST_CTR: &str = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    const NIST_PT: &str = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51\
                           30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
    const NIST_CT: &str = "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5\
                           2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6";

    fn both(key: &[u8; 32], iv: &[u8; 16]) -> [Aes256Ctr; 2] {
        let fast = Aes256Ctr::new(key, iv);
        let slow = Aes256Ctr::new_portable(key, iv);
        assert!(!slow.is_accelerated());
        [fast, slow]
    }

    /// NIST SP 800-38A F.5.5 (CTR-AES256.Encrypt), and F.5.6 (decrypt: the same operation),
    /// on both paths, one-shot and byte by byte.
    #[test]
    fn nist_sp800_38a_f55() {
        let key: [u8; 32] = h(NIST_KEY).try_into().unwrap();
        let iv: [u8; 16] = h(NIST_CTR).try_into().unwrap();
        let (pt, ct) = (h(NIST_PT), h(NIST_CT));
        for mut ctr in both(&key, &iv) {
            let mut buf = pt.clone();
            ctr.apply_keystream(&mut buf);
            assert_eq!(buf, ct);
        }
        for mut ctr in both(&key, &iv) {
            let mut out = Vec::new();
            for b in &ct {
                let mut one = [0u8];
                ctr.apply_keystream_to(&[*b], &mut one);
                out.push(one[0]);
            }
            assert_eq!(out, pt);
        }
    }

    #[test]
    fn accelerated_matches_portable_across_splits() {
        let key: [u8; 32] = core::array::from_fn(|i| (i * 7 + 1) as u8);
        let iv: [u8; 16] = core::array::from_fn(|i| (200 + i) as u8);
        let data: Vec<u8> = (0..16 * 41 + 5).map(|i| (i * 31 % 251) as u8).collect();
        let mut expect = data.clone();
        Aes256Ctr::new_portable(&key, &iv).apply_keystream(&mut expect);
        for split in [0usize, 1, 15, 16, 17, 100, 128, 129, 16 * 41] {
            for mut ctr in both(&key, &iv) {
                let mut out = vec![0u8; data.len()];
                let (a, b) = out.split_at_mut(split);
                ctr.apply_keystream_to(&data[..split], a);
                ctr.apply_keystream_to(&data[split..], b);
                assert_eq!(out, expect, "split {split}");
            }
        }
    }

    /// The counter carries through all 16 bytes and wraps at 2^128, on both paths, also
    /// inside an 8-block batch.
    #[test]
    fn counter_carries_and_wraps() {
        let key = [9u8; 32];
        let data = vec![0u8; 16 * 20];
        for start in [u64::MAX as u128 - 3, u128::MAX - 2] {
            let iv = start.to_be_bytes();
            let mut fast = Aes256Ctr::new(&key, &iv);
            let mut slow = Aes256Ctr::new_portable(&key, &iv);
            let (mut a, mut b) = (data.clone(), data.clone());
            fast.apply_keystream(&mut a);
            slow.apply_keystream(&mut b);
            assert_eq!(a, b);
            // Block i of the keystream is the block cipher on counter start + i.
            for (i, block) in b.chunks(16).enumerate() {
                let c = start.wrapping_add(i as u128).to_be_bytes();
                let mut one = GenericArray::from(c);
                aes::Aes256::new(GenericArray::from_slice(&key)).encrypt_block(&mut one);
                assert_eq!(block, one.as_slice(), "block {i} from {start:#x}");
            }
        }
    }

    #[test]
    fn checked_constructor_errors_in_order() {
        let e = Aes256Ctr::from_slices(&[0; 31], &[0; 3]).err().unwrap();
        assert_eq!(e.to_string(), "key must be 32 bytes, not 31");
        let e = Aes256Ctr::from_slices(&[0; 32], &[0; 32]).err().unwrap();
        assert_eq!(e.to_string(), "iv must be 16 bytes, not 32");
        assert!(Aes256Ctr::from_slices(&[0; 32], &[0; 16]).is_ok());
    }
}
