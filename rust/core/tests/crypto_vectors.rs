//! Every crypto vector of `shared/vectors/` (aes_ige, mtproto_msg, srp, pq, auth_key_sample),
//! read at test time; nothing is copied into the project.

use std::path::PathBuf;

use num_bigint::{BigInt, BigUint};
use oxigram_core::crypto::ige::{self, ige_decrypt_with, ige_encrypt_with, Aes256Ige};
use oxigram_core::crypto::kdf::{self, Sender};
use oxigram_core::crypto::{dh, message, pq, rsa, srp};
use serde_json::Value;

fn load(name: &str) -> Value {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors");
    let text = std::fs::read_to_string(dir.join(name))
        .unwrap_or_else(|e| panic!("cannot read shared/vectors/{name}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn hx(v: &Value) -> Vec<u8> {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("not a hex string: {v}"));
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn arr<const N: usize>(v: &Value) -> [u8; N] {
    hx(v).try_into().unwrap()
}

fn never(_: &mut [u8]) {
    panic!("randomness must not be used with explicit inputs");
}

#[test]
fn aes_ige_vectors() {
    let file = load("aes_ige.json");
    let mut n256 = 0;
    for v in file["vectors"].as_array().unwrap() {
        let (key, iv, pt, ct) = (
            hx(&v["key_hex"]),
            hx(&v["iv_hex"]),
            hx(&v["plaintext_hex"]),
            hx(&v["ciphertext_hex"]),
        );
        let name = v["name"].as_str().unwrap();
        let iv: [u8; 32] = iv.try_into().unwrap();
        match v["key_bits"].as_u64().unwrap() {
            128 => {
                use aes::cipher::KeyInit;
                let c = aes::Aes128::new_from_slice(&key).unwrap();
                let mut buf = pt.clone();
                ige_encrypt_with(&c, &mut iv.clone(), &mut buf);
                assert_eq!(buf, ct, "{name}");
                ige_decrypt_with(&c, &mut iv.clone(), &mut buf);
                assert_eq!(buf, pt, "{name}");
            }
            256 => {
                n256 += 1;
                assert_eq!(ige::ige256_encrypt(&pt, &key, &iv).unwrap(), ct, "{name}");
                assert_eq!(ige::ige256_decrypt(&ct, &key, &iv).unwrap(), pt, "{name}");
                // The portable path too.
                let k: [u8; 32] = key.clone().try_into().unwrap();
                let slow = Aes256Ige::new_portable(&k);
                let mut buf = pt.clone();
                slow.encrypt_in_place(&mut iv.clone(), &mut buf);
                assert_eq!(buf, ct, "{name} portable");
                slow.decrypt_in_place(&mut iv.clone(), &mut buf);
                assert_eq!(buf, pt, "{name} portable");
            }
            other => panic!("unexpected key size {other}"),
        }
    }
    assert!(n256 >= 2);
}

#[test]
fn mtproto_message_vectors() {
    let file = load("mtproto_msg.json");
    for v in file["vectors"].as_array().unwrap() {
        let name = v["name"].as_str().unwrap();
        let sender = if v["x"].as_u64().unwrap() == 0 {
            Sender::Client
        } else {
            Sender::Server
        };
        let auth_key = hx(&v["auth_key_hex"]);
        let ak: &[u8; 256] = auth_key.as_slice().try_into().unwrap();
        let plaintext = hx(&v["plaintext_hex"]);
        let padding = hx(&v["padding_hex"]);
        let payload = &plaintext[..plaintext.len() - padding.len()];
        assert_eq!(
            kdf::auth_key_id(ak).to_vec(),
            hx(&v["auth_key_id_hex"]),
            "{name}"
        );
        let msg_key: [u8; 16] = arr(&v["msg_key_hex"]);
        assert_eq!(kdf::msg_key(ak, sender, &plaintext), msg_key, "{name}");
        let (key, iv) = kdf::message_kdf(&auth_key, &msg_key, sender).unwrap();
        assert_eq!(key.to_vec(), hx(&v["aes_key_hex"]), "{name}");
        assert_eq!(iv.to_vec(), hx(&v["aes_iv_hex"]), "{name}");
        let packet = hx(&v["packet_hex"]);
        let enc = message::encrypt_message(&auth_key, payload, sender, Some(&padding), &mut never)
            .unwrap();
        assert_eq!(enc, packet, "{name}");
        assert_eq!(
            message::decrypt_message(&auth_key, &packet, sender).unwrap(),
            payload,
            "{name}"
        );
    }
}

#[test]
fn srp_vectors() {
    let file = load("srp.json");
    for v in file["ph2_vectors"].as_array().unwrap() {
        let x = srp::password_hash(
            v["password_utf8"].as_str().unwrap().as_bytes(),
            &hx(&v["salt1_hex"]),
            &hx(&v["salt2_hex"]),
        );
        assert_eq!(x.to_vec(), hx(&v["x_hex"]));
    }
    for v in file["vectors"].as_array().unwrap() {
        let name = v["name"].as_str().unwrap();
        let pw = hx(&v["password_hex"]);
        assert_eq!(
            pw,
            v["password_utf8"].as_str().unwrap().as_bytes(),
            "{name}"
        );
        let (s1, s2, p) = (hx(&v["salt1_hex"]), hx(&v["salt2_hex"]), hx(&v["p_hex"]));
        let g = BigInt::from(v["g"].as_u64().unwrap());
        if v.get("x_hex").is_some() {
            assert_eq!(
                srp::password_hash(&pw, &s1, &s2).to_vec(),
                hx(&v["x_hex"]),
                "{name}"
            );
        }
        if v.get("v_hex").is_some() {
            assert_eq!(
                srp::verifier(&pw, &s1, &s2, &g, &p).unwrap().to_vec(),
                hx(&v["v_hex"])
            );
        }
        let a = hx(&v["a_hex"]);
        let (big_a, m1) = srp::answer(
            &pw,
            &s1,
            &s2,
            &g,
            &p,
            &hx(&v["srp_B_hex"]),
            Some(&a),
            &mut never,
        )
        .unwrap();
        assert_eq!(big_a.to_vec(), hx(&v["A_hex"]), "{name}");
        assert_eq!(m1.to_vec(), hx(&v["M1_hex"]), "{name}");
    }
}

#[test]
fn pq_vectors() {
    let file = load("pq.json");
    for v in file["vectors"].as_array().unwrap() {
        let (p, q) = pq::factorize(v["pq"].as_u64().unwrap()).unwrap();
        assert_eq!((p, q), (v["p"].as_u64().unwrap(), v["q"].as_u64().unwrap()));
        assert_eq!(
            p.to_be_bytes()
                .iter()
                .skip_while(|&&b| b == 0)
                .copied()
                .collect::<Vec<_>>(),
            hx(&v["p_hex"])
        );
    }
}

#[test]
fn auth_key_sample() {
    let v = load("auth_key_sample.json");
    let new_nonce: [u8; 32] = arr(&v["new_nonce_hex"]);
    let server_nonce: [u8; 16] = arr(&v["server_nonce_hex"]);
    let (key, iv) = kdf::tmp_aes_key_iv(&new_nonce, &server_nonce);
    assert_eq!(key.to_vec(), hx(&v["tmp_aes_key_hex"]));
    assert_eq!(iv.to_vec(), hx(&v["tmp_aes_iv_hex"]));
    // The encrypted answer decrypts to answer_with_hash (and back).
    let enc = hx(&v["server_DH_params_ok_encrypted_answer_hex"]);
    let answer = hx(&v["answer_with_hash_hex"]);
    assert_eq!(ige::ige256_decrypt(&enc, &key, &iv).unwrap(), answer);
    assert_eq!(ige::ige256_encrypt(&answer, &key, &iv).unwrap(), enc);
    // The client's set_client_DH_params payload.
    let inner = hx(&v["client_DH_inner_data_hex"]);
    let mut data = sha1_of(&inner);
    data.extend_from_slice(&inner);
    data.extend_from_slice(&hx(&v["client_DH_padding_hex"]));
    assert_eq!(
        ige::ige256_encrypt(&data, &key, &iv).unwrap(),
        hx(&v["set_client_DH_params_encrypted_data_hex"])
    );
    // dh_prime and g_a from server_DH_inner_data: constructor(4) nonce(16) server_nonce(16)
    // g(4) dh_prime(TL bytes: fe 00 01 00 + 256) g_a(TL bytes: fe 00 01 00 + 256) time(4).
    let sdh = hx(&v["server_DH_inner_data_hex"]);
    let dh_prime = &sdh[40 + 4..40 + 4 + 256];
    let g_a = &sdh[300 + 4..300 + 4 + 256];
    let g = BigInt::from(v["g"].as_u64().unwrap());
    assert_eq!(dh::check_dh_prime(dh_prime, &g).unwrap(), 3);
    let b = hx(&v["b_hex"]);
    let p: &[u8; 256] = dh_prime.try_into().unwrap();
    let (_, g_b) = dh::keypair(3, p, Some(&b), &mut never).unwrap();
    assert_eq!(g_b.to_vec(), hx(&v["g_b_hex"]));
    let auth_key = dh::dh_shared_key(g_a, &b, dh_prime).unwrap();
    assert_eq!(auth_key.to_vec(), hx(&v["auth_key_hex"]));
    assert_eq!(
        kdf::auth_key_id(&auth_key).to_vec(),
        hx(&v["auth_key_id_hex"])
    );
    assert_eq!(
        kdf::auth_key_aux_hash(&auth_key).to_vec(),
        hx(&v["auth_key_aux_hash_hex"])
    );
    assert_eq!(
        kdf::new_nonce_hash(&new_nonce, 1, &auth_key).to_vec(),
        hx(&v["dh_gen_ok_new_nonce_hash1_hex"])
    );
    assert_eq!(
        kdf::server_salt(&new_nonce, &server_nonce).to_vec(),
        hx(&v["server_salt_hex"])
    );
    let (p_, q_) = pq::factorize(v["pq"].as_u64().unwrap()).unwrap();
    assert_eq!(
        (p_, q_),
        (v["p"].as_u64().unwrap(), v["q"].as_u64().unwrap())
    );

    // RSA_PAD with the retry branch, then the server role undoing it.
    let r = &v["rsa_pad_vector"];
    let n: BigInt = r["rsa_n_decimal"].as_str().unwrap().parse().unwrap();
    let e = BigInt::from(r["rsa_e"].as_u64().unwrap());
    let data = hx(&r["data_hex"]);
    let pad = hx(&r["random_padding_hex"]);
    let (k0, k1) = (
        hx(&r["temp_key_attempt0_hex"]),
        hx(&r["temp_key_attempt1_hex"]),
    );
    let out = rsa::pad_encrypt(&data, &n, &e, Some(&pad), &[&k0, &k1], &mut never).unwrap();
    assert_eq!(out.to_vec(), hx(&r["encrypted_data_hex"]));
    // Only attempt1 alone gives the same result; attempt0 alone must fall through to the rng.
    let out1 = rsa::pad_encrypt(&data, &n, &e, Some(&pad), &[&k1], &mut never).unwrap();
    assert_eq!(out1, out);
    let mut used_rng = false;
    let mut feed = |b: &mut [u8]| {
        used_rng = true;
        b.copy_from_slice(&k1);
    };
    let out2 = rsa::pad_encrypt(&data, &n, &e, Some(&pad), &[&k0], &mut feed).unwrap();
    assert!(used_rng);
    assert_eq!(out2, out);
    // Fingerprint of the docs' sample key is not published with n; check the retry key's shape.
    let fp = rsa::fingerprint_checked(&n, &e).unwrap();
    assert_ne!(fp, 0);
}

fn sha1_of(data: &[u8]) -> Vec<u8> {
    use sha1::{Digest, Sha1};
    Sha1::digest(data).to_vec()
}

/// A 2048-bit RSA key for the server-role round trip, built from two known primes of the test:
/// n = p*q with p, q safe-ish 1024-bit primes would need generation; instead use e = 3 style
/// check on the vector key by encrypting with e and verifying the RSA_PAD structure parses.
#[test]
fn rsa_pad_server_roundtrip() {
    // Small-exponent round trip with a real key pair: p and q from num-bigint probable primes.
    let p = next_prime(BigUint::from(3u8) << 1022 | BigUint::from(0x1234_5678u64));
    let q = next_prime(BigUint::from(3u8) << 1022 | BigUint::from(0x9abc_def1u64));
    let n = &p * &q;
    assert_eq!(n.bits(), 2048);
    let phi = (&p - 1u8) * (&q - 1u8);
    let e = BigUint::from(65537u32);
    let d = modinv(&e, &phi);
    let (n, e, d) = (BigInt::from(n), BigInt::from(e), BigInt::from(d));
    let data = vec![0x42u8; 100];
    let mut ctr = 0u8;
    let mut rng = |b: &mut [u8]| {
        for x in b {
            ctr = ctr.wrapping_add(13);
            *x = ctr;
        }
    };
    let enc = rsa::pad_encrypt(&data, &n, &e, None, &[], &mut rng).unwrap();
    let dwp = rsa::pad_decrypt(&enc, &n, &d).unwrap();
    assert_eq!(&dwp[..100], &data[..]);
    let mut bad = enc;
    bad[255] ^= 1;
    let err = rsa::pad_decrypt(&bad, &n, &d);
    assert!(err.is_err());
    let legacy = rsa::encrypt_legacy(&data, &n, &e, None, &mut rng).unwrap();
    let raw = rsa::decrypt(&legacy, &n, &d).unwrap();
    assert_eq!(raw[0], 0);
    assert_eq!(&raw[1..21], &sha1_of(&data)[..]);
    assert_eq!(&raw[21..121], &data[..]);
}

fn next_prime(mut x: BigUint) -> BigUint {
    if !x.bit(0) {
        x += 1u8;
    }
    while !oxigram_core::crypto::primes::is_probable_prime(&x, 8) {
        x += 2u8;
    }
    x
}

fn modinv(a: &BigUint, m: &BigUint) -> BigUint {
    let (a, m) = (BigInt::from(a.clone()), BigInt::from(m.clone()));
    let (mut old_r, mut r) = (a, m.clone());
    let (mut old_s, mut s) = (BigInt::from(1), BigInt::from(0));
    while r != BigInt::from(0) {
        let q = &old_r / &r;
        (old_r, r) = (r.clone(), &old_r - &q * &r);
        (old_s, s) = (s.clone(), &old_s - &q * &s);
    }
    (((old_s % &m) + &m) % &m).to_biguint().unwrap()
}
