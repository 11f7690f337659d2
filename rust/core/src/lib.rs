//! oxigram-core: the parts of oxigram that must be fast and exact, in plain Rust.
//!
//! Nothing here knows about Python: the `oxigram-py` crate converts types, releases the
//! GIL and maps [`error::Error`] onto the exception classes owned by `oxigram.errors`.
//! Randomness is always a parameter so every function has deterministic vectors.

pub mod callback_data;
pub mod crypto;
pub mod error;
pub mod tl;
