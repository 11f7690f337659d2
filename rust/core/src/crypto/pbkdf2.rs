//! PBKDF2-HMAC-SHA512 with a 64-byte output, as 2FA SRP uses it (100000 iterations).
//!
//! Each iteration is HMAC over the previous 64-byte output: after the key blocks are absorbed
//! once, that is one SHA-512 compression from the inner state and one from the outer state, on
//! a block whose last 8 words (padding and the 1536-bit length) never change. So this module
//! carries its own SHA-512 compression that takes the message as 8 words (no byte conversion)
//! with the constant words folded in, in three builds chosen at run time: portable Rust, the
//! same compiled for BMI2 (`rorx`), and scalar inline-asm rounds with an AVX-512VL message
//! schedule interleaved between them. The loop is one serial chain, so only compression
//! latency counts; the `sha2` crate's AVX2 path (built for throughput over many blocks) is
//! slower here.

use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha512};

const SHA512_IV: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];

const K: [u64; 80] = [
    0x428a2f98d728ae22,
    0x7137449123ef65cd,
    0xb5c0fbcfec4d3b2f,
    0xe9b5dba58189dbbc,
    0x3956c25bf348b538,
    0x59f111f1b605d019,
    0x923f82a4af194f9b,
    0xab1c5ed5da6d8118,
    0xd807aa98a3030242,
    0x12835b0145706fbe,
    0x243185be4ee4b28c,
    0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f,
    0x80deb1fe3b1696b1,
    0x9bdc06a725c71235,
    0xc19bf174cf692694,
    0xe49b69c19ef14ad2,
    0xefbe4786384f25e3,
    0x0fc19dc68b8cd5b5,
    0x240ca1cc77ac9c65,
    0x2de92c6f592b0275,
    0x4a7484aa6ea6e483,
    0x5cb0a9dcbd41fbd4,
    0x76f988da831153b5,
    0x983e5152ee66dfab,
    0xa831c66d2db43210,
    0xb00327c898fb213f,
    0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2,
    0xd5a79147930aa725,
    0x06ca6351e003826f,
    0x142929670a0e6e70,
    0x27b70a8546d22ffc,
    0x2e1b21385c26c926,
    0x4d2c6dfc5ac42aed,
    0x53380d139d95b3df,
    0x650a73548baf63de,
    0x766a0abb3c77b2a8,
    0x81c2c92e47edaee6,
    0x92722c851482353b,
    0xa2bfe8a14cf10364,
    0xa81a664bbc423001,
    0xc24b8b70d0f89791,
    0xc76c51a30654be30,
    0xd192e819d6ef5218,
    0xd69906245565a910,
    0xf40e35855771202a,
    0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8,
    0x1e376c085141ab53,
    0x2748774cdf8eeb99,
    0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63,
    0x4ed8aa4ae3418acb,
    0x5b9cca4f7763e373,
    0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc,
    0x78a5636f43172f60,
    0x84c87814a1f0ab72,
    0x8cc702081a6439ec,
    0x90befffa23631e28,
    0xa4506cebde82bde9,
    0xbef9a3f7b2c67915,
    0xc67178f2e372532b,
    0xca273eceea26619c,
    0xd186b8c721c0c207,
    0xeada7dd6cde0eb1e,
    0xf57d4f7fee6ed178,
    0x06f067aa72176fba,
    0x0a637dc5a2c898a6,
    0x113f9804bef90dae,
    0x1b710b35131c471b,
    0x28db77f523047d84,
    0x32caab7b40c72493,
    0x3c9ebe0a15c9bebc,
    0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6,
    0x597f299cfc657e2a,
    0x5fcb6fab3ad6faec,
    0x6c44198c4a475817,
];

#[inline(always)]
fn bsig0(x: u64) -> u64 {
    x.rotate_right(28) ^ x.rotate_right(34) ^ x.rotate_right(39)
}

#[inline(always)]
fn bsig1(x: u64) -> u64 {
    x.rotate_right(14) ^ x.rotate_right(18) ^ x.rotate_right(41)
}

/// The message words of the block `msg | 0x80 | 0.. | 1536` (a 64-byte message after one
/// 128-byte block): the last 8 words never change.
#[inline(always)]
fn block_words(msg: &[u64; 8]) -> [u64; 16] {
    let mut w = [0u64; 16];
    w[..8].copy_from_slice(msg);
    w[8] = 0x8000_0000_0000_0000;
    w[15] = 1536;
    w
}

/// `K[t] + W[t]` for all 80 rounds, scalar.
#[inline(always)]
fn schedule_scalar(msg: &[u64; 8]) -> [u64; 80] {
    let mut w = [0u64; 80];
    w[..16].copy_from_slice(&block_words(msg));
    for t in 16..80 {
        let s0 = w[t - 15].rotate_right(1) ^ w[t - 15].rotate_right(8) ^ (w[t - 15] >> 7);
        let s1 = w[t - 2].rotate_right(19) ^ w[t - 2].rotate_right(61) ^ (w[t - 2] >> 6);
        w[t] = w[t - 16]
            .wrapping_add(s0)
            .wrapping_add(w[t - 7])
            .wrapping_add(s1);
    }
    core::array::from_fn(|t| w[t].wrapping_add(K[t]))
}

/// Two new message-schedule words `W[t], W[t+1]` in an SSE register, from the 16-word window
/// held as eight pairs: `x16` = W[t-16..t-14], `x14` = W[t-14..t-12], `x8` = W[t-8..t-6],
/// `x6` = W[t-6..t-4], `x2` = W[t-2..t]. AVX-512VL rotates and three-way xors (`vprorq`,
/// `vpternlogq`) in inline asm, because those intrinsics need a newer Rust than the workspace's
/// minimum.
///
/// # Safety
/// The CPU must support AVX-512F and AVX-512VL.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn schedule_pair(
    x16: core::arch::x86_64::__m128i,
    x14: core::arch::x86_64::__m128i,
    x8: core::arch::x86_64::__m128i,
    x6: core::arch::x86_64::__m128i,
    x2: core::arch::x86_64::__m128i,
) -> core::arch::x86_64::__m128i {
    let out;
    // SAFETY: register-only AVX-512VL arithmetic; the caller guarantees the CPU supports it.
    unsafe {
        core::arch::asm!(
            "vpalignr {a}, {x14}, {x16}, 8",
            "vprorq {b}, {a}, 1",
            "vprorq {c}, {a}, 8",
            "vpsrlq {a}, {a}, 7",
            "vpternlogq {a}, {b}, {c}, 0x96",
            "vpalignr {b}, {x6}, {x8}, 8",
            "vpaddq {a}, {a}, {b}",
            "vpaddq {a}, {a}, {x16}",
            "vprorq {b}, {x2}, 19",
            "vprorq {c}, {x2}, 61",
            "vpsrlq {d}, {x2}, 6",
            "vpternlogq {d}, {b}, {c}, 0x96",
            "vpaddq {a}, {a}, {d}",
            x16 = in(xmm_reg) x16,
            x14 = in(xmm_reg) x14,
            x8 = in(xmm_reg) x8,
            x6 = in(xmm_reg) x6,
            x2 = in(xmm_reg) x2,
            a = out(xmm_reg) out,
            b = out(xmm_reg) _,
            c = out(xmm_reg) _,
            d = out(xmm_reg) _,
            options(pure, nomem, nostack),
        );
    }
    out
}

/// One SHA-512 compression of `msg | 0x80 | 0.. | 1536` from `state`, for CPUs with BMI1/2
/// and AVX-512VL: scalar rounds in inline asm, with the message schedule computed in vector
/// registers two words at a time *between* the rounds that precede their use. `first` is
/// [`first_round`] of `state`; `kw` is scratch for `K[t] + W[t]` (vector stores, scalar loads).
///
/// Why interleaved: computing all 80 schedule words first puts a ~500-uop dependent chain in
/// front of the rounds, which fills the out-of-order window and starves them; spread through
/// the rounds, the schedule runs on the vector ports while the rounds run, and the
/// compression gets about a quarter faster on Sapphire Rapids.
///
/// # Safety
/// The CPU must support BMI1, BMI2, AVX-512F and AVX-512VL.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
#[allow(unused_assignments)] // the last round's `a ^ b` is not used
unsafe fn compress_tail64_avx512(
    state: &[u64; 8],
    first: &[u64; 2],
    msg: &[u64; 8],
    kw: &mut [u64; 80],
) -> [u64; 8] {
    use core::arch::x86_64::{__m128i, _mm_add_epi64, _mm_loadu_si128, _mm_storeu_si128};
    let words = block_words(msg);
    // SAFETY (loads): every slice passed has at least two words.
    let load = |p: &[u64]| unsafe { _mm_loadu_si128(p.as_ptr().cast()) };
    let mut x: [__m128i; 8] = core::array::from_fn(|j| load(&words[2 * j..]));
    for (j, xj) in x.iter().enumerate() {
        // SAFETY: SSE2 is baseline; the store writes kw[2j..2j+2], in bounds.
        unsafe {
            _mm_storeu_si128(
                kw[2 * j..].as_mut_ptr().cast(),
                _mm_add_epi64(*xj, load(&K[2 * j..])),
            )
        };
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    // `p` is b ^ c on entry to a round, `q` receives a ^ b (the next round's b ^ c).
    let mut p = b ^ c;
    let mut q: u64;
    // One round with the new `e` written to `d` and the new `a` to `h` (the caller renames).
    // Both dependency chains are four operations long: e' = (d + h + kw + Ch) + Sigma1(e),
    // Ch = (e & f) + (!e & g) (disjoint bits, so + works); a' = ((e' + (b & c) - d) +
    // (a & (b ^ c))) + Sigma0(a), using Maj(a, b, c) = (a & (b ^ c)) + (b & c) and
    // T1 = e' - d.
    macro_rules! round {
        ($a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $g:ident, $h:ident,
         $t:expr, $bc:ident, $ab:ident) => {
            // SAFETY: register arithmetic plus one aligned 8-byte read of kw[$t] (in bounds,
            // $t < 80); BMI1/BMI2 (`andn`, `rorx`) are guaranteed by the caller.
            unsafe {
                core::arch::asm!(
                    "add {h}, qword ptr [{kw} + {off}]",
                    "mov {t1}, {b}",
                    "and {t1}, {c}",
                    "sub {t1}, {d}",
                    "add {d}, {h}",
                    "andn {t2}, {e}, {g}",
                    "add {d}, {t2}",
                    "mov {t2}, {f}",
                    "and {t2}, {e}",
                    "add {d}, {t2}",
                    "rorx {h}, {e}, 14",
                    "rorx {t2}, {e}, 18",
                    "xor {h}, {t2}",
                    "rorx {t2}, {e}, 41",
                    "xor {h}, {t2}",
                    "add {d}, {h}",
                    "add {t1}, {d}",
                    "mov {q}, {a}",
                    "xor {q}, {b}",
                    "and {p}, {a}",
                    "add {t1}, {p}",
                    "rorx {h}, {a}, 28",
                    "rorx {t2}, {a}, 34",
                    "xor {h}, {t2}",
                    "rorx {t2}, {a}, 39",
                    "xor {h}, {t2}",
                    "add {h}, {t1}",
                    a = in(reg) $a,
                    b = in(reg) $b,
                    c = in(reg) $c,
                    d = inout(reg) $d,
                    e = in(reg) $e,
                    f = in(reg) $f,
                    g = in(reg) $g,
                    h = inout(reg) $h,
                    p = inout(reg) $bc => _,
                    q = out(reg) $ab,
                    t1 = out(reg) _,
                    t2 = out(reg) _,
                    kw = in(reg) kw.as_ptr(),
                    off = const 8 * ($t),
                    options(pure, readonly, nostack),
                );
            }
        };
    }
    // Schedule pair `j` of the next group: W[16(g+1) + 2j ..] from pairs j, j+1, j+4, j+5,
    // j+7 of the window (j+7 is the pair computed just before).
    macro_rules! sched {
        ($g:expr, $j:expr) => {
            if $g < 4 {
                // SAFETY: AVX-512F/VL are guaranteed by the caller.
                x[$j] = unsafe {
                    schedule_pair(
                        x[$j],
                        x[($j + 1) % 8],
                        x[($j + 4) % 8],
                        x[($j + 5) % 8],
                        x[($j + 7) % 8],
                    )
                };
                let t = 16 * ($g + 1) + 2 * $j;
                // SAFETY: as above; t + 2 <= 80.
                unsafe {
                    _mm_storeu_si128(
                        kw[t..].as_mut_ptr().cast(),
                        _mm_add_epi64(x[$j], load(&K[t..])),
                    )
                };
            }
        };
    }
    macro_rules! group {
        ($g:expr) => {
            if $g == 0 {
                // Round 0 from a fixed state is two additions of W[0].
                h = first[0].wrapping_add(msg[0]);
                d = first[1].wrapping_add(msg[0]);
                q = a ^ b;
            } else {
                round!(a, b, c, d, e, f, g, h, 16 * $g, p, q);
            }
            round!(h, a, b, c, d, e, f, g, 16 * $g + 1, q, p);
            sched!($g, 0);
            round!(g, h, a, b, c, d, e, f, 16 * $g + 2, p, q);
            round!(f, g, h, a, b, c, d, e, 16 * $g + 3, q, p);
            sched!($g, 1);
            round!(e, f, g, h, a, b, c, d, 16 * $g + 4, p, q);
            round!(d, e, f, g, h, a, b, c, 16 * $g + 5, q, p);
            sched!($g, 2);
            round!(c, d, e, f, g, h, a, b, 16 * $g + 6, p, q);
            round!(b, c, d, e, f, g, h, a, 16 * $g + 7, q, p);
            sched!($g, 3);
            round!(a, b, c, d, e, f, g, h, 16 * $g + 8, p, q);
            round!(h, a, b, c, d, e, f, g, 16 * $g + 9, q, p);
            sched!($g, 4);
            round!(g, h, a, b, c, d, e, f, 16 * $g + 10, p, q);
            round!(f, g, h, a, b, c, d, e, 16 * $g + 11, q, p);
            sched!($g, 5);
            round!(e, f, g, h, a, b, c, d, 16 * $g + 12, p, q);
            round!(d, e, f, g, h, a, b, c, 16 * $g + 13, q, p);
            sched!($g, 6);
            round!(c, d, e, f, g, h, a, b, 16 * $g + 14, p, q);
            round!(b, c, d, e, f, g, h, a, 16 * $g + 15, q, p);
            sched!($g, 7);
        };
    }
    group!(0);
    group!(1);
    group!(2);
    group!(3);
    group!(4);
    let add = [a, b, c, d, e, f, g, h];
    core::array::from_fn(|i| state[i].wrapping_add(add[i]))
}

/// The 80 rounds of one SHA-512 compression from `state`, given `K[t] + W[t]`.
///
/// Rounds are unrolled 16 at a time with the working variables renamed instead of moved.
#[inline(always)]
fn rounds(state: &[u64; 8], kw: &[u64; 80]) -> [u64; 8] {
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    // Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)), and this round's b ^ c is the previous round's
    // a ^ b: one operation fewer per round. `p` and `q` alternate as (b ^ c, a ^ b).
    let mut p = b ^ c;
    let mut q;
    macro_rules! round {
        ($a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $g:ident, $h:ident,
         $kw:expr, $bc:ident, $ab:ident) => {
            $ab = $a ^ $b;
            let hk = $h.wrapping_add($kw);
            let ch = $g ^ ($e & ($f ^ $g));
            let s1 = bsig1($e);
            let s0m = bsig0($a).wrapping_add($b ^ ($ab & $bc));
            $d = $d.wrapping_add(hk).wrapping_add(ch).wrapping_add(s1);
            $h = hk.wrapping_add(ch).wrapping_add(s0m).wrapping_add(s1);
        };
    }
    macro_rules! group {
        ($group:expr) => {
            let k = &kw[16 * $group..16 * $group + 16];
            round!(a, b, c, d, e, f, g, h, k[0], p, q);
            round!(h, a, b, c, d, e, f, g, k[1], q, p);
            round!(g, h, a, b, c, d, e, f, k[2], p, q);
            round!(f, g, h, a, b, c, d, e, k[3], q, p);
            round!(e, f, g, h, a, b, c, d, k[4], p, q);
            round!(d, e, f, g, h, a, b, c, k[5], q, p);
            round!(c, d, e, f, g, h, a, b, k[6], p, q);
            round!(b, c, d, e, f, g, h, a, k[7], q, p);
            round!(a, b, c, d, e, f, g, h, k[8], p, q);
            round!(h, a, b, c, d, e, f, g, k[9], q, p);
            round!(g, h, a, b, c, d, e, f, k[10], p, q);
            round!(f, g, h, a, b, c, d, e, k[11], q, p);
            round!(e, f, g, h, a, b, c, d, k[12], p, q);
            round!(d, e, f, g, h, a, b, c, k[13], q, p);
            round!(c, d, e, f, g, h, a, b, k[14], p, q);
            round!(b, c, d, e, f, g, h, a, k[15], q, p);
        };
    }
    group!(0);
    group!(1);
    group!(2);
    group!(3);
    group!(4);
    let add = [a, b, c, d, e, f, g, h];
    core::array::from_fn(|i| state[i].wrapping_add(add[i]))
}

/// One SHA-512 compression of `msg | 0x80 | 0.. | 1536` from `state` (portable).
#[inline(always)]
fn compress_tail64(state: &[u64; 8], msg: &[u64; 8]) -> [u64; 8] {
    rounds(state, &schedule_scalar(msg))
}

/// The iteration loop: returns U_1 ^ ... ^ U_n given U_1 (`u`) and the HMAC states, with
/// `compress` as the compression of a 64-byte message.
#[inline(always)]
fn iterate_with(
    inner: &[u64; 8],
    outer: &[u64; 8],
    mut u: [u64; 8],
    iterations: u32,
    mut compress: impl FnMut(&[u64; 8], &[u64; 8]) -> [u64; 8],
) -> [u64; 8] {
    let mut acc = u;
    for _ in 1..iterations {
        let inner_hash = compress(inner, &u);
        u = compress(outer, &inner_hash);
        for (a, w) in acc.iter_mut().zip(&u) {
            *a ^= w;
        }
    }
    acc
}

/// [`iterate_with`] over the portable compression.
fn iterate_portable(inner: &[u64; 8], outer: &[u64; 8], u: [u64; 8], iterations: u32) -> [u64; 8] {
    iterate_with(inner, outer, u, iterations, compress_tail64)
}

/// The portable loop compiled for BMI2 (three-operand `rorx` rotates), for x86-64 CPUs
/// without AVX-512.
///
/// # Safety
/// The CPU must support BMI2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "bmi2")]
unsafe fn iterate_bmi2(
    inner: &[u64; 8],
    outer: &[u64; 8],
    u: [u64; 8],
    iterations: u32,
) -> [u64; 8] {
    iterate_with(inner, outer, u, iterations, compress_tail64)
}

/// Round 0 of a compression from `state`, less `W[0]`: the new `a` and `e` are these plus
/// `W[0]`. The HMAC states are fixed for the whole loop, so this is computed once per state.
#[cfg(target_arch = "x86_64")]
fn first_round(state: &[u64; 8]) -> [u64; 2] {
    let [a, b, c, d, e, f, g, h] = *state;
    let t1 = h
        .wrapping_add(bsig1(e))
        .wrapping_add((e & f) ^ (!e & g))
        .wrapping_add(K[0]);
    let t2 = bsig0(a).wrapping_add((a & b) ^ (a & c) ^ (b & c));
    [t1.wrapping_add(t2), d.wrapping_add(t1)]
}

/// The loop over [`compress_tail64_avx512`].
///
/// # Safety
/// The CPU must support BMI1, BMI2, AVX-512F and AVX-512VL.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "bmi1,bmi2,avx512f,avx512vl")]
unsafe fn iterate_avx512(
    inner: &[u64; 8],
    outer: &[u64; 8],
    mut u: [u64; 8],
    iterations: u32,
) -> [u64; 8] {
    let (inner_first, outer_first) = (first_round(inner), first_round(outer));
    let mut kw = [0u64; 80];
    let mut acc = u;
    for _ in 1..iterations {
        // SAFETY: the caller guarantees the features `compress_tail64_avx512` needs.
        unsafe {
            let inner_hash = compress_tail64_avx512(inner, &inner_first, &u, &mut kw);
            u = compress_tail64_avx512(outer, &outer_first, &inner_hash, &mut kw);
        }
        for (a, w) in acc.iter_mut().zip(&u) {
            *a ^= w;
        }
    }
    acc
}

/// The iteration loops, fastest first (feature detection is cached by std).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    #[cfg(target_arch = "x86_64")]
    Avx512,
    #[cfg(target_arch = "x86_64")]
    Bmi2,
    Portable,
}

impl Backend {
    /// The fastest loop this CPU supports.
    fn best() -> Backend {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("bmi1")
                && std::is_x86_feature_detected!("bmi2")
                && std::is_x86_feature_detected!("avx512f")
                && std::is_x86_feature_detected!("avx512vl")
            {
                return Backend::Avx512;
            }
            if std::is_x86_feature_detected!("bmi2") {
                return Backend::Bmi2;
            }
        }
        Backend::Portable
    }

    /// Runs the loop. `self` must be [`Backend::best`] or a slower one.
    fn iterate(self, inner: &[u64; 8], outer: &[u64; 8], u: [u64; 8], iterations: u32) -> [u64; 8] {
        match self {
            // SAFETY: `best` returns these only after detecting their features, and each
            // needs a subset of the features of the ones before it.
            #[cfg(target_arch = "x86_64")]
            Backend::Avx512 => unsafe { iterate_avx512(inner, outer, u, iterations) },
            #[cfg(target_arch = "x86_64")]
            Backend::Bmi2 => unsafe { iterate_bmi2(inner, outer, u, iterations) },
            Backend::Portable => iterate_portable(inner, outer, u, iterations),
        }
    }
}

/// Runs the fastest loop the CPU supports.
fn iterate_dispatch(inner: &[u64; 8], outer: &[u64; 8], u: [u64; 8], iterations: u32) -> [u64; 8] {
    Backend::best().iterate(inner, outer, u, iterations)
}

fn compress_block(state: &mut [u64; 8], block: &[u8; 128]) {
    sha2::compress512(
        state,
        core::slice::from_ref(GenericArray::from_slice(block)),
    );
}

/// Hashes `data` from `state` that has already absorbed `prefix_len` bytes and returns the
/// final state (SHA-512 finalization by hand; used once per call, for U_1).
fn finish_from(mut state: [u64; 8], prefix_len: u128, data: &[u8]) -> [u64; 8] {
    let mut chunks = data.chunks_exact(128);
    for c in &mut chunks {
        compress_block(&mut state, c.try_into().unwrap_or(&[0; 128]));
    }
    let rem = chunks.remainder();
    let bits = (prefix_len + data.len() as u128) * 8;
    let mut block = [0u8; 256];
    block[..rem.len()].copy_from_slice(rem);
    block[rem.len()] = 0x80;
    let total = if rem.len() < 112 { 128 } else { 256 };
    block[total - 16..total].copy_from_slice(&bits.to_be_bytes());
    for c in block[..total].chunks_exact(128) {
        compress_block(&mut state, c.try_into().unwrap_or(&[0; 128]));
    }
    state
}

/// PBKDF2-HMAC-SHA512 with one 64-byte output block.
pub fn pbkdf2_hmac_sha512(password: &[u8], salt: &[u8], iterations: u32) -> [u8; 64] {
    // HMAC key block: the password, or its hash when longer than the block.
    let mut key = [0u8; 128];
    if password.len() > 128 {
        key[..64].copy_from_slice(&Sha512::digest(password));
    } else {
        key[..password.len()].copy_from_slice(password);
    }
    let mut inner = SHA512_IV;
    let mut outer = SHA512_IV;
    compress_block(&mut inner, &key.map(|b| b ^ 0x36));
    compress_block(&mut outer, &key.map(|b| b ^ 0x5c));
    // U_1 = HMAC(password, salt | INT(1))
    let mut msg = Vec::with_capacity(salt.len() + 4);
    msg.extend_from_slice(salt);
    msg.extend_from_slice(&1u32.to_be_bytes());
    let u1 = compress_tail64(&outer, &finish_from(inner, 128, &msg));
    let acc = iterate_dispatch(&inner, &outer, u1, iterations.max(1));
    let mut out = [0u8; 64];
    for (chunk, w) in out.chunks_exact_mut(8).zip(&acc) {
        chunk.copy_from_slice(&w.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Sha512;

    fn hmac(key: &[u8], msg: &[u8]) -> [u8; 64] {
        let mut k = [0u8; 128];
        if key.len() > 128 {
            k[..64].copy_from_slice(&Sha512::digest(key));
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        let inner = Sha512::new()
            .chain_update(k.map(|b| b ^ 0x36))
            .chain_update(msg)
            .finalize();
        Sha512::new()
            .chain_update(k.map(|b| b ^ 0x5c))
            .chain_update(inner)
            .finalize()
            .into()
    }

    /// The hand-rolled loop against a plain HMAC-SHA512 loop, over key and salt lengths around
    /// the block boundaries; plus a published known answer.
    #[test]
    fn matches_reference() {
        for (pw, salt, iters) in [
            (&b"password"[..], &b"salt"[..], 1u32),
            (b"password", b"salt", 3),
            (&[7u8; 200][..], &[1u8; 130][..], 5),
            (b"", b"", 2),
            (&[9u8; 128][..], &[2u8; 108][..], 4),
            (&[9u8; 129][..], &[2u8; 124][..], 4),
        ] {
            let mut m = salt.to_vec();
            m.extend_from_slice(&1u32.to_be_bytes());
            let mut u = hmac(pw, &m);
            let mut acc = u;
            for _ in 1..iters {
                u = hmac(pw, &u);
                for (a, b) in acc.iter_mut().zip(&u) {
                    *a ^= b;
                }
            }
            assert_eq!(pbkdf2_hmac_sha512(pw, salt, iters), acc);
        }
        // PBKDF2-HMAC-SHA512("password", "salt", 1), first 8 bytes (RFC 6070 style vector).
        let out = pbkdf2_hmac_sha512(b"password", b"salt", 1);
        assert_eq!(out[..8], [0x86, 0x7f, 0x70, 0xcf, 0x1a, 0xde, 0x02, 0xcf]);
    }

    /// Every loop this CPU can run agrees with the portable one.
    #[test]
    fn backends_agree() {
        let inner = [1u64, 2, 3, 4, 5, 6, 7, 8];
        let outer = [9u64, 10, 11, 12, 13, 14, 15, 16];
        let u = [0xdead_beefu64; 8];
        let want = iterate_portable(&inner, &outer, u, 50);
        let best = Backend::best();
        let mut ran = 0;
        for backend in [
            #[cfg(target_arch = "x86_64")]
            Backend::Avx512,
            #[cfg(target_arch = "x86_64")]
            Backend::Bmi2,
            Backend::Portable,
        ] {
            // Only `best` and the loops after it (in declaration order) are safe to run.
            if ran > 0 || backend == best {
                assert_eq!(backend.iterate(&inner, &outer, u, 50), want, "{backend:?}");
                ran += 1;
            }
        }
        assert!(ran >= 1);
    }

    /// The specialized compressions against `sha2`'s on the padded block, from random states
    /// and messages.
    #[test]
    fn compression_matches_sha2() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..200 {
            let state: [u64; 8] = core::array::from_fn(|_| next());
            let msg: [u64; 8] = core::array::from_fn(|_| next());
            let mut block = [0u8; 128];
            for (chunk, w) in block.chunks_exact_mut(8).zip(block_words(&msg)) {
                chunk.copy_from_slice(&w.to_be_bytes());
            }
            let mut want = state;
            compress_block(&mut want, &block);
            assert_eq!(compress_tail64(&state, &msg), want);
            #[cfg(target_arch = "x86_64")]
            if Backend::best() == Backend::Avx512 {
                let mut kw = [0u64; 80];
                let first = first_round(&state);
                // SAFETY: `best` detected every feature the function needs.
                let got = unsafe { compress_tail64_avx512(&state, &first, &msg, &mut kw) };
                assert_eq!(got, want);
            }
        }
    }
}
