//! Maps core errors onto the exception classes owned by `oxigram.errors`.
//!
//! The classes are looked up once and cached; Python stays the single owner of the hierarchy.

use oxigram_core::error::{Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

/// Name of the `oxigram.errors` class for each core error kind.
fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidInput => "InvalidInputError",
        ErrorKind::Factorization => "FactorizationError",
        ErrorKind::MessageSecurity => "MessageSecurityError",
        ErrorKind::DhSecurity => "DHSecurityError",
        ErrorKind::SrpSecurity => "SRPSecurityError",
        ErrorKind::RsaSecurity => "RSASecurityError",
        ErrorKind::TlSchema => "TLSchemaError",
        ErrorKind::TlDecode => "TLDecodeError",
        ErrorKind::UnexpectedEnd => "UnexpectedEndError",
        ErrorKind::UnknownConstructor => "UnknownConstructorError",
        ErrorKind::WrongType => "WrongTypeError",
        ErrorKind::LimitExceeded => "LimitExceededError",
        ErrorKind::TrailingBytes => "TrailingBytesError",
        ErrorKind::TlEncode => "TLEncodeError",
    }
}

static ERRORS_MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// Looks up `oxigram.errors.<name>`.
pub fn error_class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyType>> {
    let module =
        ERRORS_MODULE.get_or_try_init(py, || py.import("oxigram.errors").map(|m| m.unbind()))?;
    Ok(module.bind(py).getattr(name)?.cast_into::<PyType>()?)
}

/// Builds the Python exception for a core error.
pub fn to_py(py: Python<'_>, err: Error) -> PyErr {
    match error_class(py, class_name(err.kind)) {
        Ok(cls) => PyErr::from_type(cls, err.message),
        Err(lookup_failed) => lookup_failed,
    }
}

/// Builds `oxigram.errors.InvalidTypeError(message)`.
pub fn type_error(py: Python<'_>, message: String) -> PyErr {
    match error_class(py, "InvalidTypeError") {
        Ok(cls) => PyErr::from_type(cls, message),
        Err(lookup_failed) => lookup_failed,
    }
}

/// Extension for `Result<T, Error>` to convert into `PyResult<T>`.
pub trait IntoPyResult<T> {
    /// Converts the core error, if any, into the matching Python exception.
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, Error> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, e))
    }
}
