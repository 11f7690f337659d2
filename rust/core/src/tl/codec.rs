//! The TL codec over a parsed [`Schema`]: the protocol logic of encoding and decoding, with
//! the values themselves supplied by a [`Builder`] (decode) or a [`Source`] (encode).
//!
//! The Python bindings implement both traits over Python objects, so a message crosses the
//! boundary once; [`value::Value`](super::value::Value) implements them in plain Rust for
//! tests and fuzzing. Errors and their messages are those of `oxigram._pure.tl.codec`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::schema::{parse_schema, Field, Schema};
use crate::error::{Error, Result};

/// Deepest nesting of objects (boxed, bare or gzip_packed, and vectors in `Object`
/// positions) a decode or an encode accepts.
pub const MAX_DEPTH: usize = 64;
// The decode budget of one message. The defaults are sized on Telegram's largest real
// answers, with room to spare:
// - bytes: `upload.getFile` parts are at most 1 MiB, and a long `updates.getDifference`,
//   `messages.getHistory` (100 messages with media, entities and markup, plus their users and
//   chats), `contacts.getContacts` or `langpack.getLangPack` inflates to a few MiB. 16 MiB
//   (the former per-gzip_packed cap, now the total of all of a message's gzip_packed) keeps
//   several times that.
// - elements (as counted below, absent optional fields included): the largest answers build
//   a few 10^5 (10,000 contacts, each a `user` of ~45 fields with its photo and status, is
//   ~500,000; a difference of 1,000 messages with media and entities, ~200,000). 1,000,000
//   keeps twice the largest. The costliest message within it is made of the smallest
//   objects (a `peerUser` in a vector costs 3): ~330,000 Python objects, ~0.15 s of native
//   decoding on an idle core and under 100 MB.
/// Default of [`Limits::max_inflated`]: bytes all of one message's `gzip_packed` may unpack
/// to, together.
pub const MAX_INFLATED: usize = 16 * 1024 * 1024;
/// Default of [`Limits::max_elements`]: elements one decode may build (each object costs one
/// plus its constructor's fields, flag words excepted; each vector item costs one).
pub const MAX_ELEMENTS: usize = 1_000_000;
/// Compressed size from which a `gzip_packed` is unpacked through [`Builder::detached`] (the
/// bindings release the GIL): below it, unpacking takes a few milliseconds at most, less
/// than getting the GIL back may cost.
pub const DETACH_COMPRESSED: usize = 4096;
/// Most `#` flag words one constructor may have.
pub const MAX_FLAG_WORDS: usize = 8;
/// `boolTrue#997275b5`.
pub const ID_BOOL_TRUE: u32 = 0x9972_75b5;
/// `boolFalse#bc799737`.
pub const ID_BOOL_FALSE: u32 = 0xbc79_9737;
/// `vector#1cb5c415`.
pub const ID_VECTOR: u32 = 0x1cb5_c415;
/// `gzip_packed#3072cfa1`.
pub const ID_GZIP: u32 = 0x3072_cfa1;

/// A hasher for integer keys (constructor ids, type-object addresses): one multiply and a
/// fold, much cheaper than the default SipHash on the codec's hot lookups. Not DoS-resistant,
/// which is fine for keys fixed by the schema.
#[derive(Debug, Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        let h = (self.0 ^ i).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = h ^ (h >> 32);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
}

/// A `HashMap` keyed by integers, hashed with [`IdHasher`].
pub type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// A resolved field type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// 32-bit signed.
    Int,
    /// 64-bit signed.
    Long,
    /// IEEE-754 binary64.
    Double,
    /// 16 bytes, an int (little-endian, signed) in Python.
    Int128,
    /// 32 bytes, an int (little-endian, signed) in Python.
    Int256,
    /// TL string, UTF-8 (invalid sequences replaced on decode).
    String,
    /// TL bytes.
    Bytes,
    /// boolTrue / boolFalse.
    Bool,
    /// A `flags.N?true` field: no bytes on the wire.
    True,
    /// A `#` flags word (computed on encode).
    Nat,
    /// `Vector<T>` (boxed) or `vector<T>` (bare).
    Vector {
        /// Starts with the `vector` id.
        boxed: bool,
        /// Element type.
        elem: Box<Ty>,
        /// The type as written in the schema, for messages.
        text: String,
    },
    /// A bare constructor (`%T` or a lowercase constructor name).
    Bare {
        /// Constructor index.
        ctor: usize,
        /// The type as written in the schema.
        text: String,
    },
    /// A boxed value of one type.
    Boxed {
        /// Index into [`Codec::types`].
        ty: usize,
        /// The type name.
        text: String,
    },
    /// Any boxed value (`Object`, `!X`): constructors and methods, Bool and vectors.
    Any,
}

impl Ty {
    fn text(&self) -> &str {
        match self {
            Ty::Int => "int",
            Ty::Long => "long",
            Ty::Double => "double",
            Ty::Int128 => "int128",
            Ty::Int256 => "int256",
            Ty::String => "string",
            Ty::Bytes => "bytes",
            Ty::Bool => "Bool",
            Ty::True => "true",
            Ty::Nat => "#",
            Ty::Vector { text, .. } | Ty::Bare { text, .. } | Ty::Boxed { text, .. } => text,
            Ty::Any => "Object",
        }
    }

    fn min_size(&self) -> usize {
        match self {
            Ty::Long | Ty::Double => 8,
            Ty::Int128 => 16,
            Ty::Int256 => 32,
            _ => 4,
        }
    }
}

/// A field with its resolved type.
#[derive(Debug, Clone)]
pub struct CField {
    /// Argument name.
    pub name: String,
    /// Resolved type.
    pub ty: Ty,
    /// `(ordinal of the flags word among the constructor's `#` fields, bit mask)` for
    /// conditional fields.
    pub flag: Option<(usize, u32)>,
}

/// A constructor ready for the codec.
#[derive(Debug, Clone)]
pub struct CCtor {
    /// Constructor id.
    pub id: u32,
    /// Full name.
    pub name: String,
    /// What decoding one object of it costs from the element budget: one plus its fields
    /// (flag words excepted), whether present or not, so the charge is known before the
    /// body is read.
    pub cost: usize,
    /// A method rather than a type constructor.
    pub is_function: bool,
    /// Result type index for type constructors.
    pub type_idx: Option<usize>,
    /// Fields in order.
    pub fields: Vec<CField>,
}

/// A compiled schema: resolved types, lookup tables.
#[derive(Debug, Clone)]
pub struct Codec {
    /// The parsed schema it was built from.
    pub schema: Schema,
    /// Constructors, in schema order (the same order as `schema.constructors`).
    pub ctors: Vec<CCtor>,
    /// Names of the boxed types.
    pub types: Vec<String>,
    by_id: IdMap<u32, usize>,
    /// Name -> constructor index, built the first time an object of another schema is
    /// encoded (most codecs never need it).
    by_name: OnceLock<HashMap<String, usize>>,
}

/// The constructor of an object made by another schema's classes, as that schema declares
/// it: what [`Codec::adopt`] compares with this schema's constructor of the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foreign {
    /// Full name (`replyInlineMarkup`).
    pub name: String,
    /// Constructor id in the object's schema.
    pub id: u32,
    /// Arguments in order, as the object's schema declares them.
    pub fields: Vec<Field>,
}

const PRIMS: [(&str, Ty); 9] = [
    ("int", Ty::Int),
    ("long", Ty::Long),
    ("double", Ty::Double),
    ("int128", Ty::Int128),
    ("int256", Ty::Int256),
    ("string", Ty::String),
    ("bytes", Ty::Bytes),
    ("Bool", Ty::Bool),
    ("true", Ty::True),
];

impl Codec {
    /// Parses and compiles schema text.
    pub fn from_text(text: &str) -> Result<Self> {
        Self::new(parse_schema(text)?)
    }

    /// Compiles a parsed schema; an unknown type is an [`Error::TlSchema`] error.
    pub fn new(schema: Schema) -> Result<Self> {
        let mut types: Vec<String> = Vec::new();
        let mut type_index: HashMap<String, usize> = HashMap::new();
        let mut type_members: Vec<Vec<usize>> = Vec::new();
        let mut by_id = IdMap::default();
        let mut by_name = HashMap::new();
        for (i, c) in schema.constructors.iter().enumerate() {
            by_id.insert(c.id, i);
            by_name.insert(c.name.as_str(), i);
            if !c.is_function {
                let t = *type_index.entry(c.result.clone()).or_insert_with(|| {
                    types.push(c.result.clone());
                    type_members.push(Vec::new());
                    types.len() - 1
                });
                type_members[t].push(i);
            }
        }
        let resolve = |ty: &str, generics: &[&str]| -> Option<Ty> {
            fn go(
                ty: &str,
                generics: &[&str],
                schema: &Schema,
                type_index: &HashMap<String, usize>,
                type_members: &[Vec<usize>],
                by_name: &HashMap<&str, usize>,
            ) -> Option<Ty> {
                if let Some((_, t)) = PRIMS.iter().find(|(n, _)| *n == ty) {
                    return Some(t.clone());
                }
                if (ty.starts_with("Vector<") || ty.starts_with("vector<")) && ty.ends_with('>') {
                    let elem = go(
                        &ty[7..ty.len() - 1],
                        generics,
                        schema,
                        type_index,
                        type_members,
                        by_name,
                    )?;
                    if matches!(elem, Ty::True) {
                        return None;
                    }
                    return Some(Ty::Vector {
                        boxed: ty.starts_with('V'),
                        elem: Box::new(elem),
                        text: ty.to_owned(),
                    });
                }
                if ty.starts_with('!') || ty == "Object" || ty == "Type" || generics.contains(&ty) {
                    return Some(Ty::Any);
                }
                if let Some(t) = ty.strip_prefix('%') {
                    let members = &type_members[*type_index.get(t)?];
                    return (members.len() == 1).then(|| Ty::Bare {
                        ctor: members[0],
                        text: ty.to_owned(),
                    });
                }
                let last = ty.rsplit('.').next().unwrap_or(ty);
                if last.starts_with(|c: char| c.is_lowercase()) {
                    let i = *by_name.get(ty)?;
                    return (!schema.constructors[i].is_function).then(|| Ty::Bare {
                        ctor: i,
                        text: ty.to_owned(),
                    });
                }
                let t = *type_index.get(ty)?;
                Some(Ty::Boxed {
                    ty: t,
                    text: ty.to_owned(),
                })
            }
            go(ty, generics, &schema, &type_index, &type_members, &by_name)
        };
        let mut ctors = Vec::with_capacity(schema.constructors.len());
        for c in &schema.constructors {
            let generics: Vec<&str> = c
                .fields
                .iter()
                .filter_map(|f| f.ty.strip_prefix('!'))
                .collect();
            if c.fields.iter().filter(|f| f.ty == "#").count() > MAX_FLAG_WORDS {
                return Err(Error::TlSchema(format!(
                    "{}: more than {MAX_FLAG_WORDS} # fields",
                    c.name
                )));
            }
            let mut fields: Vec<CField> = Vec::with_capacity(c.fields.len());
            for f in &c.fields {
                let ty = if f.ty == "#" {
                    Ty::Nat
                } else {
                    resolve(&f.ty, &generics).ok_or_else(|| {
                        Error::TlSchema(format!("{}.{}: unknown type {}", c.name, f.name, f.ty))
                    })?
                };
                let flag = if f.flag.is_empty() {
                    None
                } else {
                    let word = c
                        .fields
                        .iter()
                        .filter(|w| w.ty == "#")
                        .position(|w| w.name == f.flag)
                        .unwrap_or(0);
                    Some((word, 1u32 << f.bit))
                };
                fields.push(CField {
                    name: f.name.clone(),
                    ty,
                    flag,
                });
            }
            ctors.push(CCtor {
                id: c.id,
                name: c.name.clone(),
                cost: 1 + c.fields.iter().filter(|f| f.ty != "#").count(),
                is_function: c.is_function,
                type_idx: if c.is_function {
                    None
                } else {
                    type_index.get(&c.result).copied()
                },
                fields,
            });
        }
        Ok(Self {
            schema,
            ctors,
            types,
            by_id,
            by_name: OnceLock::new(),
        })
    }

    /// This schema's constructor for an object of another schema: the constructor of the
    /// same name, when it has the same id and the same fields there (then the object's
    /// bytes are the same under either schema). Otherwise the reason it cannot be encoded,
    /// the message of the encode error.
    pub fn adopt(&self, foreign: &Foreign) -> std::result::Result<usize, String> {
        let by_name = self.by_name.get_or_init(|| {
            let named = self.schema.constructors.iter().enumerate();
            named.map(|(i, c)| (c.name.clone(), i)).collect()
        });
        let (name, id) = (&foreign.name, foreign.id);
        let Some(&c) = by_name.get(name) else {
            let layer = match self.schema.layer {
                -1 => String::new(),
                n => format!(" (layer {n})"),
            };
            return Err(format!(
                "constructor {name} (0x{id:08x}) is not in this schema{layer}"
            ));
        };
        let ours = &self.schema.constructors[c];
        if ours.id != id {
            return Err(format!(
                "{name} has id 0x{:08x} in this schema and 0x{id:08x} in the object's schema",
                ours.id
            ));
        }
        if ours.fields != foreign.fields {
            let text = |fields: &[Field]| {
                let all: Vec<String> = fields.iter().map(Field::to_string).collect();
                all.join(" ")
            };
            return Err(format!(
                "{name} (0x{id:08x}) fields differ: ({}) in this schema, ({}) in the object's \
                 schema",
                text(&ours.fields),
                text(&foreign.fields)
            ));
        }
        Ok(c)
    }

    /// The constructor index of an id.
    pub fn ctor_by_id(&self, id: u32) -> Option<usize> {
        self.by_id.get(&id).copied()
    }

    /// Decodes one boxed value at `offset` within the default [`Limits`]; returns it and the
    /// offset after it.
    pub fn decode_prefix<B: Builder>(
        &self,
        b: &mut B,
        data: &[u8],
        offset: usize,
    ) -> std::result::Result<(B::Value, usize), B::Error> {
        self.decode_prefix_within(b, data, offset, Limits::default())
    }

    /// [`Codec::decode_prefix`] within `limits`.
    pub fn decode_prefix_within<B: Builder>(
        &self,
        b: &mut B,
        data: &[u8],
        offset: usize,
        limits: Limits,
    ) -> std::result::Result<(B::Value, usize), B::Error> {
        if offset > data.len() {
            return Err(decode_err(format!("offset {offset} is outside the data")).into());
        }
        let mut d = Decoder {
            codec: self,
            b,
            limits,
            inflated_left: limits.max_inflated,
            elements_left: limits.max_elements,
        };
        d.value(data, offset, 0, &Ty::Any)
    }

    /// Decodes one boxed value within the default [`Limits`]; with `exact`, bytes after it
    /// are a `TrailingBytes` error.
    pub fn decode<B: Builder>(
        &self,
        b: &mut B,
        data: &[u8],
        exact: bool,
    ) -> std::result::Result<B::Value, B::Error> {
        self.decode_within(b, data, exact, Limits::default())
    }

    /// [`Codec::decode`] within `limits`.
    pub fn decode_within<B: Builder>(
        &self,
        b: &mut B,
        data: &[u8],
        exact: bool,
        limits: Limits,
    ) -> std::result::Result<B::Value, B::Error> {
        let (v, pos) = self.decode_prefix_within(b, data, 0, limits)?;
        if exact && pos != data.len() {
            return Err(trailing(data.len() - pos, pos).into());
        }
        Ok(v)
    }

    /// Encodes `value` boxed (constructor id first, flags computed) into `out`.
    pub fn encode<S: Source>(
        &self,
        s: &mut S,
        value: &S::Value,
        out: &mut Vec<u8>,
    ) -> std::result::Result<(), S::Error> {
        Encoder { codec: self, s }.value(&Ty::Any, value, out, Path::Root, 0)
    }
}

// ------------------------------------------------------------------------------ errors

fn decode_err(message: String) -> Error {
    Error::TlDecode(message)
}

fn end(pos: usize, need: usize, n: usize) -> Error {
    Error::UnexpectedEnd(format!(
        "unexpected end of data at offset {pos}: {need} bytes needed, {} left",
        n.saturating_sub(pos)
    ))
}

fn deep(pos: usize) -> Error {
    Error::LimitExceeded(format!(
        "nesting deeper than {MAX_DEPTH} levels at offset {pos}"
    ))
}

fn unknown(id: u32, pos: usize) -> Error {
    Error::UnknownConstructor { id, offset: pos }
}

fn wrong(name: &str, id: u32, pos: usize, expected: &str) -> Error {
    Error::WrongType(format!(
        "constructor {name} (0x{id:08x}) at offset {pos} is not of type {expected}"
    ))
}

fn trailing(k: usize, pos: usize) -> Error {
    Error::TrailingBytes(format!(
        "{k} trailing bytes after the object at offset {pos}"
    ))
}

fn encode_err(message: String) -> Error {
    Error::TlEncode(message)
}

fn out_of_memory(what: String) -> Error {
    Error::OutOfMemory(format!("out of memory for {what}"))
}

// ------------------------------------------------------------------------------ budget

/// The decode budget of one message: what all of it may unpack and build, checked as the
/// input is read (before anything is allocated for it), so a small hostile message cannot
/// cost much time or memory. Exceeding it is a `LimitExceeded` error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes all the message's `gzip_packed` may unpack to, together.
    pub max_inflated: usize,
    /// Elements the decode may build: each object costs one plus its constructor's fields
    /// (flag words excepted), each vector item one.
    pub max_elements: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_inflated: MAX_INFLATED,
            max_elements: MAX_ELEMENTS,
        }
    }
}

// ------------------------------------------------------------------------------ decode

/// Receives decoded values and builds the caller's representation of them.
pub trait Builder {
    /// A decoded value.
    type Value;
    /// An object under construction.
    type Object;
    /// The caller's error type; core errors convert into it.
    type Error: From<Error>;
    /// An `int`.
    fn int(&mut self, v: i32) -> std::result::Result<Self::Value, Self::Error>;
    /// A `long`.
    fn long(&mut self, v: i64) -> std::result::Result<Self::Value, Self::Error>;
    /// A `double`.
    fn double(&mut self, v: f64) -> std::result::Result<Self::Value, Self::Error>;
    /// An `int128`/`int256` from its little-endian wire bytes (a signed number).
    fn big(&mut self, le: &[u8]) -> std::result::Result<Self::Value, Self::Error>;
    /// A `string` (raw bytes; invalid UTF-8 is replaced with U+FFFD).
    fn string(&mut self, raw: &[u8]) -> std::result::Result<Self::Value, Self::Error>;
    /// A `bytes`.
    fn bytes(&mut self, raw: &[u8]) -> std::result::Result<Self::Value, Self::Error>;
    /// A `Bool` or a set `true` flag.
    fn boolean(&mut self, v: bool) -> std::result::Result<Self::Value, Self::Error>;
    /// A vector.
    fn vector(&mut self, items: Vec<Self::Value>) -> std::result::Result<Self::Value, Self::Error>;
    /// Starts an object of constructor `ctor`.
    fn begin(&mut self, ctor: usize) -> std::result::Result<Self::Object, Self::Error>;
    /// Sets a present field (absent optionals and unset true flags are never set).
    fn set(
        &mut self,
        obj: &mut Self::Object,
        ctor: usize,
        field: usize,
        v: Self::Value,
    ) -> std::result::Result<(), Self::Error>;
    /// Finishes an object.
    fn finish(&mut self, obj: Self::Object) -> std::result::Result<Self::Value, Self::Error>;
    /// Runs `work`, which touches no value of the builder (unpacking a `gzip_packed`): the
    /// bindings let other threads run meanwhile. The default runs it as it is.
    fn detached<R: Send>(&mut self, work: impl FnOnce() -> R + Send) -> R {
        work()
    }
}

struct Decoder<'a, B> {
    codec: &'a Codec,
    b: &'a mut B,
    limits: Limits,
    /// What is left of the budget.
    inflated_left: usize,
    elements_left: usize,
}

/// The little-endian word at `pos` (the callers checked the bounds; one check remains here
/// instead of one per byte).
fn u32_at(data: &[u8], pos: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&data[pos..pos + 4]);
    u32::from_le_bytes(w)
}

fn read_raw(data: &[u8], pos: usize) -> Result<(&[u8], usize)> {
    let n = data.len();
    if pos >= n {
        return Err(end(pos, 1, n));
    }
    let first = data[pos] as usize;
    let (len, start, total) = match first {
        0..=253 => (first, pos + 1, (first + 4) & !3),
        254 => {
            if pos + 4 > n {
                return Err(end(pos, 4, n));
            }
            let len = data[pos + 1] as usize
                | (data[pos + 2] as usize) << 8
                | (data[pos + 3] as usize) << 16;
            (len, pos + 4, (len + 7) & !3)
        }
        _ => {
            return Err(decode_err(format!(
                "bad string length prefix 0xff at offset {pos}"
            )))
        }
    };
    if start + len > n {
        return Err(Error::LimitExceeded(format!(
            "string of {len} bytes at offset {pos} exceeds the {} bytes left",
            n - start
        )));
    }
    if pos + total > n {
        return Err(end(pos, total, n));
    }
    Ok((&data[start..start + len], pos + total))
}

/// Where the deflate data of a gzip member starts (after its header), or `None` when the
/// header is malformed or truncated; the checks are zlib's (`wbits=31`), as the pure twin
/// uses it.
fn gzip_header(raw: &[u8]) -> Option<usize> {
    const FHCRC: u8 = 2;
    const FEXTRA: u8 = 4;
    const FNAME: u8 = 8;
    const FCOMMENT: u8 = 16;
    if raw.len() < 10 || raw[..3] != [0x1f, 0x8b, 8] || raw[3] & 0xe0 != 0 {
        return None;
    }
    let flags = raw[3];
    let mut p = 10;
    if flags & FEXTRA != 0 {
        let len = usize::from(u16::from_le_bytes([*raw.get(p)?, *raw.get(p + 1)?]));
        p += 2 + len;
        if p > raw.len() {
            return None;
        }
    }
    for field in [FNAME, FCOMMENT] {
        if flags & field != 0 {
            p += raw.get(p..)?.iter().position(|&c| c == 0)? + 1;
        }
    }
    if flags & FHCRC != 0 {
        let crc = u16::from_le_bytes([*raw.get(p)?, *raw.get(p + 1)?]);
        if crc != crc32fast::hash(&raw[..p]) as u16 {
            return None;
        }
        p += 2;
    }
    Some(p)
}

/// Why unpacking stopped.
enum Inflate {
    Bad,
    /// The data end inside the deflate stream, after this many bytes of output.
    Truncated(usize),
    OverBudget,
    OutOfMemory,
}

/// Inflates raw deflate data; returns the output and the input used, or `OverBudget` when
/// the output reaches `room` bytes. A back-reference before the start of the output is bad
/// data (as zlib says).
fn inflate(deflate: &[u8], room: usize) -> std::result::Result<(Vec<u8>, usize), Inflate> {
    use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;
    let mut out: Vec<u8> = Vec::new();
    let mut state = DecompressorOxide::new();
    let (mut used, mut filled) = (0, 0);
    loop {
        if filled == out.len() {
            if out.len() == room {
                return Err(Inflate::OverBudget);
            }
            let grown = (out.len().max(deflate.len()) * 2).max(4096).min(room);
            out.try_reserve_exact(grown - out.len())
                .map_err(|_| Inflate::OutOfMemory)?;
            out.resize(grown, 0);
        }
        let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
        let (status, read, written) =
            decompress(&mut state, &deflate[used..], &mut out, filled, flags);
        used += read;
        filled += written;
        match status {
            TINFLStatus::Done if filled < room => {
                out.truncate(filled);
                return Ok((out, used));
            }
            TINFLStatus::Done | TINFLStatus::HasMoreOutput => {}
            // zlib, its output full at `room - 1` bytes, stops before anything written after
            // that, and before it checks a match's distance: a bad one found right there is
            // no error to it.
            _ if filled == room => return Err(Inflate::OverBudget),
            TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
                return Err(Inflate::Truncated(filled))
            }
            _ if filled + 1 == room && writes_past(deflate, filled) => {
                return Err(Inflate::OverBudget)
            }
            _ => return Err(Inflate::Bad),
        }
    }
}

/// Whether inflating `deflate` writes more than `n` bytes when distances before the start of
/// the output are not checked (into a ring of the deflate window, as a streaming inflater
/// does): the failure at `n` bytes was such a distance.
fn writes_past(deflate: &[u8], n: usize) -> bool {
    use miniz_oxide::inflate::core::{decompress, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;
    const WINDOW: usize = 32 * 1024;
    let mut ring = vec![0u8; WINDOW];
    let mut state = DecompressorOxide::new();
    let (mut used, mut total) = (0, 0usize);
    loop {
        let (status, read, written) =
            decompress(&mut state, &deflate[used..], &mut ring, total % WINDOW, 0);
        used += read;
        total += written;
        if total > n {
            return true;
        }
        if status != TINFLStatus::HasMoreOutput {
            return false;
        }
    }
}

/// The payload of the gzip member `raw` (of the `gzip_packed` at `pos`), when it unpacks to
/// at most `left` bytes; `max` is the whole budget, for the message.
///
/// Which error a member both bad and too big gives is zlib's (the pure twin asks zlib for
/// `left + 1` bytes): zlib stops where it would write byte `left + 2`, having read what
/// comes before it (block headers, the end of the stream and the trailer), so what is
/// reached before that point decides.
fn gunzip(raw: &[u8], pos: usize, left: usize, max: usize) -> Result<Vec<u8>> {
    let bad = || {
        decode_err(format!(
            "gzip_packed at offset {pos} holds bad compressed data"
        ))
    };
    let over = || {
        Error::LimitExceeded(format!(
            "gzip_packed at offset {pos} unpacks past the decode budget of {max} bytes"
        ))
    };
    let start = gzip_header(raw).ok_or_else(bad)?;
    let room = left.saturating_add(2);
    let (out, used) = inflate(&raw[start..], room).map_err(|why| match why {
        Inflate::Bad => bad(),
        // zlib waits for more input then: no error, only what it wrote so far.
        Inflate::Truncated(n) if n > left => over(),
        Inflate::Truncated(_) => bad(),
        Inflate::OverBudget => over(),
        Inflate::OutOfMemory => out_of_memory(format!("gzip_packed at offset {pos}")),
    })?;
    // The trailer: CRC-32, then the length; zlib checks each as soon as it has its four
    // bytes, and waits (no error) while they are missing.
    let trailer = &raw[start + used..];
    let word = |i: usize| {
        let w = trailer.get(i..i + 4)?;
        Some(u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
    };
    let expected = [crc32fast::hash(&out), out.len() as u32];
    for (i, want) in expected.into_iter().enumerate() {
        match word(4 * i) {
            None if out.len() > left => return Err(over()),
            None => return Err(bad()),
            Some(got) if got != want => return Err(bad()),
            Some(_) => {}
        }
    }
    if out.len() > left {
        return Err(over());
    }
    Ok(out)
}

impl<B: Builder> Decoder<'_, B> {
    fn value(
        &mut self,
        data: &[u8],
        pos: usize,
        depth: usize,
        ty: &Ty,
    ) -> std::result::Result<(B::Value, usize), B::Error> {
        let n = data.len();
        let need = |size: usize| -> Result<()> {
            if pos + size > n {
                Err(end(pos, size, n))
            } else {
                Ok(())
            }
        };
        Ok(match ty {
            Ty::Int => {
                need(4)?;
                (self.b.int(u32_at(data, pos) as i32)?, pos + 4)
            }
            Ty::Long | Ty::Double => {
                need(8)?;
                let mut w = [0u8; 8];
                w.copy_from_slice(&data[pos..pos + 8]);
                let v = if matches!(ty, Ty::Long) {
                    self.b.long(i64::from_le_bytes(w))?
                } else {
                    self.b.double(f64::from_le_bytes(w))?
                };
                (v, pos + 8)
            }
            Ty::Int128 | Ty::Int256 => {
                let size = if matches!(ty, Ty::Int128) { 16 } else { 32 };
                need(size)?;
                (self.b.big(&data[pos..pos + size])?, pos + size)
            }
            Ty::String | Ty::Bytes => {
                let (raw, next) = read_raw(data, pos)?;
                let v = if matches!(ty, Ty::String) {
                    self.b.string(raw)?
                } else {
                    self.b.bytes(raw)?
                };
                (v, next)
            }
            Ty::Bool => self.boolean(data, pos, depth)?,
            // Flag words and true flags are read by `body`; the schema compiler rejects them
            // anywhere else.
            Ty::True | Ty::Nat => {
                return Err(decode_err(format!("{} is not a value type", ty.text())).into())
            }
            Ty::Vector { boxed, elem, .. } => self.vector(data, pos, depth, ty, *boxed, elem)?,
            Ty::Bare { ctor, .. } => {
                if depth >= MAX_DEPTH {
                    return Err(deep(pos).into());
                }
                self.body(data, pos, depth + 1, *ctor)?
            }
            Ty::Boxed { ty: want, .. } => {
                need(4)?;
                let id = u32_at(data, pos);
                match self.codec.by_id.get(&id) {
                    Some(&c) if self.codec.ctors[c].type_idx == Some(*want) => {
                        if depth >= MAX_DEPTH {
                            return Err(deep(pos).into());
                        }
                        self.body(data, pos + 4, depth + 1, c)?
                    }
                    _ => self.special(data, pos, depth, Some(ty))?,
                }
            }
            Ty::Any => {
                need(4)?;
                let id = u32_at(data, pos);
                match self.codec.by_id.get(&id) {
                    Some(&c) => {
                        if depth >= MAX_DEPTH {
                            return Err(deep(pos).into());
                        }
                        self.body(data, pos + 4, depth + 1, c)?
                    }
                    None => self.special(data, pos, depth, None)?,
                }
            }
        })
    }

    /// A boxed value whose id is not in the expected set: gzip_packed, Bool or a vector in
    /// an `Object` position, or an error.
    fn special(
        &mut self,
        data: &[u8],
        pos: usize,
        depth: usize,
        expected: Option<&Ty>,
    ) -> std::result::Result<(B::Value, usize), B::Error> {
        let id = u32_at(data, pos);
        if id == ID_GZIP {
            if depth >= MAX_DEPTH {
                return Err(deep(pos).into());
            }
            let (raw, end) = read_raw(data, pos + 4)?;
            let (left, max) = (self.inflated_left, self.limits.max_inflated);
            let inner = if raw.len() >= DETACH_COMPRESSED {
                self.b.detached(|| gunzip(raw, pos, left, max))?
            } else {
                gunzip(raw, pos, left, max)?
            };
            self.inflated_left -= inner.len();
            let (v, used) = self.value(&inner, 0, depth + 1, expected.unwrap_or(&Ty::Any))?;
            if used != inner.len() {
                return Err(trailing(inner.len() - used, used).into());
            }
            return Ok((v, end));
        }
        let Some(expected) = expected else {
            if id == ID_BOOL_TRUE || id == ID_BOOL_FALSE {
                return Ok((self.b.boolean(id == ID_BOOL_TRUE)?, pos + 4));
            }
            if id == ID_VECTOR {
                // A vector in an `Object` position nests like an object (it can hold itself).
                if depth >= MAX_DEPTH {
                    return Err(deep(pos).into());
                }
                return self.vector(data, pos, depth + 1, &Ty::Any, true, &Ty::Any);
            }
            return Err(unknown(id, pos).into());
        };
        Err(self.mismatch(id, pos, expected.text()).into())
    }

    fn mismatch(&self, id: u32, pos: usize, expected: &str) -> Error {
        let name = match self.codec.by_id.get(&id) {
            Some(&c) => self.codec.ctors[c].name.as_str(),
            None if id == ID_VECTOR => "vector",
            None if id == ID_BOOL_TRUE => "boolTrue",
            None if id == ID_BOOL_FALSE => "boolFalse",
            None => return unknown(id, pos),
        };
        wrong(name, id, pos, expected)
    }

    fn boolean(
        &mut self,
        data: &[u8],
        pos: usize,
        depth: usize,
    ) -> std::result::Result<(B::Value, usize), B::Error> {
        if pos + 4 > data.len() {
            return Err(end(pos, 4, data.len()).into());
        }
        match u32_at(data, pos) {
            ID_BOOL_TRUE => Ok((self.b.boolean(true)?, pos + 4)),
            ID_BOOL_FALSE => Ok((self.b.boolean(false)?, pos + 4)),
            ID_GZIP => self.special(data, pos, depth, Some(&Ty::Bool)),
            id => Err(self.mismatch(id, pos, "Bool").into()),
        }
    }

    fn vector(
        &mut self,
        data: &[u8],
        mut pos: usize,
        depth: usize,
        ty: &Ty,
        boxed: bool,
        elem: &Ty,
    ) -> std::result::Result<(B::Value, usize), B::Error> {
        let n = data.len();
        if boxed {
            if pos + 4 > n {
                return Err(end(pos, 4, n).into());
            }
            let id = u32_at(data, pos);
            if id != ID_VECTOR {
                if id == ID_GZIP {
                    return self.special(data, pos, depth, Some(ty));
                }
                let text = if matches!(ty, Ty::Any) {
                    "Vector<Object>"
                } else {
                    ty.text()
                };
                return Err(self.mismatch(id, pos, text).into());
            }
            pos += 4;
        }
        if pos + 4 > n {
            return Err(end(pos, 4, n).into());
        }
        let count = u32_at(data, pos) as i32;
        let left = n - pos - 4;
        let size = elem.min_size();
        if count < 0 || (count as usize).saturating_mul(size) > left {
            return Err(Error::LimitExceeded(format!(
                "vector of {count} elements at offset {pos} exceeds the {left} bytes left"
            ))
            .into());
        }
        let count = count as usize;
        if count > self.elements_left {
            return Err(Error::LimitExceeded(format!(
                "vector of {count} elements at offset {pos} exceeds the decode budget of {} \
                 elements",
                self.limits.max_elements
            ))
            .into());
        }
        self.elements_left -= count;
        pos += 4;
        let mut items = Vec::new();
        items
            .try_reserve_exact(count)
            .map_err(|_| out_of_memory(format!("a vector of {count} elements")))?;
        for _ in 0..count {
            let (v, next) = self.value(data, pos, depth, elem)?;
            items.push(v);
            pos = next;
        }
        Ok((self.b.vector(items)?, pos))
    }

    fn body(
        &mut self,
        data: &[u8],
        mut pos: usize,
        depth: usize,
        ctor: usize,
    ) -> std::result::Result<(B::Value, usize), B::Error> {
        let codec = self.codec;
        let c = &codec.ctors[ctor];
        if c.cost > self.elements_left {
            return Err(Error::LimitExceeded(format!(
                "{} at offset {pos} exceeds the decode budget of {} elements",
                c.name, self.limits.max_elements
            ))
            .into());
        }
        self.elements_left -= c.cost;
        let mut obj = self.b.begin(ctor)?;
        let mut words = [0u32; MAX_FLAG_WORDS];
        let mut nats = 0;
        for (i, f) in c.fields.iter().enumerate() {
            if let Some((w, mask)) = f.flag {
                if words[w] & mask == 0 {
                    continue;
                }
            }
            match &f.ty {
                Ty::Nat => {
                    if pos + 4 > data.len() {
                        return Err(end(pos, 4, data.len()).into());
                    }
                    words[nats] = u32_at(data, pos);
                    nats += 1;
                    pos += 4;
                }
                Ty::True => {
                    let v = self.b.boolean(true)?;
                    self.b.set(&mut obj, ctor, i, v)?;
                }
                ty => {
                    let (v, next) = self.value(data, pos, depth, ty)?;
                    self.b.set(&mut obj, ctor, i, v)?;
                    pos = next;
                }
            }
        }
        Ok((self.b.finish(obj)?, pos))
    }
}

// ------------------------------------------------------------------------------ encode

/// What a value is as a `string`/`bytes` field.
pub enum Text<'a> {
    /// The bytes to write (a str's UTF-8, or a bytes-like value), borrowed when possible.
    Raw(Cow<'a, [u8]>),
    /// A str that cannot be encoded as UTF-8 (lone surrogates).
    BadUtf8,
    /// Neither str nor bytes-like.
    Not,
}

/// Gives the encoder access to the caller's values.
pub trait Source {
    /// A value.
    type Value;
    /// What [`Source::fields`] prepares once per object for the [`Source::get`] calls (the
    /// instance `__dict__` in the bindings).
    type Fields;
    /// The caller's error type; core errors convert into it.
    type Error: From<Error>;
    /// The value's type name, for messages (Python's `type(v).__name__`).
    fn type_name(&mut self, v: &Self::Value) -> String;
    /// The constructor index when `v` is an object of this codec's classes.
    fn ctor_of(&mut self, v: &Self::Value) -> Option<usize>;
    /// Asked when [`Source::ctor_of`] found nothing: `v`'s constructor when `v` is an object
    /// of another schema's classes (the encoder then [adopts](Codec::adopt) it), `None` for
    /// any other value. The default: no other schemas.
    fn foreign(&mut self, _v: &Self::Value) -> std::result::Result<Option<Foreign>, Self::Error> {
        Ok(None)
    }
    /// Called once per object of constructor `ctor` before its fields are read.
    fn fields(
        &mut self,
        v: &Self::Value,
        ctor: usize,
    ) -> std::result::Result<Self::Fields, Self::Error>;
    /// Field `field` of object `v`; `None` when the object has no such attribute.
    fn get(
        &mut self,
        v: &Self::Value,
        fields: &Self::Fields,
        ctor: usize,
        field: usize,
    ) -> std::result::Result<Option<Self::Value>, Self::Error>;
    /// `v is None`.
    fn is_none(&mut self, v: &Self::Value) -> bool;
    /// `bool(v)`.
    fn truthy(&mut self, v: &Self::Value) -> std::result::Result<bool, Self::Error>;
    /// An int: `None` when not an int, `Some(None)` when outside i64.
    fn int(&mut self, v: &Self::Value) -> std::result::Result<Option<Option<i64>>, Self::Error>;
    /// An int as `size` little-endian bytes when in `-2^(8*size-1) .. 2^(8*size)`
    /// (`Some(None)` when outside); `None` when not an int.
    fn big(
        &mut self,
        v: &Self::Value,
        size: usize,
    ) -> std::result::Result<Option<Option<Vec<u8>>>, Self::Error>;
    /// An int or float as f64 (`Some(None)` on overflow); `None` for other types.
    fn float(&mut self, v: &Self::Value) -> std::result::Result<Option<Option<f64>>, Self::Error>;
    /// Exactly a bool.
    fn boolean(&mut self, v: &Self::Value) -> Option<bool>;
    /// A str or bytes-like value.
    fn text<'v>(&mut self, v: &'v Self::Value) -> std::result::Result<Text<'v>, Self::Error>;
    /// A bytes-like value (not str).
    fn raw<'v>(
        &mut self,
        v: &'v Self::Value,
    ) -> std::result::Result<Option<Cow<'v, [u8]>>, Self::Error>;
    /// The items of a list or tuple.
    fn list(
        &mut self,
        v: &Self::Value,
    ) -> std::result::Result<Option<Vec<Self::Value>>, Self::Error>;
}

/// Where a value sits, for encode error messages; formatted only when an error is raised.
#[derive(Clone, Copy)]
enum Path<'a> {
    /// The top-level value.
    Root,
    /// A field of a constructor.
    Field(&'a CCtor, &'a CField),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => f.write_str("value"),
            Path::Field(c, field) => write!(f, "{}.{}", c.name, field.name),
        }
    }
}

fn encode_deep<E: From<Error>>(path: Path<'_>) -> E {
    encode_err(format!("{path}: nesting deeper than {MAX_DEPTH} levels")).into()
}

struct Encoder<'a, S: Source> {
    codec: &'a Codec,
    s: &'a mut S,
}

/// Appends `raw` as a TL `string`/`bytes`: length prefix, data, zero padding to 4 bytes.
/// The caller checks `raw.len() < 2^24`.
pub fn write_raw(out: &mut Vec<u8>, raw: &[u8]) {
    let len = raw.len();
    if len < 254 {
        out.reserve(len + 4);
        out.push(len as u8);
        out.extend_from_slice(raw);
        out.resize(out.len() + ((4 - (len + 1) % 4) % 4), 0);
    } else {
        out.reserve(len + 7);
        out.extend_from_slice(&(254u32 | (len as u32) << 8).to_le_bytes());
        out.extend_from_slice(raw);
        out.resize(out.len() + ((4 - len % 4) % 4), 0);
    }
}

impl<S: Source> Encoder<'_, S> {
    fn value(
        &mut self,
        ty: &Ty,
        v: &S::Value,
        out: &mut Vec<u8>,
        path: Path<'_>,
        depth: usize,
    ) -> std::result::Result<(), S::Error> {
        let type_err = |s: &mut S, want: &str| -> S::Error {
            encode_err(format!("{path}: expected {want}, got {}", s.type_name(v))).into()
        };
        let range_err = |want: &str| -> S::Error {
            encode_err(format!("{path}: value out of range for {want}")).into()
        };
        match ty {
            Ty::Int | Ty::Long => {
                let Some(x) = self.s.int(v)? else {
                    return Err(type_err(self.s, ty.text()));
                };
                match x {
                    Some(x) if matches!(ty, Ty::Long) => out.extend_from_slice(&x.to_le_bytes()),
                    Some(x) => match i32::try_from(x) {
                        Ok(x) => out.extend_from_slice(&x.to_le_bytes()),
                        Err(_) => return Err(range_err("int")),
                    },
                    None => return Err(range_err(ty.text())),
                }
            }
            Ty::Double => match self.s.float(v)? {
                None => return Err(type_err(self.s, "double")),
                Some(None) => return Err(range_err("double")),
                Some(Some(x)) => out.extend_from_slice(&x.to_le_bytes()),
            },
            Ty::Int128 | Ty::Int256 => {
                let size = if matches!(ty, Ty::Int128) { 16 } else { 32 };
                match self.s.big(v, size)? {
                    Some(Some(b)) => out.extend_from_slice(&b),
                    Some(None) => return Err(range_err(ty.text())),
                    None => match self.s.raw(v)? {
                        Some(b) if b.len() == size => out.extend_from_slice(&b),
                        Some(b) => {
                            return Err(encode_err(format!(
                                "{path}: expected {size} bytes for {}, got {}",
                                ty.text(),
                                b.len()
                            ))
                            .into())
                        }
                        None => return Err(type_err(self.s, ty.text())),
                    },
                }
            }
            Ty::String | Ty::Bytes => match self.s.text(v)? {
                Text::Raw(b) => {
                    if b.len() >= 1 << 24 {
                        return Err(encode_err(format!(
                            "{path}: {} bytes is too long for {}",
                            b.len(),
                            ty.text()
                        ))
                        .into());
                    }
                    write_raw(out, &b);
                }
                Text::BadUtf8 => {
                    return Err(encode_err(format!("{path}: string is not valid UTF-8")).into())
                }
                Text::Not => return Err(type_err(self.s, ty.text())),
            },
            Ty::Bool => match self.s.boolean(v) {
                Some(b) => out.extend_from_slice(
                    &(if b { ID_BOOL_TRUE } else { ID_BOOL_FALSE }).to_le_bytes(),
                ),
                None => return Err(type_err(self.s, "Bool")),
            },
            // Flag words and true flags are written by `body`, never through `value`.
            Ty::True | Ty::Nat => {
                return Err(encode_err(format!("{path}: {} is not a value type", ty.text())).into())
            }
            Ty::Vector { boxed, elem, .. } => {
                let Some(items) = self.s.list(v)? else {
                    return Err(type_err(self.s, ty.text()));
                };
                let Ok(count) = i32::try_from(items.len()) else {
                    return Err(encode_err(format!("{path}: too many items")).into());
                };
                if *boxed {
                    out.extend_from_slice(&ID_VECTOR.to_le_bytes());
                }
                out.extend_from_slice(&count.to_le_bytes());
                for item in &items {
                    self.value(elem, item, out, path, depth)?;
                }
            }
            Ty::Bare { .. } | Ty::Boxed { .. } | Ty::Any => {
                let Some(c) = self.ctor_of(v, path)? else {
                    if matches!(ty, Ty::Any) {
                        if let Some(b) = self.s.boolean(v) {
                            let id = if b { ID_BOOL_TRUE } else { ID_BOOL_FALSE };
                            out.extend_from_slice(&id.to_le_bytes());
                            return Ok(());
                        }
                        if self.s.list(v)?.is_some() {
                            // A list in an `Object` position nests like an object.
                            if depth >= MAX_DEPTH {
                                return Err(encode_deep(path));
                            }
                            let vec = Ty::Vector {
                                boxed: true,
                                elem: Box::new(Ty::Any),
                                text: "Vector<Object>".into(),
                            };
                            return self.value(&vec, v, out, path, depth + 1);
                        }
                    }
                    return Err(type_err(self.s, ty.text()));
                };
                let ctor = &self.codec.ctors[c];
                let ok = match ty {
                    Ty::Bare { ctor: want, .. } => c == *want,
                    Ty::Boxed { ty: want, .. } => ctor.type_idx == Some(*want),
                    _ => true,
                };
                if !ok {
                    return Err(encode_err(format!(
                        "{path}: expected {}, got {}",
                        ty.text(),
                        ctor.name
                    ))
                    .into());
                }
                if depth >= MAX_DEPTH {
                    return Err(encode_deep(path));
                }
                if !matches!(ty, Ty::Bare { .. }) {
                    out.extend_from_slice(&ctor.id.to_le_bytes());
                }
                self.body(c, v, out, depth + 1)?;
            }
        }
        Ok(())
    }

    /// The constructor of `v`: of this codec's classes, or adopted from another schema
    /// (an error says why it cannot be); `None` when `v` is no TL object.
    fn ctor_of(
        &mut self,
        v: &S::Value,
        path: Path<'_>,
    ) -> std::result::Result<Option<usize>, S::Error> {
        if let Some(c) = self.s.ctor_of(v) {
            return Ok(Some(c));
        }
        match self.s.foreign(v)? {
            None => Ok(None),
            Some(foreign) => match self.codec.adopt(&foreign) {
                Ok(c) => Ok(Some(c)),
                Err(why) => Err(encode_err(format!("{path}: {why}")).into()),
            },
        }
    }

    fn body(
        &mut self,
        c: usize,
        obj: &S::Value,
        out: &mut Vec<u8>,
        depth: usize,
    ) -> std::result::Result<(), S::Error> {
        /// Constructors with at most this many fields keep their values on the stack.
        const INLINE: usize = 16;
        let codec = self.codec;
        let ctor = &codec.ctors[c];
        let n = ctor.fields.len();
        let mut inline: [Option<S::Value>; INLINE] = [const { None }; INLINE];
        let mut heap: Vec<Option<S::Value>>;
        let values: &mut [Option<S::Value>] = if n <= INLINE {
            &mut inline[..n]
        } else {
            heap = (0..n).map(|_| None).collect();
            &mut heap
        };
        let fields = self.s.fields(obj, c)?;
        for (i, f) in ctor.fields.iter().enumerate() {
            if !(matches!(f.ty, Ty::Nat) || (matches!(f.ty, Ty::True) && f.flag.is_none())) {
                values[i] = self.s.get(obj, &fields, c, i)?;
            }
        }
        drop(fields);
        let mut words = [0u32; MAX_FLAG_WORDS];
        for (i, f) in ctor.fields.iter().enumerate() {
            let Some((w, mask)) = f.flag else { continue };
            let present = match &values[i] {
                None => false,
                Some(v) if matches!(f.ty, Ty::True) => self.s.truthy(v)?,
                Some(v) => !self.s.is_none(v),
            };
            if present {
                words[w] |= mask;
            }
        }
        let mut nats = 0;
        for (i, f) in ctor.fields.iter().enumerate() {
            if matches!(f.ty, Ty::Nat) {
                out.extend_from_slice(&words[nats].to_le_bytes());
                nats += 1;
                continue;
            }
            if matches!(f.ty, Ty::True) {
                continue;
            }
            if let Some((w, mask)) = f.flag {
                if words[w] & mask == 0 {
                    continue;
                }
            }
            let path = Path::Field(ctor, f);
            let v = match values[i].take() {
                Some(v) if !(f.flag.is_some() && self.s.is_none(&v)) => v,
                _ => return Err(encode_err(format!("{path}: required field is missing")).into()),
            };
            self.value(&f.ty, &v, out, path, depth)?;
        }
        Ok(())
    }
}
