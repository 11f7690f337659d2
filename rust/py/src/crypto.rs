//! Bindings of `oxigram_core::crypto`: each argument converted by its typed argument
//! ([`crate::args`]) in the order `_native.pyi` lists them, GIL release for heavy work, and
//! results written straight into new `bytes` objects.

use std::sync::{Mutex, MutexGuard};

use num_bigint::{BigInt, BigUint};
use oxigram_core::crypto::ctr::Aes256Ctr;
use oxigram_core::crypto::primes::{check_group, GroupUse, TELEGRAM_DH_PRIME};
use oxigram_core::crypto::{bignum, dh, ige, kdf, message, pq, rsa, srp};
use oxigram_core::error::Error as CoreError;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::MutexExt;
use pyo3::types::{PyBytes, PyTuple};

use crate::args::{int_arg, sender_arg, wrong_type, AuthKey, Buffer, Fixed, Password, Prime256};
use crate::errors::{guard, OrRaise, Result};

/// Inputs at least this large are processed with the GIL released.
const DETACH_BYTES: usize = 64 * 1024;

/// The OS random source.
fn os_rng(buf: &mut [u8]) {
    if let Err(e) = getrandom::fill(buf) {
        // Without an OS random source nothing secure can be done; pyo3 turns this into a
        // PanicException rather than continuing with predictable bytes.
        panic!("the OS random source failed: {e}");
    }
}

/// Random padding bytes for `encrypt_message`, from a fast-key-erasure AES-256-CTR generator
/// seeded from the OS.
///
/// Why: the OS call costs ~1 us here (os.urandom(96) measures the same), more than the whole
/// encryption of a small message. Each thread keeps a 32-byte key from `getrandom`; a refill
/// encrypts 256 counter blocks, the first two become the next key (so earlier output cannot
/// be recomputed from a later state) and the rest are served, and used bytes are zeroed. It
/// reseeds from the OS every 1 MiB of output, and after `fork()` (a `pthread_atfork` child
/// handler bumps a generation counter), so parent and child never share a stream. Long-term
/// secrets (SRP `a`, DH secrets, RSA padding and temp keys) still come straight from the OS.
mod padding_rng {
    use std::cell::RefCell;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Once;

    use aes::cipher::{generic_array::GenericArray, BlockEncrypt, KeyInit};

    const RESEED_BYTES: usize = 1 << 20;
    const BLOCKS: usize = 256;

    static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);
    static REGISTER: Once = Once::new();

    #[cfg(unix)]
    extern "C" fn after_fork_in_child() {
        FORK_GENERATION.fetch_add(1, Ordering::SeqCst);
    }

    #[cfg(unix)]
    extern "C" {
        fn pthread_atfork(
            prepare: Option<extern "C" fn()>,
            parent: Option<extern "C" fn()>,
            child: Option<extern "C" fn()>,
        ) -> std::os::raw::c_int;
    }

    struct State {
        key: [u8; 32],
        generation: u64,
        produced: usize,
        buf: [u8; 16 * BLOCKS],
        /// Bytes of `buf` before this index are used (and zeroed).
        pos: usize,
    }

    impl State {
        fn refill(&mut self) {
            let cipher = aes::Aes256::new(GenericArray::from_slice(&self.key));
            for (i, chunk) in self.buf.chunks_exact_mut(16).enumerate() {
                chunk.copy_from_slice(&(i as u128).to_le_bytes());
            }
            for chunk in self.buf.chunks_exact_mut(16) {
                cipher.encrypt_block(GenericArray::from_mut_slice(chunk));
            }
            self.key.copy_from_slice(&self.buf[..32]);
            self.buf[..32].fill(0);
            self.pos = 32;
            self.produced += self.buf.len() - 32;
        }
    }

    thread_local! {
        static STATE: RefCell<Option<Box<State>>> = const { RefCell::new(None) };
    }

    /// Fills `out` (any length) with generator output.
    pub(super) fn fill(out: &mut [u8]) {
        REGISTER.call_once(|| {
            #[cfg(unix)]
            // SAFETY: registers a handler that only does an atomic add (async-signal-safe, as
            // a fork child handler must be); called once per process.
            unsafe {
                pthread_atfork(None, None, Some(after_fork_in_child));
            }
        });
        STATE.with(|cell| {
            let mut slot = cell.borrow_mut();
            let generation = FORK_GENERATION.load(Ordering::SeqCst);
            let stale = match slot.as_ref() {
                Some(st) => st.generation != generation || st.produced >= RESEED_BYTES,
                None => true,
            };
            if stale {
                let mut key = [0u8; 32];
                super::os_rng(&mut key);
                *slot = Some(Box::new(State {
                    key,
                    generation,
                    produced: 0,
                    buf: [0; 16 * BLOCKS],
                    pos: 16 * BLOCKS,
                }));
            }
            let Some(st) = slot.as_mut() else { return };
            let mut filled = 0;
            while filled < out.len() {
                if st.pos == st.buf.len() {
                    st.refill();
                }
                let take = (out.len() - filled).min(st.buf.len() - st.pos);
                out[filled..filled + take].copy_from_slice(&st.buf[st.pos..st.pos + take]);
                st.buf[st.pos..st.pos + take].fill(0);
                st.pos += take;
                filled += take;
            }
        });
    }
}

/// Runs `f` with the GIL released when `big` is true.
fn maybe_detach<T: Send, F: Send + FnOnce() -> T>(py: Python<'_>, big: bool, f: F) -> T {
    if big {
        py.detach(f)
    } else {
        f()
    }
}

fn new_bytes<'py>(py: Python<'py>, data: &[u8]) -> Bound<'py, PyBytes> {
    PyBytes::new(py, data)
}

// ------------------------------------------------------------------------------- AES-IGE

fn ige_common<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    iv: &Bound<'py, PyAny>,
    decrypt: bool,
) -> Result<Bound<'py, PyBytes>> {
    let data = Buffer::arg(data, "data")?;
    ige::check_data_len(data.len())?;
    let key = Fixed::<32>::arg(key, "key")?;
    let iv = Fixed::<32>::arg(iv, "iv")?;
    let n = data.len();
    Ok(PyBytes::new_with(py, n, |out| {
        maybe_detach(py, n >= DETACH_BYTES, || {
            if decrypt {
                ige::ige256_decrypt_into(&data, &*key, &*iv, out)
            } else {
                ige::ige256_encrypt_into(&data, &*key, &*iv, out)
            }
        })
        .or_raise()
    })?)
}

/// AES-256-IGE encryption (see `_native.pyi`).
#[pyfunction]
fn ige256_encrypt<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    iv: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyBytes>> {
    guard(py, || ige_common(py, data, key, iv, false))
}

/// AES-256-IGE decryption (see `_native.pyi`).
#[pyfunction]
fn ige256_decrypt<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    iv: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyBytes>> {
    guard(py, || ige_common(py, data, key, iv, true))
}

// ------------------------------------------------------------------------------- AES-CTR

/// A running AES-256-CTR stream (see `_native.pyi`).
///
/// The stream state sits behind a `Mutex`, so the object is `frozen` (shared references only)
/// and safe under free-threading: concurrent `update` calls are serialized, each one consuming
/// its own stretch of keystream. Large chunks are processed with the GIL released; the lock is
/// then taken and released entirely while detached, so it is never held by a thread waiting
/// to re-attach.
#[pyclass(name = "AesCtr256", module = "oxigram._native", frozen)]
pub struct AesCtr256 {
    state: Mutex<Aes256Ctr>,
}

/// Refuses a stream whose state a panic may have left half-updated (reusing keystream would
/// be worse than failing).
fn ctr_state<'a>(
    lock: std::sync::LockResult<MutexGuard<'a, Aes256Ctr>>,
) -> PyResult<MutexGuard<'a, Aes256Ctr>> {
    lock.map_err(|_| PyRuntimeError::new_err("AesCtr256 state was poisoned by a panic"))
}

#[pymethods]
impl AesCtr256 {
    #[new]
    #[pyo3(signature = (key, iv))]
    fn new(key: &Bound<'_, PyAny>, iv: &Bound<'_, PyAny>) -> Result<Self> {
        guard(key.py(), || {
            let key = Fixed::<32>::arg(key, "key")?;
            let iv = Fixed::<16>::arg(iv, "iv")?;
            Ok(Self {
                state: Mutex::new(Aes256Ctr::new(&key, &iv)),
            })
        })
    }

    /// Encrypts (or decrypts) the next ``len(data)`` bytes of the stream.
    #[pyo3(signature = (data))]
    fn update<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyBytes>> {
        guard(py, || {
            let data = Buffer::arg(data, "data")?;
            let n = data.len();
            if n >= DETACH_BYTES {
                return Ok(PyBytes::new_with(py, n, |out| {
                    py.detach(|| {
                        ctr_state(self.state.lock()).map(|mut s| s.apply_keystream_to(&data, out))
                    })
                })?);
            }
            let mut state = ctr_state(self.state.lock_py_attached(py))?;
            Ok(PyBytes::new_with(py, n, |out| {
                state.apply_keystream_to(&data, out);
                Ok(())
            })?)
        })
    }
}

// ------------------------------------------------------------------------ MTProto messages

/// SHA1(auth_key)[12:20].
#[pyfunction]
fn auth_key_id<'py>(py: Python<'py>, auth_key: &Bound<'py, PyAny>) -> Result<Bound<'py, PyBytes>> {
    guard(py, || {
        let ak = AuthKey::arg(auth_key)?;
        Ok(new_bytes(py, &kdf::auth_key_id(&ak)))
    })
}

/// MTProto 2.0 (aes_key, aes_iv) from msg_key.
#[pyfunction]
#[pyo3(signature = (auth_key, msg_key, *, sender))]
fn message_kdf<'py>(
    py: Python<'py>,
    auth_key: &Bound<'py, PyAny>,
    msg_key: &Bound<'py, PyAny>,
    sender: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyTuple>> {
    guard(py, || {
        let ak = AuthKey::arg(auth_key)?;
        let mk = Fixed::<16>::arg(msg_key, "msg_key")?;
        let sender = sender_arg(sender)?;
        let (key, iv) = kdf::message_key_iv(&ak, &mk, sender);
        Ok(PyTuple::new(py, [new_bytes(py, &key), new_bytes(py, &iv)])?)
    })
}

/// Encrypts one MTProto 2.0 message in one call.
#[pyfunction]
#[pyo3(signature = (auth_key, payload, *, sender, padding=None))]
fn encrypt_message<'py>(
    py: Python<'py>,
    auth_key: &Bound<'py, PyAny>,
    payload: &Bound<'py, PyAny>,
    sender: &Bound<'py, PyAny>,
    padding: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyBytes>> {
    guard(py, || {
        let ak = AuthKey::arg(auth_key)?;
        let pl = Buffer::arg(payload, "payload")?;
        message::check_payload(&pl)?;
        let sender = sender_arg(sender)?;
        let given = Buffer::opt(padding, "padding")?;
        let mut random = [0u8; 28];
        let pad: &[u8] = match &given {
            Some(p) => {
                message::check_padding(pl.len(), p.len())?;
                p
            }
            None => {
                let n = message::random_padding_len(pl.len());
                padding_rng::fill(&mut random[..n]);
                &random[..n]
            }
        };
        let len = message::packet_len(pl.len(), pad.len());
        Ok(PyBytes::new_with(py, len, |out| {
            maybe_detach(py, len >= DETACH_BYTES, || {
                message::encrypt_message_into(&*ak, &pl, sender, pad, out)
            })
            .or_raise()
        })?)
    })
}

/// Decrypts and checks one MTProto 2.0 packet.
#[pyfunction]
#[pyo3(signature = (auth_key, packet, *, sender))]
fn decrypt_message<'py>(
    py: Python<'py>,
    auth_key: &Bound<'py, PyAny>,
    packet: &Bound<'py, PyAny>,
    sender: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyBytes>> {
    guard(py, || {
        let ak = AuthKey::arg(auth_key)?;
        let pkt = Buffer::arg(packet, "packet")?;
        let sender = sender_arg(sender)?;
        let opened = message::open(&*ak, &pkt, sender)?;
        let big = pkt.len() >= DETACH_BYTES;
        Ok(PyBytes::new_with(py, opened.payload_len(), |out| {
            maybe_detach(py, big, || opened.finish(out)).or_raise()
        })?)
    })
}

// -------------------------------------------------------------------------------- 2FA SRP

/// x = PH2(password, salt1, salt2). Releases the GIL.
#[pyfunction]
fn srp_password_hash<'py>(
    py: Python<'py>,
    password: &Bound<'py, PyAny>,
    salt1: &Bound<'py, PyAny>,
    salt2: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyBytes>> {
    guard(py, || {
        let pw = Password::arg(password)?;
        let s1 = Buffer::arg(salt1, "salt1")?;
        let s2 = Buffer::arg(salt2, "salt2")?;
        let x = py.detach(|| srp::password_hash(&pw, &s1, &s2));
        Ok(new_bytes(py, &x))
    })
}

/// v = g^x mod p (256 bytes). Releases the GIL.
#[pyfunction]
fn srp_verifier<'py>(
    py: Python<'py>,
    password: &Bound<'py, PyAny>,
    salt1: &Bound<'py, PyAny>,
    salt2: &Bound<'py, PyAny>,
    g: &Bound<'py, PyAny>,
    p: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyBytes>> {
    guard(py, || {
        let pw = Password::arg(password)?;
        let s1 = Buffer::arg(salt1, "salt1")?;
        let s2 = Buffer::arg(salt2, "salt2")?;
        let g = int_arg(g, "g")?;
        let p = Prime256::arg(p, GroupUse::Srp)?;
        let v = py.detach(|| srp::verifier(&pw, &s1, &s2, &g, &*p))?;
        Ok(new_bytes(py, &v))
    })
}

/// Telegram's SRP answer (A, M1). Releases the GIL for the whole computation.
#[pyfunction]
#[pyo3(signature = (password, salt1, salt2, g, p, srp_B, a=None))]
#[allow(non_snake_case, clippy::too_many_arguments)]
fn srp_answer<'py>(
    py: Python<'py>,
    password: &Bound<'py, PyAny>,
    salt1: &Bound<'py, PyAny>,
    salt2: &Bound<'py, PyAny>,
    g: &Bound<'py, PyAny>,
    p: &Bound<'py, PyAny>,
    srp_B: &Bound<'py, PyAny>,
    a: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyTuple>> {
    guard(py, || {
        let pw = Password::arg(password)?;
        let s1 = Buffer::arg(salt1, "salt1")?;
        let s2 = Buffer::arg(salt2, "salt2")?;
        let g = int_arg(g, "g")?;
        let p = Prime256::arg(p, GroupUse::Srp)?;
        py.detach(|| check_group(&p, &g, GroupUse::Srp))?;
        let b = Buffer::arg(srp_B, "srp_B")?;
        srp::check_srp_b(&b, &BigUint::from_bytes_be(&*p))?;
        let a = Fixed::<256>::opt(a, "a")?;
        let a = a.as_deref().map(<[u8; 256]>::as_slice);
        let (big_a, m1) = py.detach(|| srp::answer(&pw, &s1, &s2, &g, &*p, &b, a, &mut os_rng))?;
        Ok(PyTuple::new(
            py,
            [new_bytes(py, &big_a), new_bytes(py, &m1)],
        )?)
    })
}

// ---------------------------------------------------------------- handshake: pq, RSA, DH

/// Splits pq into (p, q), p the smallest prime factor.
#[pyfunction]
fn factorize(py: Python<'_>, pq: &Bound<'_, PyAny>) -> Result<(u64, u64)> {
    guard(py, || {
        let pq = int_arg(pq, "pq")?;
        Ok(py.detach(|| pq::factorize_checked(&pq))?)
    })
}

/// base ** exp % mod (Montgomery for odd mod).
#[pyfunction]
#[pyo3(signature = (base, exp, r#mod))]
fn powmod(
    py: Python<'_>,
    base: &Bound<'_, PyAny>,
    exp: &Bound<'_, PyAny>,
    r#mod: &Bound<'_, PyAny>,
) -> Result<BigInt> {
    guard(py, || {
        let base = int_arg(base, "base")?;
        let base = bignum::non_negative("base", &base)?;
        let exp = int_arg(exp, "exp")?;
        let exp = bignum::non_negative("exp", &exp)?;
        let m = int_arg(r#mod, "mod")?;
        let m = bignum::check_modulus(&m)?;
        let big = exp.bits() > 256 || m.bits() > 1024;
        Ok(BigInt::from(maybe_detach(py, big, || {
            bignum::powmod(&base, &exp, &m)
        })))
    })
}

/// Raises DHSecurityError unless dh_prime/g form a valid group (verdict cached).
#[pyfunction]
fn check_dh_prime(py: Python<'_>, dh_prime: &Bound<'_, PyAny>, g: &Bound<'_, PyAny>) -> Result<()> {
    guard(py, || {
        let p = Prime256::arg(dh_prime, GroupUse::Dh)?;
        let g = int_arg(g, "g")?;
        py.detach(|| check_group(&p, &g, GroupUse::Dh))?;
        Ok(())
    })
}

/// (secret, g^secret mod p).
#[pyfunction]
#[pyo3(signature = (g, dh_prime, secret=None))]
fn dh_keypair<'py>(
    py: Python<'py>,
    g: &Bound<'py, PyAny>,
    dh_prime: &Bound<'py, PyAny>,
    secret: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyTuple>> {
    guard(py, || {
        let g = int_arg(g, "g")?;
        let p = Prime256::arg(dh_prime, GroupUse::Dh)?;
        let g_small = py.detach(|| check_group(&p, &g, GroupUse::Dh))?;
        let secret = Fixed::<256>::opt(secret, "secret")?;
        let secret = secret.as_deref().map(<[u8; 256]>::as_slice);
        let (s, public) = py.detach(|| dh::keypair(g_small, &p, secret, &mut os_rng))?;
        Ok(PyTuple::new(
            py,
            [new_bytes(py, &s), new_bytes(py, &public)],
        )?)
    })
}

/// peer_public^secret mod dh_prime (the auth_key).
#[pyfunction]
fn dh_shared_key<'py>(
    py: Python<'py>,
    peer_public: &Bound<'py, PyAny>,
    secret: &Bound<'py, PyAny>,
    dh_prime: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyBytes>> {
    guard(py, || {
        let peer = Buffer::arg(peer_public, "peer_public")?;
        let s = Fixed::<256>::arg(secret, "secret")?;
        let p = Prime256::arg(dh_prime, GroupUse::Dh)?;
        let key = py.detach(|| dh::dh_shared_key(&peer, &*s, &*p))?;
        Ok(new_bytes(py, &key))
    })
}

/// Telegram's RSA key fingerprint (signed int64).
#[pyfunction]
fn rsa_fingerprint(n: &Bound<'_, PyAny>, e: &Bound<'_, PyAny>) -> Result<i64> {
    guard(n.py(), || {
        let n = int_arg(n, "n")?;
        bignum::non_negative("n", &n)?;
        let e = int_arg(e, "e")?;
        Ok(rsa::fingerprint_checked(&n, &e)?)
    })
}

/// Checks and converts n, e in order (shared by the two encryptions).
fn rsa_key(n: &Bound<'_, PyAny>, e: &Bound<'_, PyAny>) -> Result<(BigInt, BigInt)> {
    let n = int_arg(n, "n")?;
    rsa::check_modulus(&n)?;
    let e = int_arg(e, "e")?;
    rsa::check_exponent("e", &e)?;
    Ok((n, e))
}

/// Legacy handshake encryption: RSA(SHA1(data) | data | padding).
#[pyfunction]
#[pyo3(signature = (data, n, e, *, random_padding=None))]
fn rsa_encrypt_legacy<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    n: &Bound<'py, PyAny>,
    e: &Bound<'py, PyAny>,
    random_padding: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyBytes>> {
    guard(py, || {
        let data = Buffer::arg(data, "data")?;
        rsa::check_legacy_data(&data)?;
        let (n, e) = rsa_key(n, e)?;
        let pad = Buffer::opt(random_padding, "random_padding")?;
        let out = py.detach(|| rsa::encrypt_legacy(&data, &n, &e, pad.as_deref(), &mut os_rng))?;
        Ok(new_bytes(py, &out))
    })
}

/// RSA_PAD encryption with temp_key retry.
#[pyfunction]
#[pyo3(signature = (data, n, e, *, random_padding=None, temp_keys=None))]
fn rsa_pad_encrypt<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    n: &Bound<'py, PyAny>,
    e: &Bound<'py, PyAny>,
    random_padding: Option<&Bound<'py, PyAny>>,
    temp_keys: Option<&Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyBytes>> {
    guard(py, || {
        let data = Buffer::arg(data, "data")?;
        rsa::check_pad_data(&data)?;
        let (n, e) = rsa_key(n, e)?;
        let pad = Buffer::opt(random_padding, "random_padding")?;
        if let Some(p) = &pad {
            let need = 192 - data.len();
            if p.len() != need {
                return Err(CoreError::invalid(format!(
                    "random_padding must be {need} bytes, not {}",
                    p.len()
                ))
                .into());
            }
        }
        let mut keys: Vec<Vec<u8>> = Vec::new();
        if let Some(tk) = temp_keys.filter(|t| !t.is_none()) {
            let iter = tk
                .try_iter()
                .map_err(|_| wrong_type(tk, "temp_keys", "a sequence"))?;
            for item in iter {
                let item = item?;
                let key = Buffer::arg(&item, "temp_key")?;
                rsa::check_temp_key(&key)?;
                keys.push(key.to_vec());
            }
        }
        let refs: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
        let out =
            py.detach(|| rsa::pad_encrypt(&data, &n, &e, pad.as_deref(), &refs, &mut os_rng))?;
        Ok(new_bytes(py, &out))
    })
}

/// Checks and converts encrypted, n, d in order (server role).
fn rsa_private<'a>(
    encrypted: &'a Bound<'_, PyAny>,
    n: &Bound<'_, PyAny>,
    d: &Bound<'_, PyAny>,
) -> Result<(Buffer<'a>, BigInt, BigInt)> {
    let enc = Buffer::arg(encrypted, "encrypted")?;
    rsa::check_encrypted_len(&enc)?;
    let n = int_arg(n, "n")?;
    rsa::check_modulus(&n)?;
    let d = int_arg(d, "d")?;
    rsa::check_exponent("d", &d)?;
    Ok((enc, n, d))
}

/// Raw RSA decryption (server role).
#[pyfunction]
fn rsa_decrypt<'py>(
    py: Python<'py>,
    encrypted: &Bound<'py, PyAny>,
    n: &Bound<'py, PyAny>,
    d: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyBytes>> {
    guard(py, || {
        let (enc, n, d) = rsa_private(encrypted, n, d)?;
        let out = py.detach(|| rsa::decrypt(&enc, &n, &d))?;
        Ok(new_bytes(py, &out))
    })
}

/// Undoes RSA_PAD (server role); returns data_with_padding (192 bytes).
#[pyfunction]
fn rsa_pad_decrypt<'py>(
    py: Python<'py>,
    encrypted: &Bound<'py, PyAny>,
    n: &Bound<'py, PyAny>,
    d: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyBytes>> {
    guard(py, || {
        let (enc, n, d) = rsa_private(encrypted, n, d)?;
        let out = py.detach(|| rsa::pad_decrypt(&enc, &n, &d))?;
        Ok(new_bytes(py, &out))
    })
}

/// The `new_nonce` (32 bytes) and `server_nonce` (16 bytes) arguments, in that order.
fn nonces<'a>(
    new_nonce: &'a Bound<'_, PyAny>,
    server_nonce: &'a Bound<'_, PyAny>,
) -> Result<(Fixed<'a, 32>, Fixed<'a, 16>)> {
    let nn = Fixed::<32>::arg(new_nonce, "new_nonce")?;
    let sn = Fixed::<16>::arg(server_nonce, "server_nonce")?;
    Ok((nn, sn))
}

/// The handshake's (tmp_aes_key, tmp_aes_iv).
#[pyfunction]
fn tmp_aes_key_iv<'py>(
    py: Python<'py>,
    new_nonce: &Bound<'py, PyAny>,
    server_nonce: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyTuple>> {
    guard(py, || {
        let (nn, sn) = nonces(new_nonce, server_nonce)?;
        let (key, iv) = kdf::tmp_aes_key_iv(&nn, &sn);
        Ok(PyTuple::new(py, [new_bytes(py, &key), new_bytes(py, &iv)])?)
    })
}

/// new_nonce_hash1/2/3.
#[pyfunction]
fn new_nonce_hash<'py>(
    py: Python<'py>,
    new_nonce: &Bound<'py, PyAny>,
    number: &Bound<'py, PyAny>,
    auth_key: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyBytes>> {
    guard(py, || {
        let nn = Fixed::<32>::arg(new_nonce, "new_nonce")?;
        let num = int_arg(number, "number")?;
        let num = kdf::check_nonce_number(u8::try_from(&num).ok(), &num)?;
        let ak = AuthKey::arg(auth_key)?;
        Ok(new_bytes(py, &kdf::new_nonce_hash(&nn, num, &ak)))
    })
}

/// The first server salt.
#[pyfunction]
fn server_salt<'py>(
    py: Python<'py>,
    new_nonce: &Bound<'py, PyAny>,
    server_nonce: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyBytes>> {
    guard(py, || {
        let (nn, sn) = nonces(new_nonce, server_nonce)?;
        Ok(new_bytes(py, &kdf::server_salt(&nn, &sn)))
    })
}

/// Adds the crypto functions and Telegram's prime to `oxigram._native`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add(
        "TELEGRAM_DH_PRIME",
        PyBytes::new(m.py(), &TELEGRAM_DH_PRIME),
    )?;
    m.add_function(wrap_pyfunction!(ige256_encrypt, m)?)?;
    m.add_function(wrap_pyfunction!(ige256_decrypt, m)?)?;
    m.add_class::<AesCtr256>()?;
    m.add_function(wrap_pyfunction!(auth_key_id, m)?)?;
    m.add_function(wrap_pyfunction!(message_kdf, m)?)?;
    m.add_function(wrap_pyfunction!(encrypt_message, m)?)?;
    m.add_function(wrap_pyfunction!(decrypt_message, m)?)?;
    m.add_function(wrap_pyfunction!(srp_password_hash, m)?)?;
    m.add_function(wrap_pyfunction!(srp_verifier, m)?)?;
    m.add_function(wrap_pyfunction!(srp_answer, m)?)?;
    m.add_function(wrap_pyfunction!(factorize, m)?)?;
    m.add_function(wrap_pyfunction!(powmod, m)?)?;
    m.add_function(wrap_pyfunction!(check_dh_prime, m)?)?;
    m.add_function(wrap_pyfunction!(dh_keypair, m)?)?;
    m.add_function(wrap_pyfunction!(dh_shared_key, m)?)?;
    m.add_function(wrap_pyfunction!(rsa_fingerprint, m)?)?;
    m.add_function(wrap_pyfunction!(rsa_encrypt_legacy, m)?)?;
    m.add_function(wrap_pyfunction!(rsa_pad_encrypt, m)?)?;
    m.add_function(wrap_pyfunction!(rsa_decrypt, m)?)?;
    m.add_function(wrap_pyfunction!(rsa_pad_decrypt, m)?)?;
    m.add_function(wrap_pyfunction!(tmp_aes_key_iv, m)?)?;
    m.add_function(wrap_pyfunction!(new_nonce_hash, m)?)?;
    m.add_function(wrap_pyfunction!(server_salt, m)?)?;
    Ok(())
}
