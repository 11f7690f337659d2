//! Fused encryption and decryption of MTProto 2.0 messages: one call does the hashing, key
//! derivation, IGE and every receiver check, so a binding crosses into Rust once per message.
//!
//! `payload` = salt(8) | session_id(8) | msg_id(8) | seq_no(4) | length(4, LE) | body;
//! packet = auth_key_id(8) | msg_key(16) | AES-256-IGE(payload | padding).

use sha2::{Digest, Sha256};

use super::ige::Aes256Ige;
use super::kdf::{self, Sender};
use super::{ct_eq, Rng};
use crate::error::{Error, Result};

/// Largest payload `encrypt_message` accepts (16 MiB).
pub const MAX_PAYLOAD: usize = 16 * 1024 * 1024;
/// Fixed header of a payload: salt, session_id, msg_id, seq_no, length.
pub const HEADER: usize = 32;
/// auth_key_id + msg_key in front of the ciphertext.
pub const PREFIX: usize = 24;

fn security(message: String) -> Error {
    Error::MessageSecurity(message)
}

/// The little-endian int32 length field of a payload header (signed, as TL `int`).
fn length_field(header: &[u8]) -> i32 {
    i32::from_le_bytes([header[28], header[29], header[30], header[31]])
}

/// Checks a payload to encrypt: size, length field, body alignment (documented order).
pub fn check_payload(payload: &[u8]) -> Result<()> {
    let n = payload.len();
    if !(HEADER..=MAX_PAYLOAD).contains(&n) {
        return Err(Error::invalid(format!(
            "payload must be 32 to 16777216 bytes, not {n}"
        )));
    }
    let body = n - HEADER;
    let field = length_field(payload);
    if i64::from(field) != body as i64 {
        return Err(Error::invalid(format!(
            "payload length field is {field} but the body is {body} bytes"
        )));
    }
    if body % 4 != 0 {
        return Err(Error::invalid(format!(
            "message body length {body} is not a multiple of 4"
        )));
    }
    Ok(())
}

/// Checks an explicit padding length for a payload of `payload_len` bytes.
pub fn check_padding(payload_len: usize, padding_len: usize) -> Result<()> {
    if !(12..=1024).contains(&padding_len) || (payload_len + padding_len) % 16 != 0 {
        return Err(Error::invalid(format!(
            "padding must be 12 to 1024 bytes making the total a multiple of 16, not {padding_len}"
        )));
    }
    Ok(())
}

/// Length of the random padding used when none is given: the shortest valid one (12..27
/// bytes), as Telethon and TDLib do; longer padding only costs bandwidth on every message.
pub fn random_padding_len(payload_len: usize) -> usize {
    12 + (16 - (payload_len + 12) % 16) % 16
}

/// Length of the packet that [`encrypt_message_into`] writes.
pub fn packet_len(payload_len: usize, padding_len: usize) -> usize {
    PREFIX + payload_len + padding_len
}

/// Encrypts a checked payload with the given padding into `out` (of [`packet_len`] bytes).
///
/// The arguments must have passed [`kdf::check_auth_key`], [`check_payload`] and
/// [`check_padding`]; they are checked again here, cheaply.
pub fn encrypt_message_into(
    auth_key: &[u8],
    payload: &[u8],
    sender: Sender,
    padding: &[u8],
    out: &mut [u8],
) -> Result<()> {
    let auth_key = kdf::check_auth_key(auth_key)?;
    check_payload(payload)?;
    check_padding(payload.len(), padding.len())?;
    if out.len() != packet_len(payload.len(), padding.len()) {
        return Err(Error::invalid("output buffer has the wrong length"));
    }
    let (prefix, body) = out.split_at_mut(PREFIX);
    body[..payload.len()].copy_from_slice(payload);
    body[payload.len()..].copy_from_slice(padding);
    let msg_key = kdf::msg_key(auth_key, sender, body);
    let (key, mut iv) = kdf::message_key_iv(auth_key, &msg_key, sender);
    Aes256Ige::new(&key).encrypt_in_place(&mut iv, body);
    prefix[..8].copy_from_slice(&kdf::auth_key_id_cached(auth_key));
    prefix[8..].copy_from_slice(&msg_key);
    Ok(())
}

/// Encrypts one message; when `padding` is `None`, the shortest valid padding is drawn from
/// `rng`.
pub fn encrypt_message(
    auth_key: &[u8],
    payload: &[u8],
    sender: Sender,
    padding: Option<&[u8]>,
    rng: Rng<'_>,
) -> Result<Vec<u8>> {
    kdf::check_auth_key(auth_key)?;
    check_payload(payload)?;
    let mut random = [0u8; 28];
    let padding = match padding {
        Some(p) => {
            check_padding(payload.len(), p.len())?;
            p
        }
        None => {
            let n = random_padding_len(payload.len());
            rng(&mut random[..n]);
            &random[..n]
        }
    };
    let mut out = vec![0u8; packet_len(payload.len(), padding.len())];
    encrypt_message_into(auth_key, payload, sender, padding, &mut out)?;
    Ok(out)
}

/// A packet whose outer checks passed and whose first two blocks are decrypted: it knows how
/// long the payload claims to be, so the caller can allocate the result exactly, then call
/// [`Opened::finish`] to decrypt into it and run the remaining checks.
pub struct Opened<'a> {
    auth_key: &'a [u8; 256],
    sender: Sender,
    msg_key: [u8; 16],
    cipher: Aes256Ige,
    /// IGE state after the first 32 bytes.
    iv: [u8; 32],
    head: [u8; HEADER],
    /// Ciphertext after the first 32 bytes.
    rest: &'a [u8],
    /// Decrypted length (packet length - 24).
    total: usize,
    /// The claimed length field, when it is plausible (0 <= L <= total - 32).
    claimed: Option<usize>,
    raw_length: i32,
}

/// Runs the packet-level checks (length, auth_key_id) and decrypts the header.
pub fn open<'a>(auth_key: &'a [u8], packet: &'a [u8], sender: Sender) -> Result<Opened<'a>> {
    let auth_key = kdf::check_auth_key(auth_key)?;
    let n = packet.len();
    if n < PREFIX + 32 {
        return Err(security(format!("packet length {n} is too short")));
    }
    if (n - PREFIX) % 16 != 0 {
        return Err(security(format!(
            "packet length {n} is not 24 plus a positive multiple of 16"
        )));
    }
    if !ct_eq(&packet[..8], &kdf::auth_key_id_cached(auth_key)) {
        return Err(security("auth_key_id mismatch".into()));
    }
    let mut msg_key = [0u8; 16];
    msg_key.copy_from_slice(&packet[8..24]);
    let (key, mut iv) = kdf::message_key_iv(auth_key, &msg_key, sender);
    let cipher = Aes256Ige::new(&key);
    let mut head = [0u8; HEADER];
    cipher.decrypt(&mut iv, &packet[PREFIX..PREFIX + HEADER], &mut head);
    let total = n - PREFIX;
    let raw_length = length_field(&head);
    let claimed = usize::try_from(raw_length)
        .ok()
        .filter(|&l| l <= total - HEADER);
    Ok(Opened {
        auth_key,
        sender,
        msg_key,
        cipher,
        iv,
        head,
        rest: &packet[PREFIX + HEADER..],
        total,
        claimed,
        raw_length,
    })
}

impl Opened<'_> {
    /// Length of the buffer [`Opened::finish`] fills: the payload when its length field is
    /// plausible, else just the header (the call then fails anyway).
    pub fn payload_len(&self) -> usize {
        HEADER + self.claimed.unwrap_or(0)
    }

    /// Decrypts the rest into `out` (of [`Opened::payload_len`] bytes) and padding scratch,
    /// then checks msg_key, the length field and the padding, in the documented order.
    pub fn finish(mut self, out: &mut [u8]) -> Result<()> {
        if out.len() != self.payload_len() {
            return Err(Error::invalid("output buffer has the wrong length"));
        }
        let mut hasher = Sha256::new();
        let x = self.sender.x();
        hasher.update(&self.auth_key[88 + x..120 + x]);
        hasher.update(self.head);
        out[..HEADER].copy_from_slice(&self.head);
        let want = out.len() - HEADER;
        // Whole blocks that land entirely in `out`.
        let direct = want / 16 * 16;
        let (rest_direct, mut tail) = self.rest.split_at(direct);
        self.cipher
            .decrypt(&mut self.iv, rest_direct, &mut out[HEADER..HEADER + direct]);
        hasher.update(&out[HEADER..HEADER + direct]);
        // The remainder (a split block, then padding) goes through a stack buffer in chunks,
        // so hostile lengths never allocate.
        let mut split = want - direct; // bytes of the next block that still belong to `out`
        let mut scratch = [0u8; 1024];
        while !tail.is_empty() {
            let take = tail.len().min(scratch.len());
            let chunk = &mut scratch[..take];
            self.cipher.decrypt(&mut self.iv, &tail[..take], chunk);
            hasher.update(&*chunk);
            if split > 0 {
                let start = out.len() - split;
                out[start..].copy_from_slice(&chunk[..split]);
                split = 0;
            }
            tail = &tail[take..];
        }
        let digest = hasher.finalize();
        if !ct_eq(&digest[8..24], &self.msg_key) {
            return Err(security("msg_key mismatch".into()));
        }
        let total = self.total;
        let Some(length) = self.claimed else {
            return Err(security(format!(
                "message length {} does not fit in {total} decrypted bytes",
                self.raw_length
            )));
        };
        if length % 4 != 0 {
            return Err(security(format!(
                "message length {length} is not a multiple of 4"
            )));
        }
        let padding = total - HEADER - length;
        if !(12..=1024).contains(&padding) {
            return Err(security(format!(
                "padding of {padding} bytes is outside 12..1024"
            )));
        }
        Ok(())
    }
}

/// Decrypts and checks one packet; returns the payload without padding.
pub fn decrypt_message(auth_key: &[u8], packet: &[u8], sender: Sender) -> Result<Vec<u8>> {
    let opened = open(auth_key, packet, sender)?;
    let mut out = vec![0u8; opened.payload_len()];
    opened.finish(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(body: usize) -> Vec<u8> {
        let mut p: Vec<u8> = (0..HEADER + body).map(|i| i as u8).collect();
        p[28..32].copy_from_slice(&(body as i32).to_le_bytes());
        p
    }

    #[test]
    fn roundtrip_and_random_padding() {
        let key: Vec<u8> = (0..256).map(|i| (i * 7) as u8).collect();
        let mut ctr = 0u8;
        let mut rng = |b: &mut [u8]| {
            for x in b {
                ctr = ctr.wrapping_add(97);
                *x = ctr;
            }
        };
        for body in [0, 4, 8, 12, 16, 20, 208, 1000] {
            let p = payload(body);
            let pkt = encrypt_message(&key, &p, Sender::Client, None, &mut rng).unwrap();
            let pad = pkt.len() - PREFIX - p.len();
            assert!((12..=27).contains(&pad) && (pkt.len() - PREFIX) % 16 == 0);
            assert_eq!(decrypt_message(&key, &pkt, Sender::Client).unwrap(), p);
            let e = decrypt_message(&key, &pkt, Sender::Server).unwrap_err();
            assert_eq!(e.to_string(), "msg_key mismatch");
        }
    }

    #[test]
    fn payload_errors() {
        let e = check_payload(&[0; 31]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "payload must be 32 to 16777216 bytes, not 31"
        );
        let mut p = payload(8);
        p[28..32].copy_from_slice(&(-1i32).to_le_bytes());
        assert_eq!(
            check_payload(&p).unwrap_err().to_string(),
            "payload length field is -1 but the body is 8 bytes"
        );
        assert_eq!(
            check_payload(&payload(6)).unwrap_err().to_string(),
            "message body length 6 is not a multiple of 4"
        );
        assert_eq!(
            check_padding(40, 8).unwrap_err().to_string(),
            "padding must be 12 to 1024 bytes making the total a multiple of 16, not 8"
        );
    }
}
