//! Typed callback data: a compact binary codec for inline-button data (at most 64 bytes).
//!
//! Layout: `prefix | ':' | field*`. Field encodings: `i` signed 64-bit int as a zigzag
//! LEB128 varint; `e<N>` enum member index (0..N) as an unsigned varint; `s` UTF-8 string and
//! `b` bytes as an unsigned varint length then the bytes; `?` bool as one byte 0 or 1.
//! Varints must be minimal (one encoding per value), so equal values give equal bytes.
//!
//! The spec is text, `"poll:i,choice:e3,note:s,raw:b,ok:?"`, so both backends read the same
//! description; `oxigram._pure.callback_data` is the twin and produces the same bytes and the
//! same error messages.

use crate::error::{Error, Result};

/// Telegram's limit on `keyboardButtonCallback.data`.
pub const MAX_DATA: usize = 64;
/// Longest prefix accepted.
pub const MAX_PREFIX: usize = 32;
/// Largest enum size accepted in a spec.
pub const MAX_ENUM: u64 = 1_000_000;

/// The kind of one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Signed 64-bit integer.
    Int,
    /// Enum with this many members (values are indexes).
    Enum(u64),
    /// UTF-8 text.
    Str,
    /// Raw bytes.
    Bytes,
    /// Boolean.
    Bool,
}

/// One named field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The field's name (used in error messages).
    pub name: String,
    /// How it is encoded.
    pub kind: Kind,
}

/// A parsed spec: prefix and fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// The prefix, written first and followed by `:`.
    pub prefix: String,
    /// The fields in order.
    pub fields: Vec<Field>,
}

/// One value of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// For [`Kind::Int`].
    Int(i64),
    /// For [`Kind::Enum`]: the member index.
    Enum(u64),
    /// For [`Kind::Str`].
    Str(String),
    /// For [`Kind::Bytes`].
    Bytes(Vec<u8>),
    /// For [`Kind::Bool`].
    Bool(bool),
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn parse_kind(kind: &str) -> Option<Kind> {
    match kind {
        "i" => Some(Kind::Int),
        "s" => Some(Kind::Str),
        "b" => Some(Kind::Bytes),
        "?" => Some(Kind::Bool),
        _ => {
            let n = kind.strip_prefix('e')?;
            if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) || n.len() > 7 {
                return None;
            }
            let n: u64 = n.parse().ok()?;
            (1..=MAX_ENUM).contains(&n).then_some(Kind::Enum(n))
        }
    }
}

/// Parses `prefix` and `spec` (`"name:kind,..."`, kinds `i`, `e<N>`, `s`, `b`, `?`).
pub fn parse_spec(prefix: &str, spec: &str) -> Result<Spec> {
    if prefix.is_empty() || prefix.len() > MAX_PREFIX || prefix.contains(':') {
        return Err(Error::InvalidInput(format!(
            "prefix must be 1 to {MAX_PREFIX} bytes without ':'"
        )));
    }
    let mut fields = Vec::new();
    if !spec.is_empty() {
        for (i, item) in spec.split(',').enumerate() {
            let parsed = item.split_once(':').and_then(|(name, kind)| {
                let kind = parse_kind(kind)?;
                valid_name(name).then(|| Field {
                    name: name.to_owned(),
                    kind,
                })
            });
            let Some(field) = parsed else {
                return Err(Error::InvalidInput(format!(
                        "spec field {i} must be name:kind with kind i, e<N> (N in 1..{MAX_ENUM}), s, b or ?"
                    ),
                ));
            };
            if fields.iter().any(|f: &Field| f.name == field.name) {
                return Err(Error::InvalidInput(format!(
                    "spec field {i}: duplicate name {}",
                    field.name
                )));
            }
            fields.push(field);
        }
    }
    Ok(Spec {
        prefix: prefix.to_owned(),
        fields,
    })
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn encode_field(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Int(v) => put_varint(out, zigzag(*v)),
        Value::Enum(v) => put_varint(out, *v),
        Value::Str(s) => {
            put_varint(out, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Bytes(b) => {
            put_varint(out, b.len() as u64);
            out.extend_from_slice(b);
        }
        Value::Bool(b) => out.push(u8::from(*b)),
    }
}

/// Packs `values` (already checked against the spec's kinds by the caller) into data.
///
/// Errors: a value of the wrong kind (`InvalidInput`: `"{name}: value of the wrong kind"`,
/// the bindings check types first so this is a guard), an enum index out of range
/// (`"{name} must be in 0..{N-1}"`), and data over 64 bytes (`CallbackDataTooLong`, listing
/// the size of every part so the overflow is easy to find).
pub fn pack(spec: &Spec, values: &[Value]) -> Result<Vec<u8>> {
    if values.len() != spec.fields.len() {
        return Err(Error::InvalidInput(format!(
            "expected {} values, got {}",
            spec.fields.len(),
            values.len()
        )));
    }
    let mut out = Vec::with_capacity(MAX_DATA);
    out.extend_from_slice(spec.prefix.as_bytes());
    out.push(b':');
    let mut sizes = vec![(String::from("prefix"), out.len())];
    for (field, value) in spec.fields.iter().zip(values) {
        let ok = matches!(
            (field.kind, value),
            (Kind::Int, Value::Int(_))
                | (Kind::Enum(_), Value::Enum(_))
                | (Kind::Str, Value::Str(_))
                | (Kind::Bytes, Value::Bytes(_))
                | (Kind::Bool, Value::Bool(_))
        );
        if !ok {
            return Err(Error::InvalidInput(format!(
                "{}: value of the wrong kind",
                field.name
            )));
        }
        if let (Kind::Enum(n), Value::Enum(v)) = (field.kind, value) {
            if *v >= n {
                return Err(Error::InvalidInput(format!(
                    "{} must be in 0..{}",
                    field.name,
                    n - 1
                )));
            }
        }
        let before = out.len();
        encode_field(&mut out, value);
        sizes.push((field.name.clone(), out.len() - before));
    }
    if out.len() > MAX_DATA {
        let parts: Vec<String> = sizes.iter().map(|(n, s)| format!("{n} {s}")).collect();
        return Err(Error::CallbackDataTooLong(format!(
            "callback data is {} bytes, {} over the {MAX_DATA}-byte limit ({})",
            out.len(),
            out.len() - MAX_DATA,
            parts.join(", ")
        )));
    }
    Ok(out)
}

fn malformed(message: String) -> Error {
    Error::CallbackData(message)
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn varint(&mut self, name: &str) -> Result<u64> {
        let mut value: u64 = 0;
        for i in 0..10 {
            let Some(&byte) = self.data.get(self.pos) else {
                return Err(malformed(format!("data ends inside field {name}")));
            };
            self.pos += 1;
            let bits = u64::from(byte & 0x7f);
            if i == 9 && bits > 1 {
                return Err(malformed(format!("field {name}: varint overflows 64 bits")));
            }
            value |= bits << (7 * i);
            if byte & 0x80 == 0 {
                if i > 0 && byte == 0 {
                    return Err(malformed(format!("field {name}: varint is not minimal")));
                }
                return Ok(value);
            }
        }
        Err(malformed(format!("field {name}: varint overflows 64 bits")))
    }

    fn take(&mut self, n: u64, name: &str) -> Result<&[u8]> {
        let left = (self.data.len() - self.pos) as u64;
        if n > left {
            return Err(malformed(format!("data ends inside field {name}")));
        }
        let start = self.pos;
        self.pos += n as usize;
        Ok(&self.data[start..self.pos])
    }
}

/// Unpacks data made by [`pack`] with the same spec.
///
/// Errors (`CallbackData`), in the order met: `"data does not start with '{prefix}:'"`,
/// `"data ends inside field {name}"`, `"field {name}: varint overflows 64 bits"`,
/// `"field {name}: varint is not minimal"`, `"field {name}: {v} is not in 0..{N-1}"`,
/// `"field {name} is not valid UTF-8"`, `"field {name}: bool byte must be 0 or 1, not {b}"`,
/// `"{k} trailing bytes after the last field"`.
pub fn unpack(spec: &Spec, data: &[u8]) -> Result<Vec<Value>> {
    let head_len = spec.prefix.len() + 1;
    if data.len() < head_len
        || &data[..spec.prefix.len()] != spec.prefix.as_bytes()
        || data[spec.prefix.len()] != b':'
    {
        return Err(malformed(format!(
            "data does not start with '{}:'",
            spec.prefix
        )));
    }
    let mut r = Reader {
        data,
        pos: head_len,
    };
    let mut out = Vec::with_capacity(spec.fields.len());
    for field in &spec.fields {
        let name = field.name.as_str();
        let value = match field.kind {
            Kind::Int => Value::Int(unzigzag(r.varint(name)?)),
            Kind::Enum(n) => {
                let v = r.varint(name)?;
                if v >= n {
                    return Err(malformed(format!(
                        "field {name}: {v} is not in 0..{}",
                        n - 1
                    )));
                }
                Value::Enum(v)
            }
            Kind::Str => {
                let len = r.varint(name)?;
                let raw = r.take(len, name)?;
                match std::str::from_utf8(raw) {
                    Ok(s) => Value::Str(s.to_owned()),
                    Err(_) => return Err(malformed(format!("field {name} is not valid UTF-8"))),
                }
            }
            Kind::Bytes => {
                let len = r.varint(name)?;
                Value::Bytes(r.take(len, name)?.to_vec())
            }
            Kind::Bool => match r.take(1, name)?[0] {
                0 => Value::Bool(false),
                1 => Value::Bool(true),
                b => {
                    return Err(malformed(format!(
                        "field {name}: bool byte must be 0 or 1, not {b}"
                    )))
                }
            },
        };
        out.push(value);
    }
    let left = data.len() - r.pos;
    if left > 0 {
        return Err(malformed(format!(
            "{left} trailing bytes after the last field"
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote() -> Spec {
        parse_spec("v", "poll:i,choice:e3,note:s,raw:b,ok:?").unwrap()
    }

    #[test]
    fn round_trip_and_vector() {
        let values = vec![
            Value::Int(-3),
            Value::Enum(2),
            Value::Str("hé".into()),
            Value::Bytes(vec![0, 255]),
            Value::Bool(true),
        ];
        let data = pack(&vote(), &values).unwrap();
        assert_eq!(data, b"v:\x05\x02\x03h\xc3\xa9\x02\x00\xff\x01");
        assert_eq!(unpack(&vote(), &data).unwrap(), values);
    }

    #[test]
    fn extremes() {
        let spec = parse_spec("n", "x:i").unwrap();
        for v in [i64::MIN, i64::MAX, 0, -1, 1] {
            let data = pack(&spec, &[Value::Int(v)]).unwrap();
            assert_eq!(unpack(&spec, &data).unwrap(), vec![Value::Int(v)]);
        }
    }

    #[test]
    fn too_long_names_the_parts() {
        let spec = parse_spec("p", "note:s").unwrap();
        let err = pack(&spec, &[Value::Str("x".repeat(70))]).unwrap_err();
        assert!(matches!(err, Error::CallbackDataTooLong(_)));
        assert_eq!(
            err.to_string(),
            "callback data is 73 bytes, 9 over the 64-byte limit (prefix 2, note 71)"
        );
    }

    #[test]
    fn malformed_inputs() {
        let spec = vote();
        let e = |d: &[u8]| unpack(&spec, d).unwrap_err().to_string();
        assert_eq!(e(b"w:"), "data does not start with 'v:'");
        assert_eq!(e(b"v:"), "data ends inside field poll");
        assert_eq!(e(b"v:\x80\x00"), "field poll: varint is not minimal");
        assert_eq!(e(b"v:\x00\x05"), "field choice: 5 is not in 0..2");
        assert_eq!(e(b"v:\x00\x00\x01\xff"), "field note is not valid UTF-8");
        assert_eq!(
            e(b"v:\x00\x00\x00\x00\x02"),
            "field ok: bool byte must be 0 or 1, not 2"
        );
        assert_eq!(
            e(b"v:\x00\x00\x00\x00\x01\x00"),
            "1 trailing bytes after the last field"
        );
        assert_eq!(
            e(b"v:\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02"),
            "field poll: varint overflows 64 bits"
        );
    }

    #[test]
    fn bad_specs() {
        assert!(parse_spec("", "").is_err());
        assert!(parse_spec("a:b", "").is_err());
        assert!(parse_spec("a", "x:q").is_err());
        assert!(parse_spec("a", "x:e0").is_err());
        assert!(parse_spec("a", "x:i,x:s").is_err());
        assert!(parse_spec("a", "1x:i").is_err());
    }
}
