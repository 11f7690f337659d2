//! The decode budget (bytes unpacked from all `gzip_packed` together, elements built) and
//! reading `gzip_packed` as zlib does.

use oxigram_core::error::Error;
use oxigram_core::tl::value::{Value, ValueCodec};
use oxigram_core::tl::{Codec, Limits};

const SCHEMA: &str = "\
boolFalse#bc799737 = Bool;
boolTrue#997275b5 = Bool;
vector#1cb5c415 {t:Type} # [ t ] = Vector t;
peerUser#59511722 user_id:long = Peer;
";

const VECTOR: u32 = 0x1cb5_c415;
const TRUE: u32 = 0x9972_75b5;
const GZIP: u32 = 0x3072_cfa1;

fn codec() -> Codec {
    Codec::from_text(SCHEMA).expect("schema")
}

fn words(ws: &[u32]) -> Vec<u8> {
    ws.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// `payload` as a gzip member of stored deflate blocks, with the given header flags and
/// extra header bytes.
fn gzip_with(payload: &[u8], flags: u8, extra: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 3];
    out.extend_from_slice(extra);
    let blocks: Vec<&[u8]> = payload.chunks(65535).collect();
    for (i, block) in blocks.iter().enumerate() {
        let len = block.len() as u16;
        out.push(u8::from(i + 1 == blocks.len())); // stored block, final or not
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    if blocks.is_empty() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out
}

/// `gzip_packed` around the raw member `member`.
fn packed(member: &[u8]) -> Vec<u8> {
    let mut out = GZIP.to_le_bytes().to_vec();
    let n = member.len();
    if n < 254 {
        out.push(n as u8);
        out.extend_from_slice(member);
        out.resize(out.len() + (4 - (n + 1) % 4) % 4, 0);
    } else {
        out.extend_from_slice(&(254 | (n as u32) << 8).to_le_bytes());
        out.extend_from_slice(member);
        out.resize(out.len() + (4 - n % 4) % 4, 0);
    }
    out
}

fn decode(data: &[u8], limits: Limits) -> Result<Value, Error> {
    codec().decode_within(&mut ValueCodec, data, true, limits)
}

fn limits(max_inflated: usize, max_elements: usize) -> Limits {
    Limits {
        max_inflated,
        max_elements,
    }
}

/// A vector of `copies` copies of one `gzip_packed` of a vector of `n` boolTrue.
fn breadth(copies: u32, n: u32) -> Vec<u8> {
    let mut inner = words(&[VECTOR, n]);
    inner.extend(std::iter::repeat_n(TRUE.to_le_bytes(), n as usize).flatten());
    let one = packed(&gzip_with(&inner, 0, &[]));
    let mut data = words(&[VECTOR, copies]);
    for _ in 0..copies {
        data.extend_from_slice(&one);
    }
    data
}

#[test]
fn the_inflated_total_counts_every_gzip_packed_of_the_message() {
    // Each copy unpacks to 8 + 4 * 100 = 408 bytes; the third (at 8 + 2 * 440) is over.
    let data = breadth(3, 100);
    assert!(decode(&data, limits(3 * 408, 1000)).is_ok());
    let err = decode(&data, limits(3 * 408 - 1, 1000)).unwrap_err();
    assert_eq!(
        err,
        Error::LimitExceeded(
            "gzip_packed at offset 888 unpacks past the decode budget of 1223 bytes".into()
        )
    );
}

#[test]
fn the_element_budget_counts_vector_items_and_objects() {
    // 3 outer items + 3 * 100 inner items.
    let data = breadth(3, 100);
    assert!(decode(&data, limits(1 << 20, 303)).is_ok());
    let err = decode(&data, limits(1 << 20, 302)).unwrap_err();
    assert_eq!(
        err,
        Error::LimitExceeded(
            "vector of 100 elements at offset 4 exceeds the decode budget of 302 elements".into()
        )
    );
    // An object costs one plus its fields: a vector of 2 peerUser is 2 + 2 * 2.
    let mut users = words(&[VECTOR, 2]);
    for id in [7u64, 8] {
        users.extend_from_slice(&0x5951_1722u32.to_le_bytes());
        users.extend_from_slice(&id.to_le_bytes());
    }
    assert!(decode(&users, limits(0, 6)).is_ok());
    let err = decode(&users, limits(0, 5)).unwrap_err();
    assert_eq!(
        err,
        Error::LimitExceeded(
            "peerUser at offset 24 exceeds the decode budget of 5 elements".into()
        )
    );
}

#[test]
fn a_vector_count_is_checked_before_anything_is_reserved() {
    // Enough bytes for the count (boolTrue is 4 bytes), far too many elements: refused
    // before a single item is read.
    let mut data = words(&[VECTOR, 1_000_000]);
    data.resize(8 + 4_000_000, 0);
    let err = decode(&data, limits(0, 10)).unwrap_err();
    assert!(matches!(err, Error::LimitExceeded(m) if m.starts_with("vector of 1000000")));
}

#[test]
fn the_default_budget_refuses_the_breadth_bomb_quickly() {
    // Copies of a payload of 3 million boolTrue (the bomb, stored instead of
    // deflated): the first copy is over the element budget.
    let data = breadth(2, 3_000_000);
    let started = std::time::Instant::now();
    let err = decode(&data, Limits::default()).unwrap_err();
    assert!(matches!(err, Error::LimitExceeded(_)), "{err:?}");
    assert!(started.elapsed().as_secs_f64() < 2.0);
}

#[test]
fn gzip_is_read_as_zlib_reads_it() {
    let user = {
        let mut v = 0x5951_1722u32.to_le_bytes().to_vec();
        v.extend_from_slice(&5u64.to_le_bytes());
        v
    };
    let ok = |member: &[u8]| decode(&packed(member), Limits::default());
    let bad = Error::TlDecode("gzip_packed at offset 0 holds bad compressed data".into());
    assert!(ok(&gzip_with(&user, 0, &[])).is_ok());
    // FEXTRA, FNAME and FCOMMENT are skipped; FHCRC is checked.
    let named = gzip_with(&user, 4 | 8 | 16, b"\x02\x00xyname\0comment\0");
    assert!(ok(&named).is_ok());
    let mut header = vec![0x1f, 0x8b, 8, 2, 0, 0, 0, 0, 0, 3];
    let crc = (crc32fast::hash(&header) as u16).to_le_bytes();
    header.extend_from_slice(&crc);
    assert!(ok(&gzip_with(&user, 2, &crc)).is_ok());
    assert_eq!(
        ok(&gzip_with(&user, 2, &[crc[0] ^ 1, crc[1]])),
        Err(bad.clone())
    );
    // Reserved flags, a wrong method, a bad CRC-32 or length, a truncated trailer.
    assert_eq!(ok(&gzip_with(&user, 0x20, &[])), Err(bad.clone()));
    let mut method = gzip_with(&user, 0, &[]);
    method[2] = 7;
    assert_eq!(ok(&method), Err(bad.clone()));
    let member = gzip_with(&user, 0, &[]);
    let n = member.len();
    for at in [n - 8, n - 4] {
        let mut broken = member.clone();
        broken[at] ^= 1;
        assert_eq!(ok(&broken), Err(bad.clone()));
    }
    assert_eq!(ok(&member[..n - 1]), Err(bad.clone()));
    // Bytes after the member are ignored, as zlib leaves them unused.
    let mut after = member.clone();
    after.extend_from_slice(b"junk");
    assert!(ok(&after).is_ok());
    // A back-reference before the start of the output (zlib: "invalid distance too far
    // back"); the pure twin has always refused it.
    let hex = "a1cf72301a1f8b080000000000000353120f8c844900001b4835800c00000000";
    let far: Vec<u8> = (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    assert_eq!(decode(&far, Limits::default()), Err(bad));
}
