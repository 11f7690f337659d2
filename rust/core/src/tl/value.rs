//! A plain-Rust value tree for the codec: used by the core's tests and fuzzing (the Python
//! bindings build Python objects instead).

use std::borrow::Cow;

use super::codec::{Builder, Source, Text};
use crate::error::Error;

/// A decoded TL value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `int` or `long`.
    Int(i64),
    /// `double`.
    Double(f64),
    /// `int128`/`int256` wire bytes.
    Big(Vec<u8>),
    /// `string` (lossy UTF-8).
    Str(String),
    /// `bytes`.
    Bytes(Vec<u8>),
    /// `Bool` or a set true flag.
    Bool(bool),
    /// A vector.
    List(Vec<Value>),
    /// An object: constructor index and `(field index, value)` for present fields.
    Obj(usize, Vec<(usize, Value)>),
    /// An absent optional (only used when encoding).
    None,
}

/// Builds and reads [`Value`] trees.
#[derive(Debug, Default)]
pub struct ValueCodec;

impl Builder for ValueCodec {
    type Value = Value;
    type Object = (usize, Vec<(usize, Value)>);
    type Error = Error;

    fn int(&mut self, v: i32) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn long(&mut self, v: i64) -> Result<Value, Error> {
        Ok(Value::Int(v))
    }
    fn double(&mut self, v: f64) -> Result<Value, Error> {
        Ok(Value::Double(v))
    }
    fn big(&mut self, le: &[u8]) -> Result<Value, Error> {
        Ok(Value::Big(le.to_vec()))
    }
    fn string(&mut self, raw: &[u8]) -> Result<Value, Error> {
        Ok(Value::Str(String::from_utf8_lossy(raw).into_owned()))
    }
    fn bytes(&mut self, raw: &[u8]) -> Result<Value, Error> {
        Ok(Value::Bytes(raw.to_vec()))
    }
    fn boolean(&mut self, v: bool) -> Result<Value, Error> {
        Ok(Value::Bool(v))
    }
    fn vector(&mut self, items: Vec<Value>) -> Result<Value, Error> {
        Ok(Value::List(items))
    }
    fn begin(&mut self, ctor: usize) -> Result<Self::Object, Error> {
        Ok((ctor, Vec::new()))
    }
    fn set(
        &mut self,
        obj: &mut Self::Object,
        _: usize,
        field: usize,
        v: Value,
    ) -> Result<(), Error> {
        obj.1.push((field, v));
        Ok(())
    }
    fn finish(&mut self, obj: Self::Object) -> Result<Value, Error> {
        Ok(Value::Obj(obj.0, obj.1))
    }
}

impl Source for ValueCodec {
    type Value = Value;
    type Fields = ();
    type Error = Error;

    fn type_name(&mut self, v: &Value) -> String {
        match v {
            Value::Int(_) => "int",
            Value::Double(_) => "float",
            Value::Big(_) | Value::Bytes(_) => "bytes",
            Value::Str(_) => "str",
            Value::Bool(_) => "bool",
            Value::List(_) => "list",
            Value::Obj(..) => "object",
            Value::None => "NoneType",
        }
        .to_owned()
    }
    fn ctor_of(&mut self, v: &Value) -> Option<usize> {
        match v {
            Value::Obj(c, _) => Some(*c),
            _ => None,
        }
    }
    fn fields(&mut self, _: &Value, _: usize) -> Result<(), Error> {
        Ok(())
    }
    fn get(&mut self, v: &Value, _: &(), _: usize, field: usize) -> Result<Option<Value>, Error> {
        let Value::Obj(_, fields) = v else {
            return Ok(None);
        };
        Ok(Some(
            fields
                .iter()
                .find(|(i, _)| *i == field)
                .map_or(Value::None, |(_, v)| v.clone()),
        ))
    }
    fn is_none(&mut self, v: &Value) -> bool {
        matches!(v, Value::None)
    }
    fn truthy(&mut self, v: &Value) -> Result<bool, Error> {
        Ok(!matches!(
            v,
            Value::None | Value::Bool(false) | Value::Int(0)
        ))
    }
    fn int(&mut self, v: &Value) -> Result<Option<Option<i64>>, Error> {
        Ok(match v {
            Value::Int(x) => Some(Some(*x)),
            Value::Bool(b) => Some(Some(i64::from(*b))),
            _ => None,
        })
    }
    fn big(&mut self, v: &Value, size: usize) -> Result<Option<Option<Vec<u8>>>, Error> {
        Ok(match v {
            Value::Int(x) => {
                let mut b = x.to_le_bytes().to_vec();
                b.resize(size, if *x < 0 { 0xff } else { 0 });
                Some(Some(b))
            }
            _ => None,
        })
    }
    fn float(&mut self, v: &Value) -> Result<Option<Option<f64>>, Error> {
        Ok(match v {
            Value::Double(x) => Some(Some(*x)),
            Value::Int(x) => Some(Some(*x as f64)),
            _ => None,
        })
    }
    fn boolean(&mut self, v: &Value) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn text<'v>(&mut self, v: &'v Value) -> Result<Text<'v>, Error> {
        Ok(match v {
            Value::Str(s) => Text::Raw(Cow::Borrowed(s.as_bytes())),
            Value::Bytes(b) | Value::Big(b) => Text::Raw(Cow::Borrowed(b)),
            _ => Text::Not,
        })
    }
    fn raw<'v>(&mut self, v: &'v Value) -> Result<Option<Cow<'v, [u8]>>, Error> {
        Ok(match v {
            Value::Bytes(b) | Value::Big(b) => Some(Cow::Borrowed(b)),
            _ => None,
        })
    }
    fn list(&mut self, v: &Value) -> Result<Option<Vec<Value>>, Error> {
        Ok(match v {
            Value::List(items) => Some(items.clone()),
            _ => None,
        })
    }
}
