//! Modular exponentiation: Montgomery multiplication on 64-bit limbs for odd moduli (every
//! modulus MTProto uses: DH and SRP primes, RSA moduli), `num-bigint` for even ones.
//!
//! Why not `num_bigint::BigUint::modpow`: it allocates per step and has no dedicated squaring;
//! 2048-bit exponentiation is the cost of every DH, SRP and RSA step, so it gets its own loop.
//! The window is fixed (not sliding) and every window multiplies, even by the table's 1, so
//! the sequence of operations does not depend on the exponent's bits (table reads still do).

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{One, Zero};

use crate::error::{Error, Result};

/// `-m^-1 mod 2^64` for odd `m0` (Newton iteration doubles the correct bits each step).
fn neg_inv64(m0: u64) -> u64 {
    let mut inv = m0; // correct to 3 bits for odd m0
    for _ in 0..6 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(m0.wrapping_mul(inv)));
    }
    inv.wrapping_neg()
}

/// `t[..n] += a[..n] * b`, returning the carry out of the top limb (portable version).
#[inline(always)]
fn mul_add_row_portable(t: &mut [u64], a: &[u64], b: u64, n: usize) -> u64 {
    let (t, a) = (&mut t[..n], &a[..n]);
    let mut c = 0u64;
    for j in 0..n {
        let s = u128::from(a[j]) * u128::from(b) + u128::from(t[j]) + u128::from(c);
        t[j] = s as u64;
        c = (s >> 64) as u64;
    }
    c
}

/// `t[..n] += a[..n] * b` with `mulx` and two independent carry chains (`adox` adds the old
/// limb, `adcx` the previous high half), as GMP's and OpenSSL's x86-64 code do. Flag-free
/// loop control (`lea`, `jrcxz`) keeps both chains alive across iterations.
///
/// # Safety
/// The CPU must support BMI2 and ADX; `t` and `a` must hold at least `n` limbs.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn mul_add_row_adx(t: &mut [u64], a: &[u64], b: u64, n: usize) -> u64 {
    debug_assert!(t.len() >= n && a.len() >= n);
    let carry: u64;
    // SAFETY: the caller guarantees BMI2/ADX and `n` readable limbs of `a` and writable limbs
    // of `t`; the asm touches exactly a[..n] and t[..n] and clobbers only the declared
    // registers and flags.
    unsafe {
        core::arch::asm!(
            "xor {z:e}, {z:e}",
            "mov {h0}, {z}",
            "jrcxz 4f",
            "2:",
            "mulx {h1}, {lo}, qword ptr [{a}]",
            "adox {lo}, qword ptr [{t}]",
            "adcx {lo}, {h0}",
            "mov qword ptr [{t}], {lo}",
            "mulx {h0}, {lo}, qword ptr [{a} + 8]",
            "adox {lo}, qword ptr [{t} + 8]",
            "adcx {lo}, {h1}",
            "mov qword ptr [{t} + 8], {lo}",
            "mulx {h1}, {lo}, qword ptr [{a} + 16]",
            "adox {lo}, qword ptr [{t} + 16]",
            "adcx {lo}, {h0}",
            "mov qword ptr [{t} + 16], {lo}",
            "mulx {h0}, {lo}, qword ptr [{a} + 24]",
            "adox {lo}, qword ptr [{t} + 24]",
            "adcx {lo}, {h1}",
            "mov qword ptr [{t} + 24], {lo}",
            "lea {a}, [{a} + 32]",
            "lea {t}, [{t} + 32]",
            "lea rcx, [rcx - 1]",
            "jrcxz 4f",
            "jmp 2b",
            "4:",
            "mov rcx, {rem}",
            "jrcxz 6f",
            "5:",
            "mulx {h1}, {lo}, qword ptr [{a}]",
            "adox {lo}, qword ptr [{t}]",
            "adcx {lo}, {h0}",
            "mov qword ptr [{t}], {lo}",
            "mov {h0}, {h1}",
            "lea {a}, [{a} + 8]",
            "lea {t}, [{t} + 8]",
            "lea rcx, [rcx - 1]",
            "jrcxz 6f",
            "jmp 5b",
            "6:",
            "adox {h0}, {z}",
            "adcx {h0}, {z}",
            in("rdx") b,
            inout("rcx") n / 4 => _,
            rem = in(reg) n % 4,
            a = inout(reg) a.as_ptr() => _,
            t = inout(reg) t.as_mut_ptr() => _,
            lo = out(reg) _,
            h0 = out(reg) carry,
            h1 = out(reg) _,
            z = out(reg) _,
            options(nostack),
        );
    }
    carry
}

/// `t[..n] += a[..n] * b`, returning the carry; `ADX` selects the `mulx`/`adcx`/`adox` row.
#[inline(always)]
fn mul_add_row<const ADX: bool>(t: &mut [u64], a: &[u64], b: u64, n: usize) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if ADX {
        assert!(t.len() >= n && a.len() >= n);
        // SAFETY: `ADX` is only true after BMI2 and ADX were detected (see `powmod`); the
        // lengths were just checked.
        return unsafe { mul_add_row_adx(t, a, b, n) };
    }
    mul_add_row_portable(t, a, b, n)
}

fn has_adx() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("bmi2") && std::is_x86_feature_detected!("adx")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Montgomery reduction of the `2n`-limb `t` into `out`: `out = t / R mod m`, `out < m`.
#[inline(always)]
fn redc<const ADX: bool>(t: &mut [u64], m: &[u64], minv: u64, n: usize, out: &mut [u64]) {
    let t = &mut t[..2 * n];
    let mut top = 0u64;
    for i in 0..n {
        let u = t[i].wrapping_mul(minv);
        let c = mul_add_row::<ADX>(&mut t[i..], m, u, n);
        let s = u128::from(t[i + n]) + u128::from(c) + u128::from(top);
        t[i + n] = s as u64;
        top = (s >> 64) as u64;
    }
    // The result is below 2m: subtract m once, keeping the difference unless it borrowed
    // (and no carry out), selected with a mask instead of a branch.
    let (hi, m, out) = (&t[n..2 * n], &m[..n], &mut out[..n]);
    let mut borrow = 0u64;
    for j in 0..n {
        let (d, b1) = hi[j].overflowing_sub(m[j]);
        let (d, b2) = d.overflowing_sub(borrow);
        out[j] = d;
        borrow = u64::from(b1 | b2);
    }
    // keep `hi` when the subtraction borrowed and there was no top carry
    let keep_hi = (borrow & !top & 1).wrapping_neg();
    for j in 0..n {
        out[j] = (hi[j] & keep_hi) | (out[j] & !keep_hi);
    }
}

/// `out = a * b / R mod m`. `t` is scratch of at least `2n` limbs.
#[inline(always)]
fn mont_mul<const ADX: bool>(
    out: &mut [u64],
    a: &[u64],
    b: &[u64],
    m: &[u64],
    minv: u64,
    n: usize,
    t: &mut [u64],
) {
    let t = &mut t[..2 * n];
    t.fill(0);
    for i in 0..n {
        let c = mul_add_row::<ADX>(&mut t[i..], a, b[i], n);
        t[i + n] = c;
    }
    redc::<ADX>(t, m, minv, n, out);
}

/// `out = a^2 / R mod m`: each cross product once, doubled, plus the squares.
#[inline(always)]
fn mont_sqr<const ADX: bool>(
    out: &mut [u64],
    a: &[u64],
    m: &[u64],
    minv: u64,
    n: usize,
    t: &mut [u64],
) {
    let (t, a) = (&mut t[..2 * n], &a[..n]);
    t.fill(0);
    for i in 0..n {
        let len = n - i - 1;
        if len > 0 {
            let c = mul_add_row::<ADX>(&mut t[2 * i + 1..], &a[i + 1..], a[i], len);
            t[i + n] = c;
        }
    }
    let mut shift_in = 0u64;
    let mut c = 0u64;
    for i in 0..n {
        let sq = u128::from(a[i]) * u128::from(a[i]);
        let (lo, hi) = (t[2 * i], t[2 * i + 1]);
        let lo2 = (lo << 1) | shift_in;
        let hi2 = (hi << 1) | (lo >> 63);
        shift_in = hi >> 63;
        let s = u128::from(lo2) + u128::from(sq as u64) + u128::from(c);
        t[2 * i] = s as u64;
        let s2 = u128::from(hi2) + (sq >> 64) + (s >> 64);
        t[2 * i + 1] = s2 as u64;
        c = (s2 >> 64) as u64;
    }
    redc::<ADX>(t, m, minv, n, out);
}

fn limbs(x: &BigUint, n: usize) -> Vec<u64> {
    let mut v = x.to_u64_digits();
    v.resize(n, 0);
    v
}

fn window_bits(exp_bits: u64) -> usize {
    match exp_bits {
        0..=24 => 1,
        25..=80 => 3,
        81..=240 => 4,
        241..=1024 => 5,
        _ => 6,
    }
}

/// Montgomery exponentiation. `FIXED` is the limb count when known at compile time (so the
/// inner loops unroll), or 0 to take it from `m`.
#[inline(always)]
fn mont_pow<const FIXED: usize, const ADX: bool>(
    m: &[u64],
    base: &[u64],
    r2: &[u64],
    exp: &[u64],
) -> Vec<u64> {
    let n = if FIXED > 0 { FIXED } else { m.len() };
    let minv = neg_inv64(m[0]);
    let bits = exp.len() as u64 * 64 - exp.last().map_or(64, |l| u64::from(l.leading_zeros()));
    let w = window_bits(bits);
    let mut t = vec![0u64; 2 * n];
    // table[k] = base^k in Montgomery form; table[0] = R mod m.
    let size = 1usize << w;
    let mut table = vec![0u64; size * n];
    {
        let mut one = vec![0u64; n];
        one[0] = 1;
        let (t0, rest) = table.split_at_mut(n);
        mont_mul::<ADX>(t0, &one, r2, m, minv, n, &mut t); // R mod m
        mont_mul::<ADX>(&mut rest[..n], base, r2, m, minv, n, &mut t);
        for k in 2..size {
            let (done, next) = table.split_at_mut(k * n);
            mont_mul::<ADX>(
                &mut next[..n],
                &done[(k - 1) * n..],
                &done[n..2 * n],
                m,
                minv,
                n,
                &mut t,
            );
        }
    }
    let bit = |i: u64| -> usize {
        let limb = (i / 64) as usize;
        usize::from(limb < exp.len() && (exp[limb] >> (i % 64)) & 1 == 1)
    };
    let windows = bits.div_ceil(w as u64);
    let mut acc = table[..n].to_vec();
    let mut tmp = vec![0u64; n];
    for wi in (0..windows).rev() {
        if wi + 1 != windows {
            for _ in 0..w {
                mont_sqr::<ADX>(&mut tmp, &acc, m, minv, n, &mut t);
                core::mem::swap(&mut acc, &mut tmp);
            }
        }
        let mut idx = 0usize;
        for b in (0..w as u64).rev() {
            idx = (idx << 1) | bit(wi * w as u64 + b);
        }
        mont_mul::<ADX>(
            &mut tmp,
            &acc,
            &table[idx * n..(idx + 1) * n],
            m,
            minv,
            n,
            &mut t,
        );
        core::mem::swap(&mut acc, &mut tmp);
    }
    // Leave Montgomery form: multiply by plain 1.
    let mut one = vec![0u64; n];
    one[0] = 1;
    mont_mul::<ADX>(&mut tmp, &acc, &one, m, minv, n, &mut t);
    tmp
}

/// `base^exp mod m` for `m >= 1`.
pub fn powmod(base: &BigUint, exp: &BigUint, m: &BigUint) -> BigUint {
    if m.is_one() {
        return BigUint::zero();
    }
    if m.is_zero() {
        // Not reachable through the checked API; keep it total instead of dividing by zero.
        return BigUint::zero();
    }
    if !m.bit(0) {
        return base.modpow(exp, m);
    }
    if exp.is_zero() {
        return BigUint::one();
    }
    let ml = m.to_u64_digits();
    let n = ml.len();
    let r2 = (BigUint::one() << (128 * n)) % m;
    let b = limbs(&(base % m), n);
    let r2 = limbs(&r2, n);
    let e = exp.to_u64_digits();
    let out = match (n, has_adx()) {
        (32, true) => mont_pow::<32, true>(&ml, &b, &r2, &e),
        (32, false) => mont_pow::<32, false>(&ml, &b, &r2, &e),
        (_, true) => mont_pow::<0, true>(&ml, &b, &r2, &e),
        (_, false) => mont_pow::<0, false>(&ml, &b, &r2, &e),
    };
    BigUint::new(
        out.iter()
            .flat_map(|&l| [l as u32, (l >> 32) as u32])
            .collect(),
    )
}

/// `base^exp mod m` as exactly `len` big-endian bytes (the value must fit).
pub fn powmod_be(base: &BigUint, exp: &BigUint, m: &BigUint, len: usize) -> Vec<u8> {
    to_be_fixed(&powmod(base, exp, m), len)
}

/// `x` as exactly `len` big-endian bytes, left-padded with zeros (truncated to the low bytes if
/// it does not fit, which callers rule out).
pub fn to_be_fixed(x: &BigUint, len: usize) -> Vec<u8> {
    let b = x.to_bytes_be();
    let mut out = vec![0u8; len];
    if b.len() <= len {
        out[len - b.len()..].copy_from_slice(&b);
    } else {
        out.copy_from_slice(&b[b.len() - len..]);
    }
    out
}

/// Converts a non-negative Python-style integer, or fails with `"{name} must be {what}"`.
pub fn non_negative(name: &str, x: &BigInt) -> Result<BigUint> {
    match x.sign() {
        Sign::Minus => Err(Error::invalid(format!("{name} must be non-negative"))),
        _ => Ok(x.magnitude().clone()),
    }
}

/// Checked `powmod` of the Python API (argument checks in order: base, exp, mod).
pub fn powmod_checked(base: &BigInt, exp: &BigInt, m: &BigInt) -> Result<BigUint> {
    let base = non_negative("base", base)?;
    let exp = non_negative("exp", exp)?;
    let m = check_modulus(m)?;
    Ok(powmod(&base, &exp, &m))
}

/// Checks the `mod` argument of `powmod` (`>= 1`).
pub fn check_modulus(m: &BigInt) -> Result<BigUint> {
    if m.sign() != Sign::Plus {
        return Err(Error::invalid("mod must be positive"));
    }
    Ok(m.magnitude().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_cases() {
        let b = |x: u64| BigUint::from(x);
        assert_eq!(powmod(&b(4), &b(13), &b(497)), b(445));
        assert_eq!(powmod(&b(4), &b(0), &b(497)), b(1));
        assert_eq!(powmod(&b(4), &b(5), &b(1)), b(0));
        assert_eq!(
            powmod(&b(3), &b(200), &b(1000)),
            b(3).modpow(&b(200), &b(1000))
        );
        assert_eq!(powmod(&b(0), &b(5), &b(7)), b(0));
        assert_eq!(powmod(&b(1000), &b(3), &b(7)), b(1000).modpow(&b(3), &b(7)));
        let m = (BigUint::one() << 2048) - b(159); // odd, 32 limbs
        let x = (BigUint::one() << 2047) + b(12345);
        let e = (BigUint::one() << 2040) + b(777);
        assert_eq!(powmod(&x, &e, &m), x.modpow(&e, &m));
        let m = (BigUint::one() << 2048) - b(1); // all-ones limbs
        assert_eq!(powmod(&(&m - b(2)), &e, &m), (&m - b(2)).modpow(&e, &m));
    }

    /// Both row implementations (portable and mulx/adx) and both limb-count paths agree.
    #[test]
    fn portable_and_adx_paths() {
        let m: BigUint = (BigUint::one() << 2048) - BigUint::from(159u32);
        let x: BigUint = (BigUint::one() << 2046) + BigUint::from(987_654_321u64);
        let e: BigUint = (BigUint::one() << 2047) + BigUint::from(12_345u32);
        let want = x.modpow(&e, &m);
        let ml = m.to_u64_digits();
        let r2 = limbs(&((BigUint::one() << (128 * 32)) % &m), 32);
        let (b, el) = (limbs(&x, 32), e.to_u64_digits());
        let back = |v: Vec<u64>| {
            BigUint::new(
                v.iter()
                    .flat_map(|&l| [l as u32, (l >> 32) as u32])
                    .collect(),
            )
        };
        assert_eq!(back(mont_pow::<32, false>(&ml, &b, &r2, &el)), want);
        assert_eq!(back(mont_pow::<0, false>(&ml, &b, &r2, &el)), want);
        if has_adx() {
            assert_eq!(back(mont_pow::<32, true>(&ml, &b, &r2, &el)), want);
            assert_eq!(back(mont_pow::<0, true>(&ml, &b, &r2, &el)), want);
        }
    }

    #[test]
    fn checked_errors() {
        let i = |x: i64| BigInt::from(x);
        assert_eq!(
            powmod_checked(&i(-1), &i(-1), &i(0))
                .unwrap_err()
                .to_string(),
            "base must be non-negative"
        );
        assert_eq!(
            powmod_checked(&i(1), &i(-1), &i(0))
                .unwrap_err()
                .to_string(),
            "exp must be non-negative"
        );
        assert_eq!(
            powmod_checked(&i(1), &i(1), &i(0)).unwrap_err().to_string(),
            "mod must be positive"
        );
    }
}
