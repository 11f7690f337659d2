//! Bindings of `oxigram_core::callback_data`: `callback_data_pack` / `callback_data_unpack`.
//!
//! Checks run in the order `_native.pyi` gives: spec, then the values argument, then each
//! value (type, then range), then the packed length. Small inputs: the GIL is kept.

use num_bigint::BigInt;
use oxigram_core::callback_data::{self as cd, Kind, Spec, Value};
use oxigram_core::error::Error as CoreError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyInt, PyList, PyString, PyTuple};

use crate::args::{str_arg, wrong_type, Buffer};
use crate::errors::{guard, Result};

fn spec_of(prefix: &Bound<'_, PyAny>, spec: &Bound<'_, PyAny>) -> Result<Spec> {
    let prefix = str_arg(prefix, "prefix")?;
    let spec = str_arg(spec, "spec")?;
    Ok(cd::parse_spec(&prefix, &spec)?)
}

fn value_of(obj: &Bound<'_, PyAny>, field: &cd::Field) -> Result<Value> {
    let name = field.name.as_str();
    let wrong = |want: &str| wrong_type(obj, name, want);
    match field.kind {
        Kind::Int => {
            if !obj.is_instance_of::<PyInt>() {
                return Err(wrong("int"));
            }
            let v: BigInt = obj.extract()?;
            Ok(i64::try_from(&v).map(Value::Int).map_err(|_| {
                CoreError::invalid(format!("{name} does not fit in a signed 64-bit int"))
            })?)
        }
        Kind::Enum(n) => {
            if !obj.is_instance_of::<PyInt>() {
                return Err(wrong("int"));
            }
            let v: BigInt = obj.extract()?;
            match u64::try_from(&v) {
                Ok(v) if v < n => Ok(Value::Enum(v)),
                _ => Err(CoreError::invalid(format!("{name} must be in 0..{}", n - 1)).into()),
            }
        }
        Kind::Str => match obj.cast::<PyString>() {
            Ok(s) => Ok(Value::Str(s.to_cow()?.into_owned())),
            Err(_) => Err(wrong("str")),
        },
        Kind::Bytes => match Buffer::of(obj)? {
            Some(b) => Ok(Value::Bytes(b.into_cow().into_owned())),
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
) -> Result<Bound<'py, PyBytes>> {
    guard(py, || {
        let spec = spec_of(prefix, spec)?;
        let items: Vec<Bound<'py, PyAny>> = if let Ok(t) = values.cast::<PyTuple>() {
            t.iter().collect()
        } else if let Ok(l) = values.cast::<PyList>() {
            l.iter().collect()
        } else {
            return Err(wrong_type(values, "values", "tuple or list"));
        };
        if items.len() != spec.fields.len() {
            return Err(CoreError::invalid(format!(
                "expected {} values, got {}",
                spec.fields.len(),
                items.len()
            ))
            .into());
        }
        let mut vals = Vec::with_capacity(items.len());
        for (item, field) in items.iter().zip(&spec.fields) {
            vals.push(value_of(item, field)?);
        }
        let data = cd::pack(&spec, &vals)?;
        Ok(PyBytes::new(py, &data))
    })
}

/// Unpacks `data` made by `callback_data_pack` with the same prefix and spec.
#[pyfunction]
fn callback_data_unpack<'py>(
    py: Python<'py>,
    prefix: &Bound<'py, PyAny>,
    spec: &Bound<'py, PyAny>,
    data: &Bound<'py, PyAny>,
) -> Result<Bound<'py, PyTuple>> {
    guard(py, || {
        let spec = spec_of(prefix, spec)?;
        let raw = Buffer::arg(data, "data")?;
        let values = cd::unpack(&spec, &raw)?;
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
        Ok(PyTuple::new(py, out)?)
    })
}

/// Registers the callback-data functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(callback_data_pack, m)?)?;
    m.add_function(wrap_pyfunction!(callback_data_unpack, m)?)?;
    Ok(())
}
