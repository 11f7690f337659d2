//! Key derivations of MTProto 2.0: message keys, the handshake's temporary AES key, nonce
//! hashes, the first server salt and auth_key ids.

use sha1::{Digest, Sha1};
use sha2::Sha256;

use super::fixed;
use crate::error::{Error, Result};

/// Who sent a message; selects the `x` offset into the auth_key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// Client to server: x = 0.
    Client,
    /// Server to client: x = 8.
    Server,
}

impl Sender {
    /// The auth_key offset `x` of MTProto 2.0.
    pub fn x(self) -> usize {
        match self {
            Sender::Client => 0,
            Sender::Server => 8,
        }
    }

    /// Parses `"client"` or `"server"`; anything else is the documented `InvalidInputError`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "client" => Ok(Sender::Client),
            "server" => Ok(Sender::Server),
            other => Err(Error::invalid(format!(
                "sender must be 'client' or 'server', not {}",
                py_repr(other)
            ))),
        }
    }
}

/// Python's `repr()` of a `str`, so messages quote the bad value exactly as the twin does.
pub fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_py_printable(c) => out.push(c),
            c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

/// Approximates `str.isprintable()` for repr: ASCII printable, and non-ASCII outside the
/// control, separator, surrogate and private/unassigned ranges most often met.
fn is_py_printable(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    // C1 controls, NBSP/soft hyphen, and the Unicode separators and format characters.
    !matches!(u, 0x80..=0xa0 | 0xad | 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x206f
        | 0x3000 | 0xfeff | 0xe000..=0xf8ff | 0xfff0..=0xfffb | 0xf0000..)
}

/// Checks that `auth_key` is 256 bytes.
pub fn check_auth_key(auth_key: &[u8]) -> Result<&[u8; 256]> {
    fixed::<256>("auth_key", auth_key)
}

/// auth_key_id: bytes 12..20 of SHA1(auth_key).
pub fn auth_key_id(auth_key: &[u8; 256]) -> [u8; 8] {
    let d = Sha1::digest(auth_key);
    let mut id = [0u8; 8];
    id.copy_from_slice(&d[12..20]);
    id
}

/// [`auth_key_id`] remembered for the last auth_key used on this thread: a connection sends and
/// receives many messages under one key, and the SHA1 of 256 bytes is a sizeable part of the
/// cost of a small message. Comparing the 256 bytes is far cheaper than hashing them.
pub fn auth_key_id_cached(auth_key: &[u8; 256]) -> [u8; 8] {
    thread_local! {
        static LAST: std::cell::Cell<Option<([u8; 256], [u8; 8])>> =
            const { std::cell::Cell::new(None) };
    }
    LAST.with(|last| {
        if let Some((key, id)) = last.get() {
            if &key == auth_key {
                return id;
            }
        }
        let id = auth_key_id(auth_key);
        last.set(Some((*auth_key, id)));
        id
    })
}

/// auth_key_aux_hash: bytes 0..8 of SHA1(auth_key).
pub fn auth_key_aux_hash(auth_key: &[u8; 256]) -> [u8; 8] {
    let d = Sha1::digest(auth_key);
    let mut h = [0u8; 8];
    h.copy_from_slice(&d[..8]);
    h
}

/// msg_key of MTProto 2.0: SHA256(auth_key[88+x..120+x] | plaintext)[8..24].
pub fn msg_key(auth_key: &[u8; 256], sender: Sender, plaintext: &[u8]) -> [u8; 16] {
    let x = sender.x();
    let mut h = Sha256::new();
    h.update(&auth_key[88 + x..120 + x]);
    h.update(plaintext);
    let d = h.finalize();
    let mut k = [0u8; 16];
    k.copy_from_slice(&d[8..24]);
    k
}

/// MTProto 2.0 `(aes_key, aes_iv)` for `msg_key`.
pub fn message_key_iv(
    auth_key: &[u8; 256],
    msg_key: &[u8; 16],
    sender: Sender,
) -> ([u8; 32], [u8; 32]) {
    let x = sender.x();
    let a = Sha256::new()
        .chain_update(msg_key)
        .chain_update(&auth_key[x..x + 36])
        .finalize();
    let b = Sha256::new()
        .chain_update(&auth_key[40 + x..76 + x])
        .chain_update(msg_key)
        .finalize();
    let mut key = [0u8; 32];
    let mut iv = [0u8; 32];
    key[..8].copy_from_slice(&a[..8]);
    key[8..24].copy_from_slice(&b[8..24]);
    key[24..].copy_from_slice(&a[24..]);
    iv[..8].copy_from_slice(&b[..8]);
    iv[8..24].copy_from_slice(&a[8..24]);
    iv[24..].copy_from_slice(&b[24..]);
    (key, iv)
}

/// Checked `message_kdf` (arguments in the documented order; `sender` already parsed).
pub fn message_kdf(
    auth_key: &[u8],
    msg_key: &[u8],
    sender: Sender,
) -> Result<([u8; 32], [u8; 32])> {
    let auth_key = check_auth_key(auth_key)?;
    let msg_key = fixed::<16>("msg_key", msg_key)?;
    Ok(message_key_iv(auth_key, msg_key, sender))
}

/// Checks `new_nonce` (32 bytes) then `server_nonce` (16 bytes).
pub fn check_nonces<'a>(
    new_nonce: &'a [u8],
    server_nonce: &'a [u8],
) -> Result<(&'a [u8; 32], &'a [u8; 16])> {
    Ok((
        fixed::<32>("new_nonce", new_nonce)?,
        fixed::<16>("server_nonce", server_nonce)?,
    ))
}

/// The handshake's `(tmp_aes_key, tmp_aes_iv)` from new_nonce and server_nonce.
pub fn tmp_aes_key_iv(new_nonce: &[u8; 32], server_nonce: &[u8; 16]) -> ([u8; 32], [u8; 32]) {
    let ns = Sha1::new()
        .chain_update(new_nonce)
        .chain_update(server_nonce)
        .finalize();
    let sn = Sha1::new()
        .chain_update(server_nonce)
        .chain_update(new_nonce)
        .finalize();
    let nn = Sha1::new()
        .chain_update(new_nonce)
        .chain_update(new_nonce)
        .finalize();
    let mut key = [0u8; 32];
    key[..20].copy_from_slice(&ns);
    key[20..].copy_from_slice(&sn[..12]);
    let mut iv = [0u8; 32];
    iv[..8].copy_from_slice(&sn[12..20]);
    iv[8..28].copy_from_slice(&nn);
    iv[28..].copy_from_slice(&new_nonce[..4]);
    (key, iv)
}

/// new_nonce_hash1/2/3: SHA1(new_nonce | number | auth_key_aux_hash)[4..20].
pub fn new_nonce_hash(new_nonce: &[u8; 32], number: u8, auth_key: &[u8; 256]) -> [u8; 16] {
    let d = Sha1::new()
        .chain_update(new_nonce)
        .chain_update([number])
        .chain_update(auth_key_aux_hash(auth_key))
        .finalize();
    let mut h = [0u8; 16];
    h.copy_from_slice(&d[4..20]);
    h
}

/// Checks `number` of [`new_nonce_hash`] (1, 2 or 3), given as any integer's decimal text.
pub fn check_nonce_number(number: Option<u8>, shown: &dyn std::fmt::Display) -> Result<u8> {
    match number {
        Some(n @ 1..=3) => Ok(n),
        _ => Err(Error::invalid(format!(
            "number must be 1, 2 or 3, not {shown}"
        ))),
    }
}

/// The first server salt: new_nonce[0..8] XOR server_nonce[0..8].
pub fn server_salt(new_nonce: &[u8; 32], server_nonce: &[u8; 16]) -> [u8; 8] {
    core::array::from_fn(|i| new_nonce[i] ^ server_nonce[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sender_and_repr() {
        assert_eq!(Sender::parse("client").unwrap(), Sender::Client);
        assert_eq!(
            Sender::parse("Client").unwrap_err().to_string(),
            "sender must be 'client' or 'server', not 'Client'"
        );
        assert_eq!(py_repr("it's"), "\"it's\"");
        assert_eq!(py_repr("a'\"b"), "'a\\'\"b'");
        assert_eq!(py_repr("\n\x00é"), "'\\n\\x00é'");
    }
}
