//! Bindings of `oxigram_core::crypto`: argument conversion in the order `_native.pyi` lists
//! the arguments (type, then value, argument by argument), GIL release for heavy work, and
//! results written straight into new `bytes` objects.

use std::ops::Deref;
use std::sync::{Mutex, MutexGuard};

use num_bigint::BigInt;
use oxigram_core::crypto::ctr::Aes256Ctr;
use oxigram_core::crypto::kdf::{self, Sender};
use oxigram_core::crypto::{bignum, dh, fixed, ige, message, pq, rsa, srp};
use oxigram_core::error::Error;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::MutexExt;
use pyo3::types::{PyByteArray, PyBytes, PyInt, PyMemoryView, PyString, PyTuple};

use crate::errors::{type_error, IntoPyResult};

/// Inputs at least this large are processed with the GIL released.
const DETACH_BYTES: usize = 64 * 1024;

/// A buffer argument: `bytes` borrowed in place (immutable, so safe to read without the GIL),
/// `bytearray`/`memoryview` copied (they could change under us).
enum Buf<'a> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>),
}

impl Deref for Buf<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Buf::Borrowed(b) => b,
            Buf::Owned(v) => v,
        }
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

/// The one helper for `Buffer` arguments.
fn buffer<'a>(obj: &'a Bound<'_, PyAny>, name: &str) -> PyResult<Buf<'a>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Buf::Borrowed(b.as_bytes()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Buf::Owned(b.to_vec()));
    }
    if obj.is_instance_of::<PyMemoryView>() {
        let copy = obj.call_method0("tobytes")?;
        return Ok(Buf::Owned(copy.cast::<PyBytes>()?.as_bytes().to_vec()));
    }
    Err(type_error(
        obj.py(),
        format!(
            "{name} must be bytes, bytearray or memoryview, not {}",
            type_name(obj)
        ),
    ))
}

fn opt_buffer<'a>(obj: Option<&'a Bound<'_, PyAny>>, name: &str) -> PyResult<Option<Buf<'a>>> {
    match obj {
        Some(o) if !o.is_none() => buffer(o, name).map(Some),
        _ => Ok(None),
    }
}

/// An `int` argument (`bool` included, as a subclass).
fn int_arg(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<BigInt> {
    if obj.is_instance_of::<PyInt>() {
        return obj.extract::<BigInt>();
    }
    Err(type_error(
        obj.py(),
        format!("{name} must be int, not {}", type_name(obj)),
    ))
}

fn sender_arg(obj: &Bound<'_, PyAny>) -> PyResult<Sender> {
    let py = obj.py();
    let Ok(s) = obj.cast::<PyString>() else {
        return Err(type_error(
            py,
            format!("sender must be str, not {}", type_name(obj)),
        ));
    };
    match s.to_cow().as_deref() {
        Ok("client") => Ok(Sender::Client),
        Ok("server") => Ok(Sender::Server),
        _ => {
            let shown = obj.repr()?.to_string();
            Err(Error::invalid(format!(
                "sender must be 'client' or 'server', not {shown}"
            )))
            .py_err(py)
        }
    }
}

/// The error for a `str` password that UTF-8 cannot encode (same text as the pure twin's).
const PASSWORD_NOT_UTF8: &str =
    "password is not encodable as UTF-8 (it contains a lone surrogate, U+D800-U+DFFF)";

fn password_arg<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<Buf<'a>> {
    if let Ok(s) = obj.cast::<PyString>() {
        // A lone surrogate has no UTF-8 form: bad input, not a UnicodeEncodeError.
        let Ok(text) = s.to_cow() else {
            return Err(Error::invalid(PASSWORD_NOT_UTF8.to_string())).py_err(obj.py());
        };
        return Ok(Buf::Owned(text.as_bytes().to_vec()));
    }
    buffer(obj, "password").map_err(|_| {
        type_error(
            obj.py(),
            format!(
                "password must be str, bytes, bytearray or memoryview, not {}",
                type_name(obj)
            ),
        )
    })
}

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
) -> PyResult<Bound<'py, PyBytes>> {
    let data = buffer(data, "data")?;
    let n = data.len();
    ige::check_args(n, 32, 32).py_err(py)?;
    let key = buffer(key, "key")?;
    ige::check_args(n, key.len(), 32).py_err(py)?;
    let iv = buffer(iv, "iv")?;
    ige::check_args(n, key.len(), iv.len()).py_err(py)?;
    PyBytes::new_with(py, n, |out| {
        maybe_detach(py, n >= DETACH_BYTES, || {
            if decrypt {
                ige::ige256_decrypt_into(&data, &key, &iv, out)
            } else {
                ige::ige256_encrypt_into(&data, &key, &iv, out)
            }
        })
        .py_err(py)
    })
}

/// AES-256-IGE encryption (see `_native.pyi`).
#[pyfunction]
fn ige256_encrypt<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    iv: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    ige_common(py, data, key, iv, false)
}

/// AES-256-IGE decryption (see `_native.pyi`).
#[pyfunction]
fn ige256_decrypt<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    iv: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    ige_common(py, data, key, iv, true)
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
    fn new(key: &Bound<'_, PyAny>, iv: &Bound<'_, PyAny>) -> PyResult<Self> {
        let py = key.py();
        let key = buffer(key, "key")?;
        let key = fixed::<32>("key", &key).py_err(py)?;
        let iv = buffer(iv, "iv")?;
        let iv = fixed::<16>("iv", &iv).py_err(py)?;
        Ok(Self {
            state: Mutex::new(Aes256Ctr::new(key, iv)),
        })
    }

    /// Encrypts (or decrypts) the next ``len(data)`` bytes of the stream.
    #[pyo3(signature = (data))]
    fn update<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let data = buffer(data, "data")?;
        let n = data.len();
        if n >= DETACH_BYTES {
            return PyBytes::new_with(py, n, |out| {
                py.detach(|| {
                    ctr_state(self.state.lock()).map(|mut s| s.apply_keystream_to(&data, out))
                })
            });
        }
        let mut state = ctr_state(self.state.lock_py_attached(py))?;
        PyBytes::new_with(py, n, |out| {
            state.apply_keystream_to(&data, out);
            Ok(())
        })
    }
}

// ------------------------------------------------------------------------ MTProto messages

/// SHA1(auth_key)[12:20].
#[pyfunction]
fn auth_key_id<'py>(
    py: Python<'py>,
    auth_key: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let ak = buffer(auth_key, "auth_key")?;
    let ak = kdf::check_auth_key(&ak).py_err(py)?;
    Ok(new_bytes(py, &kdf::auth_key_id(ak)))
}

/// MTProto 2.0 (aes_key, aes_iv) from msg_key.
#[pyfunction]
#[pyo3(signature = (auth_key, msg_key, *, sender))]
fn message_kdf<'py>(
    py: Python<'py>,
    auth_key: &Bound<'py, PyAny>,
    msg_key: &Bound<'py, PyAny>,
    sender: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    let ak = buffer(auth_key, "auth_key")?;
    kdf::check_auth_key(&ak).py_err(py)?;
    let mk = buffer(msg_key, "msg_key")?;
    fixed::<16>("msg_key", &mk).py_err(py)?;
    let sender = sender_arg(sender)?;
    let (key, iv) = kdf::message_kdf(&ak, &mk, sender).py_err(py)?;
    PyTuple::new(py, [new_bytes(py, &key), new_bytes(py, &iv)])
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
) -> PyResult<Bound<'py, PyBytes>> {
    let ak = buffer(auth_key, "auth_key")?;
    kdf::check_auth_key(&ak).py_err(py)?;
    let pl = buffer(payload, "payload")?;
    message::check_payload(&pl).py_err(py)?;
    let sender = sender_arg(sender)?;
    let given = opt_buffer(padding, "padding")?;
    let mut random = [0u8; 28];
    let pad: &[u8] = match &given {
        Some(p) => {
            message::check_padding(pl.len(), p.len()).py_err(py)?;
            p
        }
        None => {
            let n = message::random_padding_len(pl.len());
            padding_rng::fill(&mut random[..n]);
            &random[..n]
        }
    };
    let len = message::packet_len(pl.len(), pad.len());
    PyBytes::new_with(py, len, |out| {
        maybe_detach(py, len >= DETACH_BYTES, || {
            message::encrypt_message_into(&ak, &pl, sender, pad, out)
        })
        .py_err(py)
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
) -> PyResult<Bound<'py, PyBytes>> {
    let ak = buffer(auth_key, "auth_key")?;
    kdf::check_auth_key(&ak).py_err(py)?;
    let pkt = buffer(packet, "packet")?;
    let sender = sender_arg(sender)?;
    let opened = message::open(&ak, &pkt, sender).py_err(py)?;
    let big = pkt.len() >= DETACH_BYTES;
    PyBytes::new_with(py, opened.payload_len(), |out| {
        maybe_detach(py, big, || opened.finish(out)).py_err(py)
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
) -> PyResult<Bound<'py, PyBytes>> {
    let pw = password_arg(password)?;
    let s1 = buffer(salt1, "salt1")?;
    let s2 = buffer(salt2, "salt2")?;
    let x = py.detach(|| srp::password_hash(&pw, &s1, &s2));
    Ok(new_bytes(py, &x))
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
) -> PyResult<Bound<'py, PyBytes>> {
    let pw = password_arg(password)?;
    let s1 = buffer(salt1, "salt1")?;
    let s2 = buffer(salt2, "salt2")?;
    let g = int_arg(g, "g")?;
    let p = buffer(p, "p")?;
    let v = py
        .detach(|| srp::verifier(&pw, &s1, &s2, &g, &p))
        .py_err(py)?;
    Ok(new_bytes(py, &v))
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
) -> PyResult<Bound<'py, PyTuple>> {
    let pw = password_arg(password)?;
    let s1 = buffer(salt1, "salt1")?;
    let s2 = buffer(salt2, "salt2")?;
    let g = int_arg(g, "g")?;
    let p = buffer(p, "p")?;
    let (p256, _) = py.detach(|| srp::check_p_g(&p, &g)).py_err(py)?;
    let b = buffer(srp_B, "srp_B")?;
    srp::check_srp_b(&b, &num_bigint::BigUint::from_bytes_be(p256)).py_err(py)?;
    let a = opt_buffer(a, "a")?;
    if let Some(a) = &a {
        fixed::<256>("a", a).py_err(py)?;
    }
    let (big_a, m1) = py
        .detach(|| srp::answer(&pw, &s1, &s2, &g, &p, &b, a.as_deref(), &mut os_rng))
        .py_err(py)?;
    PyTuple::new(py, [new_bytes(py, &big_a), new_bytes(py, &m1)])
}

// ---------------------------------------------------------------- handshake: pq, RSA, DH

/// Splits pq into (p, q), p the smallest prime factor.
#[pyfunction]
fn factorize(py: Python<'_>, pq: &Bound<'_, PyAny>) -> PyResult<(u64, u64)> {
    let pq = int_arg(pq, "pq")?;
    py.detach(|| pq::factorize_checked(&pq)).py_err(py)
}

/// base ** exp % mod (Montgomery for odd mod).
#[pyfunction]
#[pyo3(signature = (base, exp, r#mod))]
fn powmod(
    py: Python<'_>,
    base: &Bound<'_, PyAny>,
    exp: &Bound<'_, PyAny>,
    r#mod: &Bound<'_, PyAny>,
) -> PyResult<BigInt> {
    let base = int_arg(base, "base")?;
    let base = bignum::non_negative("base", &base).py_err(py)?;
    let exp = int_arg(exp, "exp")?;
    let exp = bignum::non_negative("exp", &exp).py_err(py)?;
    let m = int_arg(r#mod, "mod")?;
    let m = bignum::check_modulus(&m).py_err(py)?;
    let big = exp.bits() > 256 || m.bits() > 1024;
    Ok(BigInt::from(maybe_detach(py, big, || {
        bignum::powmod(&base, &exp, &m)
    })))
}

/// Raises DHSecurityError unless dh_prime/g form a valid group (verdict cached).
#[pyfunction]
fn check_dh_prime(
    py: Python<'_>,
    dh_prime: &Bound<'_, PyAny>,
    g: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let p = buffer(dh_prime, "dh_prime")?;
    dh::check_prime_len(&p).py_err(py)?;
    let g = int_arg(g, "g")?;
    py.detach(|| dh::check_dh_prime(&p, &g))
        .py_err(py)
        .map(|_| ())
}

/// (secret, g^secret mod p).
#[pyfunction]
#[pyo3(signature = (g, dh_prime, secret=None))]
fn dh_keypair<'py>(
    py: Python<'py>,
    g: &Bound<'py, PyAny>,
    dh_prime: &Bound<'py, PyAny>,
    secret: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let g = int_arg(g, "g")?;
    let p = buffer(dh_prime, "dh_prime")?;
    dh::check_prime_len(&p).py_err(py)?;
    let g_small = py.detach(|| dh::check_dh_prime(&p, &g)).py_err(py)?;
    let secret = opt_buffer(secret, "secret")?;
    if let Some(s) = &secret {
        fixed::<256>("secret", s).py_err(py)?;
    }
    let p256 = dh::check_prime_len(&p).py_err(py)?;
    let (s, public) = py
        .detach(|| dh::keypair(g_small, p256, secret.as_deref(), &mut os_rng))
        .py_err(py)?;
    PyTuple::new(py, [new_bytes(py, &s), new_bytes(py, &public)])
}

/// peer_public^secret mod dh_prime (the auth_key).
#[pyfunction]
fn dh_shared_key<'py>(
    py: Python<'py>,
    peer_public: &Bound<'py, PyAny>,
    secret: &Bound<'py, PyAny>,
    dh_prime: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let peer = buffer(peer_public, "peer_public")?;
    let s = buffer(secret, "secret")?;
    fixed::<256>("secret", &s).py_err(py)?;
    let p = buffer(dh_prime, "dh_prime")?;
    let key = py.detach(|| dh::dh_shared_key(&peer, &s, &p)).py_err(py)?;
    Ok(new_bytes(py, &key))
}

/// Telegram's RSA key fingerprint (signed int64).
#[pyfunction]
fn rsa_fingerprint(py: Python<'_>, n: &Bound<'_, PyAny>, e: &Bound<'_, PyAny>) -> PyResult<i64> {
    let n = int_arg(n, "n")?;
    bignum::non_negative("n", &n).py_err(py)?;
    let e = int_arg(e, "e")?;
    rsa::fingerprint_checked(&n, &e).py_err(py)
}

/// Checks and converts n, e in order (shared by the two encryptions).
fn rsa_key(
    py: Python<'_>,
    n: &Bound<'_, PyAny>,
    e: &Bound<'_, PyAny>,
) -> PyResult<(BigInt, BigInt)> {
    let n = int_arg(n, "n")?;
    rsa::check_modulus(&n).py_err(py)?;
    let e = int_arg(e, "e")?;
    rsa::check_exponent("e", &e).py_err(py)?;
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
) -> PyResult<Bound<'py, PyBytes>> {
    let data = buffer(data, "data")?;
    rsa::check_legacy_data(&data).py_err(py)?;
    let (n, e) = rsa_key(py, n, e)?;
    let pad = opt_buffer(random_padding, "random_padding")?;
    let out = py
        .detach(|| rsa::encrypt_legacy(&data, &n, &e, pad.as_deref(), &mut os_rng))
        .py_err(py)?;
    Ok(new_bytes(py, &out))
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
) -> PyResult<Bound<'py, PyBytes>> {
    let data = buffer(data, "data")?;
    rsa::check_pad_data(&data).py_err(py)?;
    let (n, e) = rsa_key(py, n, e)?;
    let pad = opt_buffer(random_padding, "random_padding")?;
    if let Some(p) = &pad {
        let need = 192 - data.len();
        if p.len() != need {
            return Err(Error::invalid(format!(
                "random_padding must be {need} bytes, not {}",
                p.len()
            )))
            .py_err(py);
        }
    }
    let mut keys: Vec<Vec<u8>> = Vec::new();
    if let Some(tk) = temp_keys.filter(|t| !t.is_none()) {
        let iter = tk.try_iter().map_err(|_| {
            type_error(
                py,
                format!("temp_keys must be a sequence, not {}", type_name(tk)),
            )
        })?;
        for item in iter {
            let item = item?;
            let key = buffer(&item, "temp_key")?;
            rsa::check_temp_key(&key).py_err(py)?;
            keys.push(key.to_vec());
        }
    }
    let refs: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
    let out = py
        .detach(|| rsa::pad_encrypt(&data, &n, &e, pad.as_deref(), &refs, &mut os_rng))
        .py_err(py)?;
    Ok(new_bytes(py, &out))
}

/// Checks and converts encrypted, n, d in order (server role).
fn rsa_private<'a>(
    py: Python<'_>,
    encrypted: &'a Bound<'_, PyAny>,
    n: &Bound<'_, PyAny>,
    d: &Bound<'_, PyAny>,
) -> PyResult<(Buf<'a>, BigInt, BigInt)> {
    let enc = buffer(encrypted, "encrypted")?;
    rsa::check_encrypted_len(&enc).py_err(py)?;
    let n = int_arg(n, "n")?;
    rsa::check_modulus(&n).py_err(py)?;
    let d = int_arg(d, "d")?;
    rsa::check_exponent("d", &d).py_err(py)?;
    Ok((enc, n, d))
}

/// Raw RSA decryption (server role).
#[pyfunction]
fn rsa_decrypt<'py>(
    py: Python<'py>,
    encrypted: &Bound<'py, PyAny>,
    n: &Bound<'py, PyAny>,
    d: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let (enc, n, d) = rsa_private(py, encrypted, n, d)?;
    let out = py.detach(|| rsa::decrypt(&enc, &n, &d)).py_err(py)?;
    Ok(new_bytes(py, &out))
}

/// Undoes RSA_PAD (server role); returns data_with_padding (192 bytes).
#[pyfunction]
fn rsa_pad_decrypt<'py>(
    py: Python<'py>,
    encrypted: &Bound<'py, PyAny>,
    n: &Bound<'py, PyAny>,
    d: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let (enc, n, d) = rsa_private(py, encrypted, n, d)?;
    let out = py.detach(|| rsa::pad_decrypt(&enc, &n, &d)).py_err(py)?;
    Ok(new_bytes(py, &out))
}

fn nonces<'a>(
    py: Python<'_>,
    new_nonce: &'a Bound<'_, PyAny>,
    server_nonce: &'a Bound<'_, PyAny>,
) -> PyResult<([u8; 32], [u8; 16])> {
    let nn = buffer(new_nonce, "new_nonce")?;
    let nn = *fixed::<32>("new_nonce", &nn).py_err(py)?;
    let sn = buffer(server_nonce, "server_nonce")?;
    let sn = *fixed::<16>("server_nonce", &sn).py_err(py)?;
    Ok((nn, sn))
}

/// The handshake's (tmp_aes_key, tmp_aes_iv).
#[pyfunction]
fn tmp_aes_key_iv<'py>(
    py: Python<'py>,
    new_nonce: &Bound<'py, PyAny>,
    server_nonce: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    let (nn, sn) = nonces(py, new_nonce, server_nonce)?;
    let (key, iv) = kdf::tmp_aes_key_iv(&nn, &sn);
    PyTuple::new(py, [new_bytes(py, &key), new_bytes(py, &iv)])
}

/// new_nonce_hash1/2/3.
#[pyfunction]
fn new_nonce_hash<'py>(
    py: Python<'py>,
    new_nonce: &Bound<'py, PyAny>,
    number: &Bound<'py, PyAny>,
    auth_key: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let nn = buffer(new_nonce, "new_nonce")?;
    let nn = fixed::<32>("new_nonce", &nn).py_err(py)?;
    let num = int_arg(number, "number")?;
    let small = u8::try_from(&num).ok();
    let num = kdf::check_nonce_number(small, &num).py_err(py)?;
    let ak = buffer(auth_key, "auth_key")?;
    let ak = kdf::check_auth_key(&ak).py_err(py)?;
    Ok(new_bytes(py, &kdf::new_nonce_hash(nn, num, ak)))
}

/// The first server salt.
#[pyfunction]
fn server_salt<'py>(
    py: Python<'py>,
    new_nonce: &Bound<'py, PyAny>,
    server_nonce: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let (nn, sn) = nonces(py, new_nonce, server_nonce)?;
    Ok(new_bytes(py, &kdf::server_salt(&nn, &sn)))
}

/// Adds the crypto functions to `oxigram._native`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
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
