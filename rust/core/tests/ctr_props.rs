//! AES-256-CTR: the obfuscated2 vector of `shared/vectors/transports.json` and properties
//! (any chunking gives the one-shot bytes, on both paths; applying twice is the identity).

use std::path::PathBuf;

use oxigram_core::crypto::ctr::Aes256Ctr;
use proptest::prelude::*;
use serde_json::Value;

fn hx(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The client's encrypting stream of the obfuscated2 vector: key = header[8:40], counter =
/// header[40:56]; the header (tag at 56..59) and then the first frame go through it, and the
/// wire carries header[..56], the encrypted header[56..64], then the encrypted frame.
#[test]
fn obfuscated2_vector() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors/transports.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let file: Value = serde_json::from_str(&text).unwrap();
    let v = &file["obfuscated2"][0];
    let field = |name: &str| hx(v[name].as_str().unwrap());
    let mut header = field("random_64_hex");
    header[56..60].copy_from_slice(&field("protocol_tag_hex"));
    let key: [u8; 32] = header[8..40].try_into().unwrap();
    let iv: [u8; 16] = header[40..56].try_into().unwrap();
    assert_eq!(key.to_vec(), field("encrypt_key_hex"));
    let frame = field("first_frame_plain_hex");
    let wire = [field("init_header_hex"), field("first_frame_wire_hex")].concat();
    for portable in [false, true] {
        let mut ctr = if portable {
            Aes256Ctr::new_portable(&key, &iv)
        } else {
            Aes256Ctr::new(&key, &iv)
        };
        let mut h = header.clone();
        ctr.apply_keystream(&mut h);
        assert_eq!(h[56..], wire[56..64]);
        let mut f = frame.clone();
        ctr.apply_keystream(&mut f);
        assert_eq!(f, wire[64..]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn chunked_equals_one_shot(
        data in proptest::collection::vec(any::<u8>(), 0..2000),
        cuts in proptest::collection::vec(0usize..2000, 0..8),
        key in any::<[u8; 32]>(),
        iv in any::<[u8; 16]>(),
        near_wrap in any::<bool>(),
    ) {
        // Sometimes start a few blocks before the 64-bit and 128-bit carries.
        let iv = if near_wrap { (u128::MAX - (u128::from(iv[0]) % 40)).to_be_bytes() } else { iv };
        let mut one_shot = data.clone();
        Aes256Ctr::new_portable(&key, &iv).apply_keystream(&mut one_shot);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (data.len() + 1)).collect();
        cuts.push(0);
        cuts.push(data.len());
        cuts.sort_unstable();
        for portable in [false, true] {
            let mut ctr = if portable { Aes256Ctr::new_portable(&key, &iv) } else { Aes256Ctr::new(&key, &iv) };
            let mut out = vec![0u8; data.len()];
            for w in cuts.windows(2) {
                ctr.apply_keystream_to(&data[w[0]..w[1]], &mut out[w[0]..w[1]]);
            }
            prop_assert_eq!(&out, &one_shot);
            // In place from the same starting point decrypts it back.
            let mut back = out.clone();
            Aes256Ctr::new(&key, &iv).apply_keystream(&mut back);
            prop_assert_eq!(&back, &data);
        }
    }
}
