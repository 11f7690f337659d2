//! AES-256-IGE on x86-64 AES-NI, written for the latency of one block chain.
//!
//! IGE is serial: block i needs the output of block i-1, so only the length of that
//! dependency chain matters. Two tricks keep it at exactly the 14 AES instructions per block,
//! like CBC:
//!
//! * `aesenclast(s, k) = SubBytes(ShiftRows(s)) ^ k` is linear in `k`, so the IGE output xor
//!   with the previous "other" block (`^ p_{i-1}` when encrypting) is folded into the last round
//!   key: `aesenclast(s, k14 ^ p_{i-1})`.
//! * The input of the next block, `c_i ^ p_{i+1} ^ k0`, is then `aesenclast(s, k14 ^ p_{i-1} ^
//!   p_{i+1} ^ k0)`: a second `aesenclast` of the same state with a key computed off the chain.
//!   So the chain goes straight from the 13th round of one block into the 1st of the next.
//!
//! Decryption is the same shape with `aesdec`/`aesdeclast` and the inverse key schedule.

#![cfg(target_arch = "x86_64")]

use core::arch::x86_64::*;

/// Expanded AES-256 round keys for both directions.
#[derive(Clone)]
pub(crate) struct Keys {
    enc: [__m128i; 15],
    dec: [__m128i; 15],
}

/// True when the CPU has AES-NI (checked by std once and cached).
pub(crate) fn available() -> bool {
    std::is_x86_feature_detected!("aes") && std::is_x86_feature_detected!("sse2")
}

impl Keys {
    /// Expands `key`.
    ///
    /// # Safety
    /// The CPU must support AES-NI and SSE2 ([`available`] returned true).
    #[target_feature(enable = "aes,sse2")]
    pub(crate) unsafe fn new(key: &[u8; 32]) -> Self {
        // SAFETY: `key` is 32 readable bytes; unaligned loads have no alignment requirement.
        let (mut t1, mut t3) = unsafe {
            (
                _mm_loadu_si128(key.as_ptr().cast()),
                _mm_loadu_si128(key.as_ptr().add(16).cast()),
            )
        };
        let mut enc = [_mm_setzero_si128(); 15];
        enc[0] = t1;
        enc[1] = t3;
        macro_rules! step {
            ($i:expr, $rcon:expr) => {
                t1 = expand_a(t1, _mm_aeskeygenassist_si128::<$rcon>(t3));
                enc[$i] = t1;
            };
            ($i:expr, $rcon:expr, both) => {
                step!($i, $rcon);
                t3 = expand_b(t1, t3);
                enc[$i + 1] = t3;
            };
        }
        step!(2, 0x01, both);
        step!(4, 0x02, both);
        step!(6, 0x04, both);
        step!(8, 0x08, both);
        step!(10, 0x10, both);
        step!(12, 0x20, both);
        step!(14, 0x40);
        // Equivalent inverse cipher: reversed keys, InvMixColumns on the middle ones.
        let mut dec = [_mm_setzero_si128(); 15];
        dec[0] = enc[14];
        for i in 1..14 {
            dec[i] = _mm_aesimc_si128(enc[14 - i]);
        }
        dec[14] = enc[0];
        Keys { enc, dec }
    }

    /// The 15 encryption round keys (what CTR needs).
    pub(crate) fn enc(&self) -> &[__m128i; 15] {
        &self.enc
    }
}

/// First half of an AES-256 key expansion step (words 0..3 of a new 8-word group).
#[inline(always)]
fn shift_xor(mut t: __m128i) -> __m128i {
    // SAFETY: SSE2 is part of the x86-64 baseline.
    unsafe {
        let mut u = _mm_slli_si128::<4>(t);
        t = _mm_xor_si128(t, u);
        u = _mm_slli_si128::<4>(u);
        t = _mm_xor_si128(t, u);
        u = _mm_slli_si128::<4>(u);
        _mm_xor_si128(t, u)
    }
}

#[inline(always)]
fn expand_a(t1: __m128i, assist: __m128i) -> __m128i {
    // SAFETY: SSE2 is part of the x86-64 baseline.
    unsafe { _mm_xor_si128(shift_xor(t1), _mm_shuffle_epi32::<0xff>(assist)) }
}

/// Second half (words 4..7): SubWord without rotation, hence `aeskeygenassist(.., 0)` and 0xaa.
#[target_feature(enable = "aes,sse2")]
fn expand_b(t1: __m128i, t3: __m128i) -> __m128i {
    let assist = _mm_shuffle_epi32::<0xaa>(_mm_aeskeygenassist_si128::<0>(t1));
    _mm_xor_si128(shift_xor(t3), assist)
}

/// Runs IGE over `nblocks` 16-byte blocks from `src` to `dst` and leaves in `iv` the state that
/// continues the stream (last ciphertext block, last plaintext block).
///
/// # Safety
/// AES-NI must be available; `src` and `dst` must each be valid for `16 * nblocks` bytes and
/// either identical or non-overlapping (each block is read before the previous one is written).
#[target_feature(enable = "aes,sse2")]
pub(crate) unsafe fn ige<const DEC: bool>(
    keys: &Keys,
    iv: &mut [u8; 32],
    src: *const u8,
    dst: *mut u8,
    nblocks: usize,
) {
    if nblocks == 0 {
        return;
    }
    let k = if DEC { &keys.dec } else { &keys.enc };
    // Round keys in locals so LLVM keeps them in registers (or folds them as memory operands).
    let (k0, k1, k2, k3, k4, k5, k6, k7) = (k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]);
    let (k8, k9, k10, k11, k12, k13, k14) = (k[8], k[9], k[10], k[11], k[12], k[13], k[14]);
    macro_rules! rounds {
        ($s:ident) => {
            if DEC {
                $s = _mm_aesdec_si128($s, k1);
                $s = _mm_aesdec_si128($s, k2);
                $s = _mm_aesdec_si128($s, k3);
                $s = _mm_aesdec_si128($s, k4);
                $s = _mm_aesdec_si128($s, k5);
                $s = _mm_aesdec_si128($s, k6);
                $s = _mm_aesdec_si128($s, k7);
                $s = _mm_aesdec_si128($s, k8);
                $s = _mm_aesdec_si128($s, k9);
                $s = _mm_aesdec_si128($s, k10);
                $s = _mm_aesdec_si128($s, k11);
                $s = _mm_aesdec_si128($s, k12);
                $s = _mm_aesdec_si128($s, k13);
            } else {
                $s = _mm_aesenc_si128($s, k1);
                $s = _mm_aesenc_si128($s, k2);
                $s = _mm_aesenc_si128($s, k3);
                $s = _mm_aesenc_si128($s, k4);
                $s = _mm_aesenc_si128($s, k5);
                $s = _mm_aesenc_si128($s, k6);
                $s = _mm_aesenc_si128($s, k7);
                $s = _mm_aesenc_si128($s, k8);
                $s = _mm_aesenc_si128($s, k9);
                $s = _mm_aesenc_si128($s, k10);
                $s = _mm_aesenc_si128($s, k11);
                $s = _mm_aesenc_si128($s, k12);
                $s = _mm_aesenc_si128($s, k13);
            }
        };
    }
    macro_rules! last {
        ($s:expr, $k:expr) => {
            if DEC {
                _mm_aesdeclast_si128($s, $k)
            } else {
                _mm_aesenclast_si128($s, $k)
            }
        };
    }
    // Generic IGE: out_i = F(in_i ^ x) ^ y, then x = out_i, y = in_i. Encrypting, x is the
    // previous ciphertext (iv[..16]) and y the previous plaintext (iv[16..]); decrypting, the
    // other way round.
    // SAFETY (all loads/stores below): the caller guarantees 16 * nblocks valid bytes at
    // `src` and `dst`; unaligned intrinsics have no alignment requirement.
    let (iv_c, iv_p) = unsafe {
        (
            _mm_loadu_si128(iv.as_ptr().cast()),
            _mm_loadu_si128(iv.as_ptr().add(16).cast()),
        )
    };
    let (x0, mut y) = if DEC { (iv_p, iv_c) } else { (iv_c, iv_p) };
    let mut inb = unsafe { _mm_loadu_si128(src.cast()) };
    let mut s = _mm_xor_si128(inb, _mm_xor_si128(x0, k0));
    for i in 1..nblocks {
        rounds!(s);
        let next = unsafe { _mm_loadu_si128(src.add(16 * i).cast()) };
        let k_out = _mm_xor_si128(k14, y);
        let k_next = _mm_xor_si128(k_out, _mm_xor_si128(next, k0));
        let out = last!(s, k_out);
        s = last!(s, k_next);
        unsafe { _mm_storeu_si128(dst.add(16 * (i - 1)).cast(), out) };
        y = inb;
        inb = next;
    }
    rounds!(s);
    let out = last!(s, _mm_xor_si128(k14, y));
    unsafe { _mm_storeu_si128(dst.add(16 * (nblocks - 1)).cast(), out) };
    let (c_last, p_last) = if DEC { (inb, out) } else { (out, inb) };
    // SAFETY: `iv` is 32 writable bytes.
    unsafe {
        _mm_storeu_si128(iv.as_mut_ptr().cast(), c_last);
        _mm_storeu_si128(iv.as_mut_ptr().add(16).cast(), p_last);
    }
}
