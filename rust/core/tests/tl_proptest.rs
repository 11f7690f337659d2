//! Property tests of the TL codec over the shipped schema: the decoder never panics on random
//! or mutated bytes (every failure is a typed TL error), and generated values of every
//! constructor round-trip through encode and decode.

use oxigram_core::error::Error;
use oxigram_core::tl::codec::Ty;
use oxigram_core::tl::value::{Value, ValueCodec};
use oxigram_core::tl::Codec;
use proptest::prelude::*;

fn shipped() -> &'static Codec {
    use std::sync::OnceLock;
    static CODEC: OnceLock<Codec> = OnceLock::new();
    CODEC.get_or_init(|| {
        let text = [
            include_str!("../../../python/oxigram/tl/mtproto.tl"),
            include_str!("../../../python/oxigram/tl/api.tl"),
        ]
        .join("\n");
        Codec::from_text(&text).expect("the shipped schema compiles")
    })
}

/// A small deterministic generator (xorshift64*), driven by a proptest seed.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn bytes(&mut self) -> Vec<u8> {
        let n = [0, 1, 3, 4, 253, 254, 300][self.below(7)];
        (0..n).map(|_| self.next() as u8).collect()
    }
    fn value(&mut self, codec: &Codec, ty: &Ty, depth: usize) -> Value {
        match ty {
            Ty::Int => Value::Int(i64::from(self.next() as i32)),
            Ty::Long => Value::Int(self.next() as i64),
            Ty::Double => Value::Double((self.next() >> 11) as f64 / 3.0),
            Ty::Int128 => Value::Big((0..16).map(|_| self.next() as u8).collect()),
            Ty::Int256 => Value::Big((0..32).map(|_| self.next() as u8).collect()),
            Ty::String => Value::Str(
                (0..self.below(20))
                    .map(|_| ['a', 'é', '€', '😀', ' '][self.below(5)])
                    .collect(),
            ),
            Ty::Bytes => Value::Bytes(self.bytes()),
            Ty::Bool | Ty::True | Ty::Nat => Value::Bool(self.next() & 1 == 1),
            Ty::Vector { elem, .. } => {
                let n = if depth > 3 { 0 } else { self.below(3) };
                Value::List((0..n).map(|_| self.value(codec, elem, depth + 1)).collect())
            }
            Ty::Bare { ctor, .. } => self.object(codec, *ctor, depth + 1),
            Ty::Boxed { ty, .. } => {
                let members: Vec<usize> = (0..codec.ctors.len())
                    .filter(|&i| codec.ctors[i].type_idx == Some(*ty))
                    .collect();
                let pick = if depth > 3 {
                    *members
                        .iter()
                        .min_by_key(|&&i| codec.ctors[i].fields.len())
                        .expect("a type has constructors")
                } else {
                    members[self.below(members.len())]
                };
                self.object(codec, pick, depth + 1)
            }
            Ty::Any => {
                let c = codec.ctor_by_id(0xc4f9_186b).expect("help.getConfig");
                self.object(codec, c, depth + 1)
            }
        }
    }
    /// An object as the decoder builds it: present fields in order, set true flags as true.
    fn object(&mut self, codec: &Codec, ctor: usize, depth: usize) -> Value {
        let c = &codec.ctors[ctor];
        let mut bits = std::collections::HashMap::new();
        let mut fields = Vec::new();
        for (i, f) in c.fields.iter().enumerate() {
            if matches!(f.ty, Ty::Nat) {
                continue;
            }
            if let Some(flag) = f.flag {
                let on = *bits
                    .entry(flag)
                    .or_insert_with(|| depth < 4 && self.next() & 1 == 1);
                if !on {
                    continue;
                }
                if matches!(f.ty, Ty::True) {
                    fields.push((i, Value::Bool(true)));
                    continue;
                }
            }
            fields.push((i, self.value(codec, &f.ty, depth)));
        }
        Value::Obj(ctor, fields)
    }
}

/// A decode error of one of the TL decode classes (never a schema, encode or other error).
fn typed(e: &Error) -> bool {
    matches!(
        e,
        Error::UnexpectedEnd(_)
            | Error::UnknownConstructor { .. }
            | Error::WrongType(_)
            | Error::LimitExceeded(_)
            | Error::TrailingBytes(_)
            | Error::TlDecode(_)
    )
}

fn encode(codec: &Codec, v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    codec
        .encode(&mut ValueCodec, v, &mut out)
        .expect("generated values encode");
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..256)) {
        if let Err(e) = shipped().decode(&mut ValueCodec, &data, true) {
            prop_assert!(typed(&e), "{:?}", e);
        }
    }

    #[test]
    fn mutated_valid_bytes_never_panic(seed in any::<u64>(), edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..5), cut in any::<usize>()) {
        let codec = shipped();
        let mut g = Gen(seed | 1);
        let ctor = g.below(codec.ctors.len());
        let mut wire = encode(codec, &g.object(codec, ctor, 0));
        for (at, byte) in edits {
            let n = wire.len();
            wire[at % n] = byte;
        }
        for chunk in [&wire[..], &wire[..cut % (wire.len() + 1)]] {
            for exact in [true, false] {
                if let Err(e) = codec.decode(&mut ValueCodec, chunk, exact) {
                    prop_assert!(typed(&e), "{:?}", e);
                }
            }
        }
    }
}

proptest! {
    // Each case walks every constructor of the schema.
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_constructor_round_trips(seed in any::<u64>()) {
        let codec = shipped();
        let mut g = Gen(seed | 1);
        for ctor in 0..codec.ctors.len() {
            let v = g.object(codec, ctor, 0);
            let wire = encode(codec, &v);
            let back = codec.decode(&mut ValueCodec, &wire, true).expect("decodes");
            prop_assert_eq!(&back, &v, "{}", codec.ctors[ctor].name);
            prop_assert_eq!(encode(codec, &back), wire);
        }
    }
}
