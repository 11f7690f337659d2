//! The one error type of the core.
//!
//! Each variant is one class of `oxigram.errors` (the binding's single mapping,
//! `rust/py/src/errors.rs`, names it) and carries what the message is made of: the message
//! itself, or, when the Python exception has attributes, the fields they are read from.
//! `Display` gives the exact text both backends use.

use std::fmt;

/// An error of the core, with the data of its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Wrong length, range or value of an argument: `InvalidInputError`.
    InvalidInput(String),
    /// pq cannot be factorized: `FactorizationError`.
    Factorization(String),
    /// `decrypt_message` found a mismatch: `MessageSecurityError`.
    MessageSecurity(String),
    /// DH prime, generator or public values failed a check: `DHSecurityError`.
    DhSecurity(String),
    /// SRP parameters failed a check: `SRPSecurityError`.
    SrpSecurity(String),
    /// RSA decryption found a mismatch: `RSASecurityError`.
    RsaSecurity(String),
    /// A `.tl` schema cannot be loaded: `TLSchemaError`.
    TlSchema(String),
    /// TL data cannot be decoded (the cases without a class of their own): `TLDecodeError`.
    TlDecode(String),
    /// TL data ends inside a value: `UnexpectedEndError`.
    UnexpectedEnd(String),
    /// A constructor id the schema does not know: `UnknownConstructorError`, whose
    /// `constructor_id` and `offset` attributes are these fields.
    UnknownConstructor {
        /// The unknown id (unsigned).
        id: u32,
        /// Offset of the id in the data.
        offset: usize,
    },
    /// A known constructor of the wrong type: `WrongTypeError`.
    WrongType(String),
    /// A length beyond the input or nesting beyond the limit: `LimitExceededError`.
    LimitExceeded(String),
    /// Bytes left after an exact decode: `TrailingBytesError`.
    TrailingBytes(String),
    /// A value cannot be encoded as TL: `TLEncodeError`.
    TlEncode(String),
    /// Callback data that does not decode under its spec: `CallbackDataError`.
    CallbackData(String),
    /// Packed callback data over 64 bytes: `CallbackDataTooLongError`.
    CallbackDataTooLong(String),
    /// An allocation failed: Python's `MemoryError`.
    OutOfMemory(String),
}

impl Error {
    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidInput(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownConstructor { id, offset } => {
                write!(f, "unknown constructor id 0x{id:08x} at offset {offset}")
            }
            Self::InvalidInput(m)
            | Self::Factorization(m)
            | Self::MessageSecurity(m)
            | Self::DhSecurity(m)
            | Self::SrpSecurity(m)
            | Self::RsaSecurity(m)
            | Self::TlSchema(m)
            | Self::TlDecode(m)
            | Self::UnexpectedEnd(m)
            | Self::WrongType(m)
            | Self::LimitExceeded(m)
            | Self::TrailingBytes(m)
            | Self::TlEncode(m)
            | Self::CallbackData(m)
            | Self::CallbackDataTooLong(m)
            | Self::OutOfMemory(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// Result alias used across the core.
pub type Result<T> = std::result::Result<T, Error>;
