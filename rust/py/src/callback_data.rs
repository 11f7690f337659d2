//! Bindings of `oxigram_core::callback_data`: `callback_data_pack` / `callback_data_unpack`.
//!
//! Checks run in the order `_native.pyi` gives: spec, then the values argument, then each
//! value (type, then range), then the packed length. Small inputs: the GIL is kept.

use num_bigint::BigInt;
use oxigram_core::callback_data::{self as cd, ErrorKind, Kind, Spec, Value};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyInt, PyList, PyMemoryView, PyString, PyTuple};

use crate::errors::{error_class, type_error};

fn to_py(py: Python<'_>, err: cd::Error) -> PyErr {
    let name = match err.kind {
        ErrorKind::InvalidInput => "InvalidInputError",
        ErrorKind::TooLong => "CallbackDataTooLongError",
        ErrorKind::Malformed => "CallbackDataError",
    };
    match error_class(py, name) {
        Ok(cls) => PyErr::from_type(cls, err.message),
        Err(lookup_failed) => lookup_failed,
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

fn str_arg(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    match obj.cast::<PyString>() {
        Ok(s) => Ok(s.to_cow()?.into_owned()),
        Err(_) => Err(type_error(
            obj.py(),
            format!("{name} must be str, not {}", type_name(obj)),
        )),
    }
}

fn bytes_of(obj: &Bound<'_, PyAny>) -> PyResult<Option<Vec<u8>>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Some(b.as_bytes().to_vec()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Some(b.to_vec()));
    }
    if obj.is_instance_of::<PyMemoryView>() {
        let copy = obj.call_method0("tobytes")?;
        return Ok(Some(copy.cast::<PyBytes>()?.as_bytes().to_vec()));
    }
    Ok(None)
}

fn spec_of(py: Python<'_>, prefix: &Bound<'_, PyAny>, spec: &Bound<'_, PyAny>) -> PyResult<Spec> {
    let prefix = str_arg(prefix, "prefix")?;
    let spec = str_arg(spec, "spec")?;
    cd::parse_spec(&prefix, &spec).map_err(|e| to_py(py, e))
}

fn value_of(obj: &Bound<'_, PyAny>, field: &cd::Field) -> PyResult<Value> {
    let py = obj.py();
    let name = field.name.as_str();
    let wrong =
        |want: &str| type_error(py, format!("{name} must be {want}, not {}", type_name(obj)));
    let invalid = |msg: String| {
        to_py(
            py,
            cd::Error {
                kind: ErrorKind::InvalidInput,
                message: msg,
            },
        )
    };
    match field.kind {
        Kind::Int => {
            if !obj.is_instance_of::<PyInt>() {
                return Err(wrong("int"));
            }
            let v: BigInt = obj.extract()?;
            i64::try_from(&v)
                .map(Value::Int)
                .map_err(|_| invalid(format!("{name} does not fit in a signed 64-bit int")))
        }
        Kind::Enum(n) => {
            if !obj.is_instance_of::<PyInt>() {
                return Err(wrong("int"));
            }
            let v: BigInt = obj.extract()?;
            match u64::try_from(&v) {
                Ok(v) if v < n => Ok(Value::Enum(v)),
                _ => Err(invalid(format!("{name} must be in 0..{}", n - 1))),
            }
        }
        Kind::Str => match obj.cast::<PyString>() {
            Ok(s) => Ok(Value::Str(s.to_cow()?.into_owned())),
            Err(_) => Err(wrong("str")),
        },
        Kind::Bytes => match bytes_of(obj)? {
            Some(b) => Ok(Value::Bytes(b)),
            None => Err(wrong("bytes, bytearray or memoryview")),
        },
        Kind::Bool => match obj.cast::<PyBool>() {
            Ok(b) => Ok(Value::Bool(b.is_true())),
            Err(_) => Err(wrong("bool")),
        },
    }
}

/// Packs `values` under `prefix` and `spec` into at most 64 bytes.
#[pyfunction]
fn callback_data_pack<'py>(
    py: Python<'py>,
    prefix: &Bound<'py, PyAny>,
    spec: &Bound<'py, PyAny>,
    values: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let spec = spec_of(py, prefix, spec)?;
    let items: Vec<Bound<'py, PyAny>> = if let Ok(t) = values.cast::<PyTuple>() {
        t.iter().collect()
    } else if let Ok(l) = values.cast::<PyList>() {
        l.iter().collect()
    } else {
        return Err(type_error(
            py,
            format!("values must be tuple or list, not {}", type_name(values)),
        ));
    };
    if items.len() != spec.fields.len() {
        return Err(to_py(
            py,
            cd::Error {
                kind: ErrorKind::InvalidInput,
                message: format!("expected {} values, got {}", spec.fields.len(), items.len()),
            },
        ));
    }
    let mut vals = Vec::with_capacity(items.len());
    for (item, field) in items.iter().zip(&spec.fields) {
        vals.push(value_of(item, field)?);
    }
    let data = cd::pack(&spec, &vals).map_err(|e| to_py(py, e))?;
    Ok(PyBytes::new(py, &data))
}

/// Unpacks `data` made by `callback_data_pack` with the same prefix and spec.
#[pyfunction]
fn callback_data_unpack<'py>(
    py: Python<'py>,
    prefix: &Bound<'py, PyAny>,
    spec: &Bound<'py, PyAny>,
    data: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    let spec = spec_of(py, prefix, spec)?;
    let Some(raw) = bytes_of(data)? else {
        return Err(type_error(
            py,
            format!(
                "data must be bytes, bytearray or memoryview, not {}",
                type_name(data)
            ),
        ));
    };
    let values = cd::unpack(&spec, &raw).map_err(|e| to_py(py, e))?;
    let mut out: Vec<Bound<'py, PyAny>> = Vec::with_capacity(values.len());
    for v in values {
        out.push(match v {
            Value::Int(i) => i.into_pyobject(py)?.into_any(),
            Value::Enum(i) => i.into_pyobject(py)?.into_any(),
            Value::Str(s) => PyString::new(py, &s).into_any(),
            Value::Bytes(b) => PyBytes::new(py, &b).into_any(),
            Value::Bool(b) => PyBool::new(py, b).to_owned().into_any(),
        });
    }
    PyTuple::new(py, out)
}

/// Registers the callback-data functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(callback_data_pack, m)?)?;
    m.add_function(wrap_pyfunction!(callback_data_unpack, m)?)?;
    Ok(())
}
