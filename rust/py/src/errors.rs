//! The one mapping from errors to the exception classes owned by `oxigram.errors`.
//!
//! Every binding returns [`Result`]: a core error, a wrong argument type (only the binding
//! sees Python types) or a Python exception already raised; `?` converts the first and the
//! last, and pyo3 raises the result through `From<Error> for PyErr`. The classes are looked
//! up once and cached, so Python stays the single owner of the hierarchy.

use oxigram_core::error::Error as CoreError;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::exceptions::{PyMemoryError, PySystemError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use pyo3::PyErrArguments;

/// What a binding fails with.
#[derive(Debug)]
pub enum Error {
    /// A core error: raised as its `oxigram.errors` class with its message.
    Core(CoreError),
    /// An argument of the wrong type: `InvalidTypeError(message)`.
    InvalidType(String),
    /// A Python exception, raised as it is.
    Py(PyErr),
}

/// Result of the bindings.
pub type Result<T> = std::result::Result<T, Error>;

impl From<CoreError> for Error {
    fn from(e: CoreError) -> Self {
        Error::Core(e)
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error::Py(e)
    }
}

impl<'a, 'py> From<pyo3::CastError<'a, 'py>> for Error {
    fn from(e: pyo3::CastError<'a, 'py>) -> Self {
        Error::Py(e.into())
    }
}

impl From<std::convert::Infallible> for Error {
    fn from(e: std::convert::Infallible) -> Self {
        match e {}
    }
}

/// The `oxigram.errors` class of a core error.
fn class_name(e: &CoreError) -> &'static str {
    match e {
        CoreError::InvalidInput(_) => "InvalidInputError",
        CoreError::Factorization(_) => "FactorizationError",
        CoreError::MessageSecurity(_) => "MessageSecurityError",
        CoreError::DhSecurity(_) => "DHSecurityError",
        CoreError::SrpSecurity(_) => "SRPSecurityError",
        CoreError::RsaSecurity(_) => "RSASecurityError",
        CoreError::TlSchema(_) => "TLSchemaError",
        CoreError::TlDecode(_) => "TLDecodeError",
        CoreError::UnexpectedEnd(_) => "UnexpectedEndError",
        CoreError::UnknownConstructor { .. } => "UnknownConstructorError",
        CoreError::WrongType(_) => "WrongTypeError",
        CoreError::LimitExceeded(_) => "LimitExceededError",
        CoreError::TrailingBytes(_) => "TrailingBytesError",
        CoreError::TlEncode(_) => "TLEncodeError",
        CoreError::CallbackData(_) => "CallbackDataError",
        CoreError::CallbackDataTooLong(_) => "CallbackDataTooLongError",
        CoreError::OutOfMemory(_) => "MemoryError",
    }
}

static ERRORS_MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// `oxigram.errors.<class>(*args)`, or the error of looking the class up.
fn raise<A: PyErrArguments + Send + Sync + 'static>(class: &str, args: A) -> PyErr {
    // Only on the error path; a no-op when the thread is attached, as bindings are.
    Python::attach(|py| {
        let module =
            ERRORS_MODULE.get_or_try_init(py, || py.import("oxigram.errors").map(Bound::unbind))?;
        let cls = module.bind(py).getattr(class)?.cast_into::<PyType>()?;
        Ok(PyErr::from_type(cls, args))
    })
    .unwrap_or_else(|lookup_failed: PyErr| lookup_failed)
}

impl From<Error> for PyErr {
    fn from(e: Error) -> PyErr {
        match e {
            Error::Py(e) => e,
            Error::InvalidType(message) => raise("InvalidTypeError", (message,)),
            Error::Core(CoreError::OutOfMemory(message)) => PyMemoryError::new_err(message),
            Error::Core(e) => {
                let class = class_name(&e);
                let message = e.to_string();
                match e {
                    // The exception's attributes come from the fields, not the text.
                    CoreError::UnknownConstructor { id, offset } => {
                        raise(class, (message, id, offset))
                    }
                    _ => raise(class, (message,)),
                }
            }
        }
    }
}

/// `?` on a core result inside a closure that must return `PyResult` (`PyBytes::new_with`).
pub trait OrRaise<T> {
    /// The core error, if any, as its Python exception.
    fn or_raise(self) -> PyResult<T>;
}

impl<T> OrRaise<T> for std::result::Result<T, CoreError> {
    fn or_raise(self) -> PyResult<T> {
        self.map_err(|e| Error::Core(e).into())
    }
}

/// Runs the body of a binding so that no panic reaches Python as pyo3's `PanicException` (a
/// `BaseException`, which `except Exception` does not catch). The bodies avoid panicking
/// calls; this is the last resort. A Python allocation that failed is a `MemoryError` (pyo3
/// panics with "PyObject pointer is null" on the null it returns), as is a Rust one; any
/// other panic is a `SystemError` naming it.
pub fn guard<T>(py: Python<'_>, body: impl FnOnce() -> Result<T>) -> Result<T> {
    let payload = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => return result,
        Err(payload) => payload,
    };
    if let Some(pending) = PyErr::take(py) {
        return Err(Error::Py(pending));
    }
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    let memory = ["PyObject pointer is null", "alloc", "capacity overflow"];
    if memory.iter().any(|m| message.contains(m)) {
        return Err(Error::Py(PyMemoryError::new_err(message)));
    }
    Err(Error::Py(PySystemError::new_err(format!(
        "internal error in oxigram._native: {message}"
    ))))
}
