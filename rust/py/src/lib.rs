//! `oxigram._native`: thin PyO3 bindings over `oxigram-core`.
//!
//! This crate only converts arguments (the typed arguments of `args.rs`), releases the GIL for
//! heavy work and maps errors to the classes of `oxigram.errors` (the one mapping, in
//! `errors.rs`). Protocol logic lives in `oxigram-core`.

use pyo3::prelude::*;

mod args;
mod callback_data;
mod crypto;
mod errors;
mod tl;
mod tl_fast;
mod tl_method;

/// The extension module. Each area registers its own functions.
#[pymodule(gil_used = false)]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    crypto::register(m)?;
    callback_data::register(m)?;
    tl::register(m)?;
    Ok(())
}
