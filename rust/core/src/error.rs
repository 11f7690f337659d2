//! The one error type of the core. Each kind maps to one class in `oxigram.errors`.

use std::fmt;

/// Which `oxigram.errors` class an [`Error`] becomes in Python.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Wrong length, range or value of an argument: `InvalidInputError`.
    InvalidInput,
    /// pq cannot be factorized: `FactorizationError`.
    Factorization,
    /// `decrypt_message` found a mismatch: `MessageSecurityError`.
    MessageSecurity,
    /// DH prime, generator or public values failed a check: `DHSecurityError`.
    DhSecurity,
    /// SRP parameters failed a check: `SRPSecurityError`.
    SrpSecurity,
    /// RSA decryption found a mismatch: `RSASecurityError`.
    RsaSecurity,
    /// A `.tl` schema cannot be loaded: `TLSchemaError`.
    TlSchema,
    /// TL data cannot be decoded (other cases): `TLDecodeError`.
    TlDecode,
    /// TL data ends inside a value: `UnexpectedEndError`.
    UnexpectedEnd,
    /// A constructor id the schema does not know: `UnknownConstructorError`.
    UnknownConstructor,
    /// A known constructor of the wrong type: `WrongTypeError`.
    WrongType,
    /// A length beyond the input or nesting beyond the limit: `LimitExceededError`.
    LimitExceeded,
    /// Bytes left after an exact decode: `TrailingBytesError`.
    TrailingBytes,
    /// A value cannot be encoded as TL: `TLEncodeError`.
    TlEncode,
}

/// An error with its kind and the exact message both backends use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The Python class this error becomes.
    pub kind: ErrorKind,
    /// The message; the pure-Python twin produces the same text.
    pub message: String,
}

impl Error {
    /// Builds an error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// Shorthand for [`ErrorKind::InvalidInput`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Result alias used across the core.
pub type Result<T> = std::result::Result<T, Error>;
