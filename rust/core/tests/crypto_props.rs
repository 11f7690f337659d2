//! Properties of the crypto core: round trips, tamper detection, factorization and the
//! Montgomery exponentiation against `num-bigint`.

use num_bigint::BigUint;
use oxigram_core::crypto::bignum::powmod;
use oxigram_core::crypto::ige::{self, Aes256Ige};
use oxigram_core::crypto::kdf::Sender;
use oxigram_core::crypto::message;
use oxigram_core::crypto::pq;
use oxigram_core::crypto::primes::is_prime_u64;
use proptest::prelude::*;

fn payload_from(body: &[u8], header: [u8; 28]) -> Vec<u8> {
    let body = &body[..body.len() / 4 * 4];
    let mut p = header.to_vec();
    p.extend_from_slice(&(body.len() as i32).to_le_bytes());
    p.extend_from_slice(body);
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    #[test]
    fn ige_roundtrip(blocks in 1usize..40, seed in any::<u64>(), key in any::<[u8; 32]>(), iv in any::<[u8; 32]>()) {
        let data: Vec<u8> = (0..16 * blocks).map(|i| (seed.rotate_left(i as u32 % 64) as u8) ^ i as u8).collect();
        let ct = ige::ige256_encrypt(&data, &key, &iv).unwrap();
        prop_assert_eq!(ige::ige256_decrypt(&ct, &key, &iv).unwrap(), data.clone());
        // The portable path agrees with the accelerated one.
        let mut buf = data.clone();
        Aes256Ige::new_portable(&key).encrypt_in_place(&mut iv.clone(), &mut buf);
        prop_assert_eq!(buf, ct);
    }

    #[test]
    fn message_roundtrip_and_tamper(
        body in proptest::collection::vec(any::<u8>(), 0..600),
        header in any::<[u8; 28]>(),
        key in proptest::collection::vec(any::<u8>(), 256),
        server in any::<bool>(),
        flip in any::<usize>(),
        bit in 0u8..8,
    ) {
        let sender = if server { Sender::Server } else { Sender::Client };
        let payload = payload_from(&body, header);
        let mut ctr = 0u8;
        let mut rng = |b: &mut [u8]| for x in b { ctr = ctr.wrapping_mul(31).wrapping_add(7); *x = ctr; };
        let packet = message::encrypt_message(&key, &payload, sender, None, &mut rng).unwrap();
        prop_assert_eq!(message::decrypt_message(&key, &packet, sender).unwrap(), payload);
        let mut bad = packet.clone();
        let i = flip % bad.len();
        bad[i] ^= 1 << bit;
        prop_assert!(message::decrypt_message(&key, &bad, sender).is_err());
        // Truncations and extensions are rejected too, never a panic.
        prop_assert!(message::decrypt_message(&key, &packet[..packet.len() - 16], sender).is_err());
        prop_assert!(message::decrypt_message(&key, &packet[..i], sender).is_err());
    }

    #[test]
    fn hostile_packets_never_panic(packet in proptest::collection::vec(any::<u8>(), 0..300), key in proptest::collection::vec(any::<u8>(), 256)) {
        let _ = message::decrypt_message(&key, &packet, Sender::Client);
        let mut with_id = packet.clone();
        if with_id.len() >= 8 {
            with_id[..8].copy_from_slice(&oxigram_core::crypto::kdf::auth_key_id(key.as_slice().try_into().unwrap()));
        }
        let _ = message::decrypt_message(&key, &with_id, Sender::Server);
    }

    #[test]
    fn factorize_products(a in 2u64..(1 << 32), b in 2u64..(1 << 32)) {
        let p = next_prime_u64(a);
        let q = next_prime_u64(b);
        let (lo, hi) = if p <= q { (p, q) } else { (q, p) };
        if let Some(n) = lo.checked_mul(hi) {
            prop_assert_eq!(pq::factorize(n).unwrap(), (lo, hi));
        }
    }

    #[test]
    fn montgomery_matches_num_bigint(
        base in proptest::collection::vec(any::<u8>(), 0..300),
        exp in proptest::collection::vec(any::<u8>(), 0..300),
        m in proptest::collection::vec(any::<u8>(), 1..300),
    ) {
        let (b, e, m) = (BigUint::from_bytes_be(&base), BigUint::from_bytes_be(&exp), BigUint::from_bytes_be(&m));
        prop_assume!(m > BigUint::from(0u8));
        prop_assert_eq!(powmod(&b, &e, &m), b.modpow(&e, &m));
        let odd = &m | BigUint::from(1u8);
        prop_assert_eq!(powmod(&b, &e, &odd), b.modpow(&e, &odd));
    }
}

fn next_prime_u64(mut x: u64) -> u64 {
    while !is_prime_u64(x) {
        x += 1;
    }
    x
}
