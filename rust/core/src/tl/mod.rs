//! TL, Telegram's Type Language: a schema reader that checks every constructor id against the
//! CRC32 of its declaration, and a codec over the parsed schema.
//!
//! The schema is data read at run time ([`schema::parse_schema`]); [`codec::Codec`] resolves
//! its types once and then encodes and decodes through the [`codec::Builder`] and
//! [`codec::Source`] traits, so the caller chooses the value representation (Python objects
//! in the bindings, [`value::Value`] in tests) and a message crosses into Rust once.

pub mod codec;
pub mod schema;
pub mod value;

pub use codec::{
    Builder, Codec, Foreign, Limits, Source, Text, Ty, MAX_DEPTH, MAX_ELEMENTS, MAX_INFLATED,
};
pub use schema::{declaration_crc, parse_schema, Constructor, Field, Schema};
