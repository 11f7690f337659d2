//! Typed arguments: each type converts one Python argument, checking its type and then its own
//! value, with the exact messages of `_native.pyi`.
//!
//! Bindings take `&Bound<PyAny>` and convert in the body, one argument after the other in
//! signature order: extracting them in the signature would check every argument's type
//! before any value, and the first bad argument must name the error, as on the pure twin.
//! No conversion allocates for `bytes` (the common case); see [`Buffer`].

use std::borrow::Cow;
use std::ops::Deref;

use num_bigint::BigInt;
use oxigram_core::crypto::fixed;
use oxigram_core::crypto::kdf::{check_auth_key, Sender};
use oxigram_core::crypto::primes::GroupUse;
use oxigram_core::error::Error as CoreError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyInt, PyMemoryView, PyString};

use crate::errors::{Error, Result};

/// `type(obj).__name__`, as the messages show it.
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

/// `InvalidTypeError("{name} must be {expected}, not {type}")`.
pub fn wrong_type(obj: &Bound<'_, PyAny>, name: &str, expected: &str) -> Error {
    Error::InvalidType(format!("{name} must be {expected}, not {}", type_name(obj)))
}

/// A bytes-like argument (`bytes`, `bytearray`, `memoryview`).
///
/// `bytes` is borrowed in place: it is immutable, so it can be read with the GIL released.
/// `bytearray` and `memoryview` are copied, since another thread could change them meanwhile.
pub struct Buffer<'a>(Cow<'a, [u8]>);

impl<'a> Buffer<'a> {
    /// `obj` as a buffer, or `None` when it is not bytes-like (for callers whose type error
    /// says more, like `password`, or is of another class, like TL's).
    pub fn of(obj: &'a Bound<'_, PyAny>) -> PyResult<Option<Self>> {
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Some(Self(Cow::Borrowed(b.as_bytes()))));
        }
        if let Ok(b) = obj.cast::<PyByteArray>() {
            return Ok(Some(Self(Cow::Owned(b.to_vec()))));
        }
        if obj.is_instance_of::<PyMemoryView>() {
            let copy = obj.call_method0("tobytes")?;
            return Ok(Some(Self(Cow::Owned(
                copy.cast::<PyBytes>()?.as_bytes().to_vec(),
            ))));
        }
        Ok(None)
    }

    /// The argument `name`: `"{name} must be bytes, bytearray or memoryview, not {type}"`.
    pub fn arg(obj: &'a Bound<'_, PyAny>, name: &str) -> Result<Self> {
        Self::of(obj)?.ok_or_else(|| wrong_type(obj, name, "bytes, bytearray or memoryview"))
    }

    /// An optional argument: `None` (absent or Python's `None`) stays `None`.
    pub fn opt(obj: Option<&'a Bound<'_, PyAny>>, name: &str) -> Result<Option<Self>> {
        match obj {
            Some(o) if !o.is_none() => Self::arg(o, name).map(Some),
            _ => Ok(None),
        }
    }

    /// The bytes, borrowed or owned.
    pub fn into_cow(self) -> Cow<'a, [u8]> {
        self.0
    }
}

impl Deref for Buffer<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

/// `N` bytes: borrowed from a `bytes` object, or the copy of a mutable buffer, boxed so that
/// the 256-byte kinds move as a pointer.
enum Array<'a, const N: usize> {
    Borrowed(&'a [u8; N]),
    Owned(Box<[u8; N]>),
}

impl<'a, const N: usize> Array<'a, N> {
    /// `buf` after `check` (which names the argument when the length is not `N`).
    fn checked(
        buf: Buffer<'a>,
        check: impl Fn(&[u8]) -> std::result::Result<&[u8; N], CoreError>,
    ) -> Result<Self> {
        Ok(match buf.0 {
            Cow::Borrowed(b) => Self::Borrowed(check(b)?),
            Cow::Owned(v) => {
                check(&v)?;
                // The length is N, so this keeps the copy's allocation.
                let Ok(array) = Box::<[u8; N]>::try_from(v.into_boxed_slice()) else {
                    unreachable!("length checked above")
                };
                Self::Owned(array)
            }
        })
    }
}

impl<const N: usize> Deref for Array<'_, N> {
    type Target = [u8; N];
    fn deref(&self) -> &[u8; N] {
        match self {
            Self::Borrowed(a) => a,
            Self::Owned(a) => a,
        }
    }
}

/// A buffer of exactly `N` bytes: `InvalidInputError("{name} must be {N} bytes, not {n}")`.
pub struct Fixed<'a, const N: usize>(Array<'a, N>);

impl<'a, const N: usize> Fixed<'a, N> {
    /// The argument `name` (type, then length).
    pub fn arg(obj: &'a Bound<'_, PyAny>, name: &str) -> Result<Self> {
        Array::checked(Buffer::arg(obj, name)?, |b| fixed::<N>(name, b)).map(Self)
    }

    /// An optional argument: `None` stays `None`.
    pub fn opt(obj: Option<&'a Bound<'_, PyAny>>, name: &str) -> Result<Option<Self>> {
        match Buffer::opt(obj, name)? {
            Some(b) => Array::checked(b, |b| fixed::<N>(name, b)).map(|a| Some(Self(a))),
            None => Ok(None),
        }
    }
}

impl<const N: usize> Deref for Fixed<'_, N> {
    type Target = [u8; N];
    fn deref(&self) -> &[u8; N] {
        &self.0
    }
}

/// An MTProto auth key, the `auth_key` argument: 256 bytes
/// (`InvalidInputError("auth_key must be 256 bytes, not {n}")`).
pub struct AuthKey<'a>(Array<'a, 256>);

impl<'a> AuthKey<'a> {
    /// The `auth_key` argument (type, then length).
    pub fn arg(obj: &'a Bound<'_, PyAny>) -> Result<Self> {
        Array::checked(Buffer::arg(obj, "auth_key")?, check_auth_key).map(Self)
    }
}

impl Deref for AuthKey<'_> {
    type Target = [u8; 256];
    fn deref(&self) -> &[u8; 256] {
        &self.0
    }
}

/// The 256-byte prime of a 2048-bit group, named and checked for its protocol: `dh_prime`
/// (`DHSecurityError`) or SRP's `p` (`SRPSecurityError`), `"{name} must be 256 bytes, not {n}"`.
/// Only the length: whether it is a safe prime is `check_group`'s (cached) business.
pub struct Prime256<'a>(Array<'a, 256>);

impl<'a> Prime256<'a> {
    /// The prime argument of `usage` (type, then length).
    pub fn arg(obj: &'a Bound<'_, PyAny>, usage: GroupUse) -> Result<Self> {
        let buf = Buffer::arg(obj, usage.prime_name())?;
        Array::checked(buf, |b| usage.prime256(b)).map(Self)
    }
}

impl Deref for Prime256<'_> {
    type Target = [u8; 256];
    fn deref(&self) -> &[u8; 256] {
        &self.0
    }
}

/// A 2FA password: a `str` (encoded as UTF-8) or a buffer.
pub struct Password<'a>(Cow<'a, [u8]>);

/// The error for a `str` password that UTF-8 cannot encode (same text as the pure twin's).
const PASSWORD_NOT_UTF8: &str =
    "password is not encodable as UTF-8 (it contains a lone surrogate, U+D800-U+DFFF)";

impl<'a> Password<'a> {
    /// The `password` argument.
    pub fn arg(obj: &'a Bound<'_, PyAny>) -> Result<Self> {
        if let Ok(s) = obj.cast::<PyString>() {
            // A lone surrogate has no UTF-8 form: bad input, not a UnicodeEncodeError.
            let Ok(text) = s.to_cow() else {
                return Err(CoreError::invalid(PASSWORD_NOT_UTF8).into());
            };
            return Ok(Self(Cow::Owned(text.as_bytes().to_vec())));
        }
        // Anything that is not readable as a buffer gets the one type error.
        match Buffer::of(obj) {
            Ok(Some(b)) => Ok(Self(b.into_cow())),
            _ => Err(wrong_type(
                obj,
                "password",
                "str, bytes, bytearray or memoryview",
            )),
        }
    }
}

impl Deref for Password<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

/// An `int` argument (`bool` included, as a subclass): `"{name} must be int, not {type}"`.
pub fn int_arg(obj: &Bound<'_, PyAny>, name: &str) -> Result<BigInt> {
    if obj.is_instance_of::<PyInt>() {
        return Ok(obj.extract::<BigInt>()?);
    }
    Err(wrong_type(obj, name, "int"))
}

/// A `str` argument: `"{name} must be str, not {type}"`.
pub fn str_arg<'a>(obj: &'a Bound<'_, PyAny>, name: &str) -> Result<Cow<'a, str>> {
    match obj.cast::<PyString>() {
        Ok(s) => Ok(s.to_cow()?),
        Err(_) => Err(wrong_type(obj, name, "str")),
    }
}

/// The `sender` argument, `"client"` or `"server"`: a `str` (type), then one of the two
/// (`InvalidInputError("sender must be 'client' or 'server', not {repr}")`).
pub fn sender_arg(obj: &Bound<'_, PyAny>) -> Result<Sender> {
    let Ok(s) = obj.cast::<PyString>() else {
        return Err(wrong_type(obj, "sender", "str"));
    };
    match s.to_cow().as_deref() {
        Ok("client") => Ok(Sender::Client),
        Ok("server") => Ok(Sender::Server),
        _ => Err(CoreError::invalid(format!(
            "sender must be 'client' or 'server', not {}",
            obj.repr()?
        ))
        .into()),
    }
}
